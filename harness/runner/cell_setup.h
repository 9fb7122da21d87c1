// Turns a scenario's configuration into what each end of a cell is given: Milvus's tls.* files
// for the server, and pymilvus's rules (DESIGN.md 1, rules 1-4) applied to its connect()
// arguments for the client.
#pragma once

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_client.h"
#include "harness/endpoints/tls_server.h"
#include "harness/scenario/scenario.h"

namespace tlsmatrix {

ServerFiles server_files(const Scenario& scenario, const CertSet& certs);

// The client for `mode`: `secure` follows the mode unless the scenario forces it.
ClientSetup client_setup(const Scenario& scenario, const CertSet& certs, int mode);

}  // namespace tlsmatrix

// Turns a scenario's configuration into what each end of a cell is given: Milvus's tls.* files
// for the server, and pymilvus's rules (docs/milvus-rules.md) applied to its connect()
// arguments for the client.
#pragma once

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_client.h"
#include "harness/endpoints/tls_server.h"
#include "harness/scenario/scenario.h"

namespace tlsmatrix {

// The scenario's certificates. The loader refuses every value OpenSSL is known to reject, so a
// failure here slipped past it (or this OpenSSL refuses a key type); either way the file is what
// the user can change, so any exception becomes InputError "FILE: ..." (exit 2, not "internal
// error" with no file).
CertSet scenario_cert_set(const Scenario& scenario);

ServerFiles server_files(const Scenario& scenario, const CertSet& certs);

// The client for `mode`: `secure` follows the mode unless the scenario forces it.
ClientSetup client_setup(const Scenario& scenario, const CertSet& certs, int mode);

}  // namespace tlsmatrix

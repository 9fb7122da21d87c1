// Turns a scenario's configuration into what each end of a cell is given: Milvus's tls.* files
// for the server, and pymilvus's rules (docs/milvus-rules.md) applied to its connect()
// arguments for the client.
#pragma once

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_client.h"
#include "harness/endpoints/tls_server.h"
#include "harness/scenario/scenario.h"
#include "harness/verdict/profile.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix::runner {

// The scenario's certificates. The loader refuses every value OpenSSL is known to reject, so a
// failure here slipped past it (or this OpenSSL refuses a key type); either way the file is what
// the user can change, so any exception becomes InputError "FILE: ..." (exit 2, not "internal
// error" with no file).
certs::CertSet scenario_cert_set(const scenario::Scenario& scenario);

endpoints::ServerFiles server_files(const scenario::Scenario& scenario, const certs::CertSet& certs);

// A scenario's (or `serve`'s) "1.2" / "1.3" as OpenSSL's version constant; 0 for "" (none given).
int tls_version(const std::string& v);

// The client for `mode`: `secure` follows the mode unless the scenario forces it.
endpoints::ClientSetup client_setup(const scenario::Scenario& scenario, const certs::CertSet& certs, int mode);

// Where the cell's server listens: on the host its client dials (port 0), as Milvus's proxy,
// listening on every interface, is reached by whichever loopback the client names.
std::string listen_address(const scenario::Scenario& scenario);

// What a client of `profile` sends to a server of `server` with `files` in `mode`: a client that
// withholds a certificate outside the CA names a server gives (Go, to Milvus's server) sends none.
// `client` unchanged otherwise.
endpoints::ClientSetup client_for_server(endpoints::ClientSetup client, const verdict::ClientProfile& profile, const verdict::ServerProfile& server,
                              const endpoints::ServerFiles& files, int mode);

// Go's crypto/tls SupportsCertificate: some certificate of `client_chain_pem` is issued by a
// subject of `ca_pem` (the names in the server's CertificateRequest).
bool issued_by_named_ca(std::string_view client_chain_pem, std::string_view ca_pem);

}  // namespace tlsmatrix::runner

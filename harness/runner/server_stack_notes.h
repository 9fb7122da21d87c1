// Where Milvus's own proxy (Go) would judge differently from the harness's server, in plain words
// for the notes of `run`, `validate` and `serve`; said only where it touches what ran. The
// harness cannot be Milvus's server (gRPC C++ vs crypto/tls); the interop suite checks these
// differences against a real Go server configured like Milvus's proxy.
//
// Two kinds: the caveats, which hold for any files (the harness's server lets TLS 1.2 in,
// refuses weak server certificates, names no CAs, checks client certificates with OpenSSL), each
// brought into play by the mode, the client profile and what is in the files; and the
// scenario-specific notes read from `servers: milvus` expectations.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/runner/cell_result.h"
#include "harness/scenario/scenario.h"

namespace tlsmatrix {

enum class ServerCaveat {
  tls12_in_mode2,    // Milvus takes TLS 1.3 only in mode 2; this server takes TLS 1.2 too
  weak_server_cert,  // server_config_error here (OpenSSL security level); Milvus starts
  no_ca_names,       // no CA names in the certificate request: a Go client still sends
  client_cert_checks,  // OpenSSL refuses client certificates Go's crypto/x509 accepts
};

// The note for `caveat`, one paragraph.
std::string caveat_text(ServerCaveat caveat);

// What in a set of files brings a caveat into play.
struct FileTraits {
  // A key under 112 security bits or an MD5/SHA-1 signature (on a certificate not self-signed)
  // in the server's file: OpenSSL at security level 2 refuses it, Go serves it.
  bool weak_server_cert = false;
  // No certificate the client sends is issued by a subject in caPemPath: a Go client withholds
  // it from Milvus, which names those subjects (crypto/tls SupportsCertificate).
  bool client_cert_outside_ca_names = false;
  bool client_key_weak = false;  // the client's key is under 112 security bits
  bool client_key_usage_without_signature = false;  // its keyUsage lacks digitalSignature
};

// Empty vectors for files not given. `client_chain` is what the client sends, leaf first.
FileTraits file_traits(const std::vector<X509*>& server_chain, const std::vector<X509*>& ca,
                       const std::vector<X509*>& client_chain);
// The same from PEM text; a file that does not parse brings nothing into play (the cell reports
// it).
FileTraits file_traits_pem(std::string_view server_chain_pem, std::string_view ca_pem,
                           std::string_view client_chain_pem);

// The caveats touching one handshake: the harness's server in `mode` with these files and a
// client of `profile`. `any_client` (serve): whoever connects, with any TLS version or
// certificate.
std::vector<ServerCaveat> caveats_for(int mode, std::string_view profile, const FileTraits& files,
                                      bool any_client = false);

// `run`: the caveats touching the cells that ran, each once, as notes. `sets[i]` is
// `scenarios[i]`'s certificates; cells are matched to scenarios by file and name.
std::vector<std::string> run_caveat_notes(const std::vector<Scenario>& scenarios,
                                          const std::vector<CertSet>& sets,
                                          const std::vector<CellResult>& cells);

// `validate`: the caveats for a deployment in `mode` checked with `profiles`, as notes.
std::vector<std::string> deployment_caveat_notes(int mode, const std::vector<std::string>& profiles,
                                                 const FileTraits& files);

// `serve`: the caveats for a server in `mode` with these files, any client, as notes.
std::vector<std::string> serve_caveat_notes(int mode, const FileTraits& files);

// One line per scenario and the modes where Milvus's verdicts differ the same way, e.g.
// "broken-rsa1024-server, modes 1 and 2: Milvus's Go proxy gives pass to go and node, fail
// server_cert_invalid to grpc-core; the harness's server: fail server_config_error".
std::vector<std::string> milvus_server_notes(const std::vector<Scenario>& scenarios, const std::vector<int>& modes,
                                             const std::vector<std::string>& profiles);

}  // namespace tlsmatrix

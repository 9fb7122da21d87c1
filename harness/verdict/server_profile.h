// Server profiles: how the server stack of a cell loads its own files and judges its clients.
// Like client profiles (profile.h), a server profile is data, the knobs its stack turns, and the
// harness's one gRPC C++ server applies them (harness/endpoints/tls_server.h). Two are defined:
// `harness` (gRPC C++ 1.51 with OpenSSL as it is) and `milvus` (Milvus's proxy: grpc-go on Go's
// crypto/tls with the tls.Config of internal/distributed/proxy). docs/milvus-rules.md explains
// the choice to emulate Milvus's server rather than run a Go one; the interop suite holds the
// emulation against a real Go server configured like Milvus's proxy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::verdict {

// Whose rules check a client's certificate chain in mode 2.
enum class ClientChainRules {
  // OpenSSL as gRPC C++ uses it: purpose sslclient (a leaf's keyUsage counts), the process's
  // security level (RSA-1024 and SHA-1 refused), the first error of the chain build.
  openssl,
  // Go's crypto/x509 (Verify with ExtKeyUsageClientAuth, as crypto/tls's server calls it): the
  // leaf's dates first, then the chain; keyUsage ignored, EKU checked along the whole chain (the
  // trust anchor too), any key size, SHA-1 signatures refused below the anchor.
  go_x509,
};

struct ServerProfile {
  std::string name;   // harness, milvus
  std::string stack;  // what it stands for, for reports
  // The security level at which the server loads and sends its own chain; -1 = this process's
  // default (Debian: 2; RSA-1024 and SHA-1 refused). Go's crypto/tls loads any (0).
  int own_cert_security_level = -1;
  // Mode 2 only: the lowest TLS version accepted (0 = OpenSSL's own floor). Milvus sets
  // MinVersion: tls.VersionTLS13 in mode 2 (and none in mode 1).
  int mode2_min_tls_version = 0;
  // Mode 2: the CertificateRequest names the subjects of tls.caPemPath (Go's ClientCAs). A Go
  // client then withholds a certificate that does not chain to one of them (ClientProfile::
  // withholds_cert_outside_ca_names).
  bool names_client_cas = false;
  ClientChainRules client_chain_rules = ClientChainRules::openssl;
  // A ClientHello whose server_name ends with a dot is refused (Go: RFC 6066 forbids it; the
  // handshake ends with an unexpected_message alert).
  bool refuses_sni_trailing_dot = false;
};

inline constexpr std::string_view kHarnessServer = "harness";

// Every defined server profile, harness first.
const std::vector<ServerProfile>& server_profiles();
// nullptr when there is no such profile.
const ServerProfile* find_server_profile(std::string_view name);
std::vector<std::string> server_profile_names();
// The harness's own server (gRPC C++ as it is).
const ServerProfile& harness_server_profile();

}  // namespace tlsmatrix::verdict

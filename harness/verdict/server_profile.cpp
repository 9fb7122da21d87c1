#include "harness/verdict/server_profile.h"

#include <openssl/ssl.h>

#include "harness/verdict/by_name.h"

namespace tlsmatrix::verdict {

namespace {

std::vector<ServerProfile> make_server_profiles() {
  std::vector<ServerProfile> out;

  ServerProfile harness;
  harness.name = std::string(kHarnessServer);
  harness.stack = "gRPC C++ 1.51 with OpenSSL 3 (the harness's own server)";
  out.push_back(harness);

  // internal/distributed/proxy: credentials.NewServerTLSFromFile in mode 1; in mode 2
  // tls.Config{Certificates, ClientAuth: RequireAndVerifyClientCert, ClientCAs: caPemPath,
  // MinVersion: TLS 1.3}. Established against tests/interop/servers/milvus_go (Go 1.19).
  ServerProfile milvus;
  milvus.name = "milvus";
  milvus.stack = "Milvus's proxy: grpc-go on Go 1.19 crypto/tls";
  milvus.own_cert_security_level = 0;
  milvus.mode2_min_tls_version = TLS1_3_VERSION;
  milvus.names_client_cas = true;
  milvus.client_chain_rules = ClientChainRules::go_x509;
  milvus.refuses_sni_trailing_dot = true;
  out.push_back(milvus);
  return out;
}

}  // namespace

const std::vector<ServerProfile>& server_profiles() {
  static const std::vector<ServerProfile> profiles = make_server_profiles();
  return profiles;
}

const ServerProfile* find_server_profile(std::string_view name) { return find_by_name(server_profiles(), name); }

std::vector<std::string> server_profile_names() { return names_of(server_profiles()); }

const ServerProfile& harness_server_profile() { return server_profiles().front(); }

}  // namespace tlsmatrix::verdict

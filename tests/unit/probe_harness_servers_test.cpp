// run_probe against the harness's own Milvus-like gRPC servers (harness/endpoints) in each
// tlsMode: the probe must name the mode each was started in, and in mode 2 let a client signed by
// the server's CA in while turning away one without a certificate and one from another CA.
#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/certs/milvus_layout.h"
#include "harness/endpoints/tls_server.h"
#include "harness/probe/probe.h"

namespace tlsmatrix::probe {
namespace {

const Finding* check_named(const ProbeReport& r, const std::string& id) {
  for (const auto& c : r.checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

TEST(ProbeHarnessServers, InfersEachModeOfTheHarnessServer) {
  certs::MilvusLayoutOptions layout;
  layout.key_type = certs::KeyType::ec_p256;
  certs::CertSet set = certs::build_cert_set(certs::milvus_layout(layout));
  endpoints::ServerFiles files;
  files.cert_chain_pem = set.get("server").cert_pem;
  files.key_pem = set.get("server").key_pem;
  files.ca_pem = set.get("ca").cert_pem;
  for (int mode : {0, 1, 2}) {
    std::string error;
    auto server = endpoints::TlsServer::start(mode, files, &error);
    ASSERT_NE(server, nullptr) << error;
    ProbeOptions o;
    o.endpoint = net::parse_host_port("127.0.0.1:" + std::to_string(server->port()));
    o.server_name = "localhost";
    o.timeout = std::chrono::milliseconds(3000);
    o.expected_mode = mode;
    if (mode > 0) {
      o.trust.push_back(ossl::up_ref(set.get("ca").cert.get()));
      o.trust_file = "ca.pem";
      ClientIdentity id;
      id.chain.push_back(ossl::up_ref(set.get("client").cert.get()));
      id.key = ossl::up_ref(set.get("client").key.get());
      o.client = std::move(id);
      o.client_pem_file = "client.pem";
    }
    ProbeReport r = run_probe(std::move(o));
    ASSERT_TRUE(r.inferred_mode.has_value()) << "mode " << mode;
    EXPECT_EQ(*r.inferred_mode, mode);
    for (const auto& c : r.checks) {
      EXPECT_NE(c.severity, Severity::error) << "mode " << mode << ": " << c.id << ": " << c.message;
    }
    if (mode == 2) {
      for (const char* id : {"client_cert_required", "unrelated_ca_rejected", "client_cert_accepted"}) {
        const Finding* c = check_named(r, id);
        ASSERT_NE(c, nullptr) << id;
        EXPECT_EQ(c->severity, Severity::ok) << id << ": " << c->message;
      }
    }
    if (mode > 0) {
      EXPECT_EQ(r.alpn, "h2");
    }
  }
}

}  // namespace
}  // namespace tlsmatrix::probe

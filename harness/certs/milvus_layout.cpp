#include "harness/certs/milvus_layout.h"

#include <algorithm>
#include <chrono>

#include "harness/net/ip_literal.h"

namespace tlsmatrix::certs {

std::string normalize_san(std::string_view entry) {
  for (std::string_view prefix : {"DNS:", "IP:", "URI:"}) {
    if (entry.substr(0, prefix.size()) == prefix) return std::string(entry);
  }
  std::string bare(entry);
  return (net::is_ip_literal(bare) ? "IP:" : "DNS:") + bare;
}

std::vector<CertSpec> milvus_layout(const MilvusLayoutOptions& options) {
  using std::chrono::hours;
  const auto days = [](int n) { return std::chrono::duration_cast<std::chrono::seconds>(hours(24 * n)); };
  // keyEncipherment only means something for RSA key transport; an EC or Ed25519 leaf that
  // claims it is wrong, and strict verifiers say so.
  const std::vector<std::string> leaf_ku =
      is_rsa(options.key_type) ? std::vector<std::string>{"digitalSignature", "keyEncipherment"}
                               : std::vector<std::string>{"digitalSignature"};

  CertSpec ca;
  ca.name = "ca";
  ca.key_type = options.key_type;
  ca.cn = "tlsmatrix test CA";
  ca.o = "tlsmatrix";
  ca.ca = true;
  ca.not_after = days(std::max(options.ca_days, options.leaf_days));

  CertSpec server;
  server.name = "server";
  server.issuer = "ca";
  server.key_type = options.key_type;
  server.cn = options.cn;
  server.o = "tlsmatrix";
  server.not_after = days(options.leaf_days);
  server.key_usage = leaf_ku;
  server.ext_key_usage = {"serverAuth"};
  if (options.sans.empty()) {
    for (std::string entry : {normalize_san(options.cn), std::string("DNS:localhost"),
                              std::string("IP:127.0.0.1")}) {
      if (std::find(server.sans.begin(), server.sans.end(), entry) == server.sans.end()) {
        server.sans.push_back(entry);
      }
    }
  } else {
    for (const auto& entry : options.sans) server.sans.push_back(normalize_san(entry));
  }

  CertSpec client;
  client.name = "client";
  client.issuer = "ca";
  client.key_type = options.key_type;
  client.cn = "tlsmatrix client";
  client.o = "tlsmatrix";
  client.not_after = days(options.leaf_days);
  client.key_usage = leaf_ku;
  client.ext_key_usage = {"clientAuth"};

  return {ca, server, client};
}

}  // namespace tlsmatrix::certs

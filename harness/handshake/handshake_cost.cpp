#include "harness/handshake/handshake_cost.h"

#include <cstdio>
#include <map>
#include <mutex>

#include "harness/x509/facts.h"

#include "harness/handshake/bench_run.h"
#include "harness/handshake/memory_pair.h"
#include "harness/handshake/tls_contexts.h"

namespace tlsmatrix::handshake {

HandshakeCost measure_cost(SSL_CTX* server, SSL_CTX* client, double seconds) {
  HandshakeCost cost;
  // One handshake first: a set that does not handshake has no cost to report, and its error is
  // the honest answer (the timed loop would only count failures).
  HandshakeOutcome first = MemoryPair(server, client).handshake();
  if (!first.ok) {
    cost.not_measured = "the handshake fails: " + first.error;
    return cost;
  }
  std::uint64_t ok = 0;
  double cpu_s = 0;
  double window = seconds;
  double spent = 0;
  while (ok < kMinCostHandshakes && spent + window <= kMaxCostSeconds) {
    LoadResult r = measure_in_memory(server, client, false, 1, 1, window, "cost", false);
    spent += window;
    window *= 2;
    if (r.failed > 0) {
      cost.not_measured = "the handshakes failed: " + r.first_error;
      return cost;
    }
    ok += r.ok;
    cpu_s += r.cpu_s;
  }
  if (ok < kMinCostHandshakes || cpu_s <= 0) {
    cost.not_measured = "only " + std::to_string(ok) + " handshakes completed in " +
                        std::to_string(spent).substr(0, 4) + " s (the machine is too busy)";
    return cost;
  }
  cost.measured = true;
  cost.handshakes = ok;
  cost.cpu_us = cpu_s * 1e6 / static_cast<double>(ok);
  return cost;
}

HandshakeCost measure_p256_cost(int mode, double seconds) {
  HandshakeConfig config;
  config.mode = mode;
  config.key = certs::KeyType::ec_p256;
  config.tls = TlsVersion::tls13;
  certs::CertSet certs = make_bench_certs(config.key);
  auto server = make_server_ctx(certs, config);
  auto client = make_client_ctx(certs, config);
  return measure_cost(server.get(), client.get(), seconds);
}

const HandshakeCost& p256_cost(int mode) {
  static std::mutex mutex;
  static std::map<int, HandshakeCost> measured;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = measured.find(mode);
  if (it == measured.end()) it = measured.emplace(mode, measure_p256_cost(mode)).first;
  return it->second;
}

CostComparison measure_files_cost(int mode, const CostFiles& files, double seconds) {
  const std::string key = files.server_key ? x509::key_label(files.server_key) : "unknown-key";
  HandshakeCost cost;
  if (files.server_chain.empty() || files.server_key == nullptr) {
    cost.not_measured = "no server certificate and key";
    return compare_costs(mode, key, cost, p256_cost(mode));
  }
  if (files.trust.empty()) {
    // The client's chain check is part of the cost; without a file to check with there is
    // nothing honest to measure.
    cost.not_measured = "the client has no trust file to verify the server with";
    return compare_costs(mode, key, cost, p256_cost(mode));
  }
  try {
    auto server = make_files_server_ctx(files.server_chain, files.server_key, mode, files.client_cas,
                                        TlsVersion::tls13);
    TargetClient client;
    for (X509* c : files.trust) client.trust.push_back(ossl::up_ref(c));
    client.trust_label = "the trust file";
    client.server_name = files.server_name;
    if (mode == 2 && !files.client_chain.empty() && files.client_key != nullptr) {
      for (X509* c : files.client_chain) client.client_chain.push_back(ossl::up_ref(c));
      client.client_key = ossl::up_ref(files.client_key);
      client.client_label = "the client certificate";
    }
    auto client_ctx = make_target_client_ctx(client, TlsVersion::tls13, false);
    cost = measure_cost(server.get(), client_ctx.get(), seconds);
  } catch (const std::exception& e) {
    cost.not_measured = e.what();
  }
  return compare_costs(mode, key, std::move(cost), p256_cost(mode));
}

CostComparison compare_costs(int mode, std::string files_key, HandshakeCost files, HandshakeCost p256) {
  CostComparison c;
  c.mode = mode;
  c.files_key = std::move(files_key);
  c.files = std::move(files);
  c.p256 = std::move(p256);
  if (c.files.measured && c.p256.measured) c.ratio = c.files.cpu_us / c.p256.cpu_us;
  return c;
}

std::string cpu_text(double us) {
  char buf[32];
  if (us >= 1000) {
    std::snprintf(buf, sizeof buf, "%.1f ms", us / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f µs", us);
  }
  return buf;
}

std::string cost_text(const CostComparison& c, const std::string& whose) {
  std::string out = "mode " + std::to_string(c.mode) + " with " + whose + " " + c.files_key + " set: ";
  if (!c.files.measured) return out + "cost not measured (" + c.files.not_measured + ")";
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", c.files.per_s_per_core());
  out += cpu_text(c.files.cpu_us) + " CPU per handshake (" + rate + "/s per core)";
  if (c.ratio) {
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.1fx", *c.ratio);
    out += ", " + std::string(ratio) + " what P-256 would cost (" + cpu_text(c.p256.cpu_us) + ")";
  } else {
    out += "; P-256 not measured (" + c.p256.not_measured + ")";
  }
  return out;
}

}  // namespace tlsmatrix::handshake

// Raw TLS handshakes with OpenSSL, by mode (1, 2), key type, TLS version and full vs resumed:
//   BM_InMemory  client and server SSL over a BIO pair (the library ceiling, per thread)
//   BM_Loopback  a fresh TCP connection per handshake to the in-process event-loop server
// Rates are handshakes/s (Counter kIsRate). Run e.g.
//   build/tls_handshake_bench --benchmark_filter='Loopback/mode:1/key:0/tls13:1/resume:0'
//       --benchmark_out=tls.json --benchmark_out_format=json
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "harness/handshake/memory_pair.h"
#include "harness/handshake/socket_client.h"
#include "harness/handshake/socket_server.h"
#include "harness/handshake/tls_contexts.h"

namespace {

using namespace tlsmatrix;
using namespace tlsmatrix::handshake;

const certs::KeyType kKeys[] = {certs::KeyType::rsa2048, certs::KeyType::rsa3072, certs::KeyType::ec_p256, certs::KeyType::ed25519};

HandshakeConfig config_of(const benchmark::State& state) {
  return {static_cast<int>(state.range(0)), kKeys[state.range(1)],
          state.range(2) != 0 ? TlsVersion::tls13 : TlsVersion::tls12, state.range(3) != 0};
}

// Certificates, contexts and (for loopback) a server per configuration, made once and shared by
// every thread and repetition: none of it belongs in the timed loop.
struct Fixture {
  certs::CertSet certs;
  ossl::SslCtxPtr server_ctx, client_ctx;
  std::unique_ptr<Listener> listener;
  std::unique_ptr<HandshakeServer> server;
};

Fixture& fixture(const HandshakeConfig& c, bool with_server) {
  static std::mutex mu;
  static std::map<std::tuple<int, int, int, bool, bool>, std::unique_ptr<Fixture>> all;
  std::lock_guard lock(mu);
  auto& f = all[{c.mode, static_cast<int>(c.key), static_cast<int>(c.tls), c.resume, with_server}];
  if (!f) {
    f = std::make_unique<Fixture>();
    f->certs = make_bench_certs(c.key);
    f->server_ctx = make_server_ctx(f->certs, c);
    f->client_ctx = make_client_ctx(f->certs, c);
    if (with_server) {
      f->listener = std::make_unique<Listener>();
      f->server = std::make_unique<HandshakeServer>(*f->listener, f->server_ctx.get(), 2);
    }
  }
  return *f;
}

template <class Handshaker>
void run(benchmark::State& state, Handshaker& h, bool resume) {
  ossl::SslSessionPtr session;
  if (resume) {
    HandshakeOutcome first = h.handshake(nullptr, &session);
    if (!first.ok || !session) {
      state.SkipWithError(("no session to resume: " + first.error).c_str());
      return;
    }
  }
  std::int64_t n = 0, resumed = 0;
  for (auto _ : state) {
    HandshakeOutcome o = h.handshake(session.get());
    if (!o.ok) {
      state.SkipWithError(o.error.c_str());
      break;
    }
    ++n;
    resumed += o.resumed;
  }
  state.counters["handshakes"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  if (resume) state.counters["resumed"] = static_cast<double>(resumed);
}

void BM_InMemory(benchmark::State& state) {
  HandshakeConfig c = config_of(state);
  Fixture& f = fixture(c, false);
  MemoryPair pair(f.server_ctx.get(), f.client_ctx.get());
  run(state, pair, c.resume);
}

void BM_Loopback(benchmark::State& state) {
  HandshakeConfig c = config_of(state);
  Fixture& f = fixture(c, true);
  SocketHandshaker client(f.client_ctx.get(), loopback_endpoint(f.listener->port()));
  run(state, client, c.resume);
}

void matrix(benchmark::internal::Benchmark* b) {
  b->ArgNames({"mode", "key", "tls13", "resume"});
  b->ArgsProduct({{1, 2}, {0, 1, 2, 3}, {0, 1}, {0, 1}});
}

BENCHMARK(BM_InMemory)->Apply(matrix)->UseRealTime();
BENCHMARK(BM_InMemory)->Apply(matrix)->Threads(2)->UseRealTime();
BENCHMARK(BM_Loopback)->Apply(matrix)->UseRealTime();
BENCHMARK(BM_Loopback)->Apply(matrix)->Threads(2)->UseRealTime();

}  // namespace

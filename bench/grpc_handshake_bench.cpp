// gRPC channel handshakes through the runner's endpoints (the Milvus-like server for a tlsMode,
// the pymilvus-like client): each iteration opens a new channel with its own subchannel and
// completes one Health/Check RPC, so each iteration is one TLS handshake plus the HTTP/2 and RPC
// round trips on top. gRPC 1.51 negotiates TLS 1.3 and the client keeps no session cache, so the
// matrix here is mode x key (full TLS 1.3 handshakes).
//   build/grpc_handshake_bench --benchmark_out=grpc.json --benchmark_out_format=json
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <mutex>

#include "harness/handshake/bench_run.h"
#include "harness/handshake/tls_contexts.h"

namespace {

using namespace tlsmatrix;
using namespace tlsmatrix::handshake;

const certs::KeyType kKeys[] = {certs::KeyType::rsa2048, certs::KeyType::rsa3072, certs::KeyType::ec_p256, certs::KeyType::ed25519};

// One server per configuration for the whole process, shared by all threads.
struct Fixture {
  certs::CertSet certs;
  LayerPlan plan;
  std::unique_ptr<ProcessScope> server;
};

Fixture& fixture(const HandshakeConfig& c) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::unique_ptr<Fixture>> all;
  std::lock_guard lock(mu);
  auto& f = all[{c.mode, static_cast<int>(c.key)}];
  if (!f) {
    f = std::make_unique<Fixture>();
    f->certs = make_bench_certs(c.key);
    f->plan = grpc_layer_plan(f->certs, c, BenchSettings{}, 1, 2);
    f->server = f->plan.per_process(0);
  }
  return *f;
}

void BM_GrpcChannel(benchmark::State& state) {
  HandshakeConfig c{static_cast<int>(state.range(0)), kKeys[state.range(1)], TlsVersion::tls13, false};
  Fixture& f = fixture(c);
  auto worker = f.plan.make_worker(state.thread_index());
  std::int64_t n = 0;
  for (auto _ : state) {
    Attempt a = worker->once();
    if (!a.ok) {
      state.SkipWithError(a.error.c_str());
      break;
    }
    ++n;
  }
  state.counters["handshakes"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}

void matrix(benchmark::internal::Benchmark* b) {
  b->ArgNames({"mode", "key"});
  b->ArgsProduct({{1, 2}, {0, 1, 2, 3}});
}

BENCHMARK(BM_GrpcChannel)->Apply(matrix)->UseRealTime();
BENCHMARK(BM_GrpcChannel)->Apply(matrix)->Threads(2)->UseRealTime();

}  // namespace

#include "harness/handshake/bench_run.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "harness/handshake/memory_pair.h"
#include "harness/handshake/socket_server.h"
#include "harness/handshake/tls_contexts.h"

namespace tlsmatrix::handshake {

std::optional<Layer> parse_layer(std::string_view text) {
  if (text == "tls") return Layer::tls;
  if (text == "grpc") return Layer::grpc;
  return std::nullopt;
}

std::string_view to_string(Layer layer) { return layer == Layer::tls ? "tls" : "grpc"; }

double BenchResult::fraction_of_ceiling() const {
  double c = ceiling_per_s();
  return c > 0 ? load.rate() / c : 0;
}

double BenchResult::fraction_of_bound() const {
  return bound.per_s > 0 ? load.rate() / bound.per_s : 0;
}

namespace {

// A worker over any handshaker (in-memory pair, socket client). For resumed configurations it
// first does one untimed full handshake and then offers that session every time.
template <class Handshaker>
class HandshakeWorker : public Worker {
 public:
  HandshakeWorker(Handshaker h, bool resume) : h_(std::move(h)) {
    if (!resume) return;
    HandshakeOutcome first = h_.handshake(nullptr, &session_);
    if (!first.ok || !session_) {
      throw std::runtime_error("the full handshake that provides the session failed: " +
                               first.error);
    }
  }
  Attempt once() override {
    HandshakeOutcome o = h_.handshake(session_.get());
    return {o.ok, o.resumed, std::move(o.error)};
  }

 private:
  Handshaker h_;
  ossl::SslSessionPtr session_;
};

// A process's share of the in-process server; leaves its counters behind when it stops.
class ServerShare : public ProcessScope {
 public:
  ServerShare(const Listener& listener, SSL_CTX* ctx, int threads, ServerCounters* sink)
      : server_(listener, ctx, threads), sink_(sink) {}
  ~ServerShare() override { *sink_ = server_.counters(); }

 private:
  HandshakeServer server_;
  ServerCounters* sink_;
};

}  // namespace

LoadResult measure_ceiling(const CertSet& certs, const HandshakeConfig& config, int cores,
                           int processes, double duration_s, bool progress) {
  auto server_ctx = make_server_ctx(certs, config);
  auto client_ctx = make_client_ctx(certs, config);
  LoadPlan plan;
  plan.processes = std::min(processes, cores);
  plan.workers = cores;
  plan.duration_s = duration_s;
  plan.label = "ceiling  " + describe(config);
  plan.progress = progress;
  plan.make_worker = [&](int) -> std::unique_ptr<Worker> {
    return std::make_unique<HandshakeWorker<MemoryPair>>(
        MemoryPair(server_ctx.get(), client_ctx.get()), config.resume);
  };
  return run_load(plan);
}

namespace {

LayerPlan tls_layer_plan(const CertSet& certs, const HandshakeConfig& config,
                         const BenchSettings& settings, int processes, int cores,
                         std::shared_ptr<void>& keep) {
  struct State {
    ossl::SslCtxPtr server_ctx, client_ctx;
    std::unique_ptr<Listener> listener;
    Endpoint endpoint;
    // The in-process server's counters (single-process runs only: children keep theirs).
    ServerCounters counters;
  };
  auto st = std::make_shared<State>();
  keep = st;
  ClientOptions copts;
  copts.verify_server = !settings.target.has_value();
  st->client_ctx = make_client_ctx(certs, config, copts);
  LayerPlan lp;
  if (settings.target) {
    st->endpoint = *settings.target;
  } else {
    st->server_ctx = make_server_ctx(certs, config);
    st->listener = std::make_unique<Listener>();
    st->endpoint = loopback_endpoint(st->listener->port());
    int server_threads = std::max(1, cores / processes);
    lp.per_process = [st, server_threads](int) -> std::unique_ptr<ProcessScope> {
      return std::make_unique<ServerShare>(*st->listener, st->server_ctx.get(), server_threads,
                                           &st->counters);
    };
    lp.server_client_certs = [st] { return st->counters.client_certs; };
    lp.notes = [st]() -> std::vector<std::string> {
      if (st->counters.failures == 0) return {};
      return {"server: " + std::to_string(st->counters.failures) + " handshakes failed"};
    };
  }
  lp.make_worker = [st, resume = config.resume](int) -> std::unique_ptr<Worker> {
    return std::make_unique<HandshakeWorker<SocketHandshaker>>(
        SocketHandshaker(st->client_ctx.get(), st->endpoint), resume);
  };
  return lp;
}

}  // namespace

BenchResult run_bench(const HandshakeConfig& config, const BenchSettings& settings) {
  BenchResult r;
  r.layer = settings.layer;
  r.config = config;
  r.concurrency = settings.concurrency;
  r.cores = available_cores();
  int processes = settings.processes > 0 ? settings.processes : default_processes(r.cores);
  processes = std::min(processes, settings.concurrency);
  r.target = settings.target ? settings.target->text : "in-process";

  CertSet certs = make_bench_certs(config.key);
  std::shared_ptr<void> keep;
  LayerPlan lp = settings.layer == Layer::tls
                     ? tls_layer_plan(certs, config, settings, processes, r.cores, keep)
                     : grpc_layer_plan(certs, config, settings, processes, r.cores);
  if (!lp.forkable && processes > 1) {
    r.notes.push_back("the gRPC layer runs in one process (gRPC does not survive fork)");
    processes = 1;
  }
  r.processes = processes;

  LoadPlan plan;
  plan.processes = processes;
  plan.workers = settings.concurrency;
  plan.duration_s = settings.duration_s;
  plan.per_process = lp.per_process;
  plan.make_worker = lp.make_worker;
  plan.label = std::string(to_string(settings.layer)) + "  " + describe(config);
  plan.progress = settings.progress;
  r.load = run_load(plan);
  if (lp.notes) {
    for (auto& n : lp.notes()) r.notes.push_back(std::move(n));
  }
  if (lp.server_client_certs) r.server_client_certs = lp.server_client_certs();
  if (settings.target) {
    r.notes.push_back("external target: the server certificate is not verified");
  }
  if (settings.references) {
    r.ceiling = measure_ceiling(certs, config, r.cores, processes, settings.duration_s,
                                settings.progress);
    r.bound = measure_crypto_bound(certs, config, r.cores);
  }
  return r;
}

}  // namespace tlsmatrix::handshake

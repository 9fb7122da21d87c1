#include "harness/handshake/bench_run.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <openssl/ssl.h>

#include "harness/handshake/memory_pair.h"
#include "harness/handshake/socket_server.h"
#include "harness/handshake/tls_contexts.h"

namespace tlsmatrix::handshake {

std::optional<Layer> parse_layer(std::string_view text) {
  if (text == "tls") return Layer::tls;
  if (text == "grpc-server") return Layer::grpc_server;
  // `grpc` was the channel-per-handshake layer's name before the server's cost had its own.
  if (text == "grpc-client" || text == "grpc") return Layer::grpc_client;
  return std::nullopt;
}

std::string_view to_string(Layer layer) {
  switch (layer) {
    case Layer::tls: return "tls";
    case Layer::grpc_server: return "grpc-server";
    case Layer::grpc_client: return "grpc-client";
  }
  return "tls";
}

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
  HandshakeWorker(Handshaker h, bool resume, int cpu = -1) : h_(std::move(h)), cpu_(cpu) {
    if (!resume) return;
    HandshakeOutcome first = h_.handshake(nullptr, &session_);
    if (!first.ok || !session_) {
      throw std::runtime_error("the full handshake that provides the session failed: " +
                               first.error);
    }
  }
  Attempt once() override {
    HandshakeOutcome o = h_.handshake(session_.get());
    return {o.ok, o.resumed, std::move(o.error), o.unreachable, o.cut_off};
  }
  void run_ends_at(std::chrono::steady_clock::time_point cutoff) override {
    if constexpr (requires { h_.set_cutoff(cutoff); }) h_.set_cutoff(cutoff);
  }
  int cpu() const override { return cpu_; }

 private:
  Handshaker h_;
  ossl::SslSessionPtr session_;
  int cpu_;
};

// A process's share of the in-process server; adds its counters to `sink` when it stops.
class ServerShare : public ProcessScope {
 public:
  explicit ServerShare(ServerCounters* sink) : sink_(sink) {}
  ~ServerShare() override {
    for (const auto& s : servers) {
      ServerCounters c = s->counters();
      sink_->handshakes += c.handshakes;
      sink_->failures += c.failures;
      sink_->client_certs += c.client_certs;
      sink_->resumed += c.resumed;
    }
  }
  std::vector<std::unique_ptr<HandshakeServer>> servers;

 private:
  ServerCounters* sink_;
};

}  // namespace

LoadResult measure_in_memory(SSL_CTX* server_ctx, SSL_CTX* client_ctx, bool resume, int workers,
                             int processes, double duration_s, std::string label, bool progress) {
  LoadPlan plan;
  plan.processes = processes;
  plan.workers = workers;
  plan.duration_s = duration_s;
  plan.label = std::move(label);
  plan.progress = progress;
  plan.make_worker = [&](int) -> std::unique_ptr<Worker> {
    return std::make_unique<HandshakeWorker<MemoryPair>>(MemoryPair(server_ctx, client_ctx), resume);
  };
  return run_load(plan);
}

LoadResult measure_ceiling(const certs::CertSet& certs, const HandshakeConfig& config, int cores,
                           int processes, double duration_s, bool progress) {
  auto server_ctx = make_server_ctx(certs, config);
  auto client_ctx = make_client_ctx(certs, config);
  return measure_in_memory(server_ctx.get(), client_ctx.get(), config.resume, cores,
                           std::min(processes, cores), duration_s, "ceiling  " + describe(config),
                           progress);
}

namespace {

// The in-process server is sharded by core when pinned: core c has its own listener and one
// event-loop thread bound to it, and the clients bound to core c connect there. Each core then
// runs whole handshakes, client and server, with warm caches and no cross-core wake-ups: the
// socket counterpart of the ceiling's one in-memory pair per core. Unpinned, one listener is
// served by one loop thread per core and the scheduler places everything.
LayerPlan tls_layer_plan(const certs::CertSet& certs, const HandshakeConfig& config,
                         const BenchSettings& settings, int processes, int cores,
                         std::shared_ptr<void>& keep) {
  struct State {
    ossl::SslCtxPtr server_ctx, client_ctx;
    std::vector<std::unique_ptr<Listener>> listeners;
    std::vector<Endpoint> endpoints;
    std::vector<int> cpus;  // per shard, or empty when unpinned
    // The in-process server's counters (single-process runs only: children keep theirs).
    ServerCounters counters;
  };
  auto st = std::make_shared<State>();
  keep = st;
  LayerPlan lp;
  SocketOptions sopts;
  sopts.timeout = settings.handshake_timeout;
  const bool grpc_call = settings.layer == Layer::grpc_server;
  if (settings.target) {
    static const TargetClient kSystemRoots;
    const TargetClient& client = settings.target_client ? *settings.target_client : kSystemRoots;
    st->client_ctx = make_target_client_ctx(client, config.tls, config.resume);
    sopts = target_socket_options(*settings.target, client, settings.handshake_timeout);
    sopts.grpc_call = grpc_call;
    sopts.authority = settings.target->text;
    st->endpoints.push_back(*settings.target);
  } else if (grpc_call) {
    // The Milvus-like gRPC server in this process (it does not survive fork: one process), and
    // the same client context as the tls layer offering h2, as gRPC clients do.
    int port = 0;
    auto server = std::make_shared<std::unique_ptr<ProcessScope>>(start_grpc_server(certs, config.mode, &port));
    st->client_ctx = make_client_ctx(certs, config);
    static const unsigned char kH2[] = {2, 'h', '2'};
    if (SSL_CTX_set_alpn_protos(st->client_ctx.get(), kH2, sizeof kH2) != 0) {
      throw std::runtime_error("cannot offer ALPN h2: " + ossl::drain_errors());
    }
    st->endpoints.push_back(loopback_endpoint(port));
    sopts.grpc_call = true;
    lp.forkable = false;
    lp.per_process = [server](int) -> std::unique_ptr<ProcessScope> { return std::move(*server); };
  } else {
    st->client_ctx = make_client_ctx(certs, config);
    st->server_ctx = make_server_ctx(certs, config);
    if (settings.pin) {
      st->cpus = available_cpus();
      st->cpus.resize(std::min<std::size_t>(st->cpus.size(), static_cast<std::size_t>(cores)));
    }
    std::size_t shards = st->cpus.empty() ? 1 : st->cpus.size();
    for (std::size_t i = 0; i < shards; ++i) {
      st->listeners.push_back(std::make_unique<Listener>());
      st->endpoints.push_back(loopback_endpoint(st->listeners.back()->port()));
    }
    int loop_threads = std::max(1, cores / processes);
    lp.per_process = [st, processes, loop_threads](int p) -> std::unique_ptr<ProcessScope> {
      auto share = std::make_unique<ServerShare>(&st->counters);
      if (st->cpus.empty()) {
        share->servers.push_back(std::make_unique<HandshakeServer>(
            *st->listeners[0], st->server_ctx.get(), loop_threads));
      } else {
        for (std::size_t c = 0; c < st->cpus.size(); ++c) {
          if (static_cast<int>(c) % processes != p) continue;
          share->servers.push_back(std::make_unique<HandshakeServer>(
              *st->listeners[c], st->server_ctx.get(), 1, st->cpus[c]));
        }
      }
      return share;
    };
    lp.server_client_certs = [st] { return st->counters.client_certs; };
    lp.server_failures = [st] { return st->counters.failures; };
    lp.notes = [st]() -> std::vector<std::string> {
      if (st->counters.failures == 0) return {};
      return {"server: " + std::to_string(st->counters.failures) + " handshakes failed"};
    };
  }
  lp.make_worker = [st, sopts, resume = config.resume](int i) -> std::unique_ptr<Worker> {
    std::size_t shard = static_cast<std::size_t>(i) % st->endpoints.size();
    int cpu = st->cpus.empty() ? -1 : st->cpus[shard];
    return std::make_unique<HandshakeWorker<SocketHandshaker>>(
        SocketHandshaker(st->client_ctx.get(), st->endpoints[shard], sopts), resume, cpu);
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

  certs::CertSet certs = make_bench_certs(config.key);
  std::shared_ptr<void> keep;
  LayerPlan lp = settings.layer == Layer::grpc_client
                     ? grpc_layer_plan(certs, config, settings, processes, r.cores)
                     : tls_layer_plan(certs, config, settings, processes, r.cores, keep);
  if (settings.layer == Layer::grpc_server) {
    r.notes.push_back("server cost: a lean client (OpenSSL + nghttp2, ALPN h2) per connection: "
                      "handshake, preface, one Health/Check call, close");
  }
  if (!lp.forkable && processes > 1) {
    r.notes.push_back("the in-process gRPC server runs in one process (gRPC does not survive fork)");
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
  if (lp.server_failures) r.server_failures = lp.server_failures();
  if (settings.target) {
    r.notes.push_back("external target: CPU time is the client's only (the server's is spent on its side)");
  }
  // Nothing to hold against the references when nothing was measured.
  if (settings.references && r.load.ok > 0 && !r.load.target_lost) {
    r.ceiling = measure_ceiling(certs, config, r.cores, processes, settings.duration_s,
                                settings.progress);
    r.bound = measure_crypto_bound(certs, config, r.cores);
  }
  return r;
}

}  // namespace tlsmatrix::handshake

// The gRPC layer of the benchmark: a thin adapter over the runner's endpoints (the Milvus-like
// server for a tlsMode and the pymilvus-like client), so the benchmark measures exactly the
// gRPC setup the conformance runs use. One handshake = a new channel with its own subchannel,
// until one Health/Check RPC completes.
#include <absl/synchronization/mutex.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "harness/endpoints/tls_client.h"
#include "harness/endpoints/tls_server.h"
#include "harness/handshake/bench_run.h"
#include "harness/handshake/tls_contexts.h"
#include "harness/verdict/profile.h"

namespace tlsmatrix::handshake {

std::string grpc_layer_unsupported(const HandshakeConfig& config) {
  if (config.tls == TlsVersion::tls12) {
    return "gRPC 1.51 has no TLS version setting: its handshakes are TLS 1.3";
  }
  if (config.resume) return "the runner's gRPC client keeps no session cache: no resumption";
  return {};
}

namespace {

class GrpcServerScope : public ProcessScope {
 public:
  explicit GrpcServerScope(std::unique_ptr<endpoints::TlsServer> server) : server_(std::move(server)) {}

 private:
  std::unique_ptr<endpoints::TlsServer> server_;
};

class GrpcWorker : public Worker {
 public:
  GrpcWorker(int port, endpoints::ClientSetup setup) : port_(port), setup_(std::move(setup)) {}
  Attempt once() override {
    // gRPC's deadline is total for the call (connect, handshake, RPC); the run's end caps it.
    using namespace std::chrono;
    auto left = duration_cast<milliseconds>(cutoff_ - steady_clock::now());
    if (left <= milliseconds(0)) return {false, false, "cut off: the run ended", false, true};
    const bool capped = left < kHandshakeTimeout;
    endpoints::ClientOutcome o = endpoints::call_health_check(port_, setup_, profile(), std::min(left, kHandshakeTimeout));
    if (!o.ok() && capped && o.status_code == kDeadlineExceeded) {
      return {false, false, "cut off: the run ended during the call", false, true};
    }
    return {o.ok(), false, o.ok() ? std::string() : o.message};
  }
  void run_ends_at(std::chrono::steady_clock::time_point cutoff) override { cutoff_ = cutoff; }

 private:
  static const verdict::ClientProfile& profile() {
    static const verdict::ClientProfile* p = verdict::find_profile("grpc-core");
    if (p == nullptr) throw std::logic_error("no grpc-core client profile");
    return *p;
  }
  static constexpr int kDeadlineExceeded = 4;  // grpc::StatusCode::DEADLINE_EXCEEDED
  int port_;
  endpoints::ClientSetup setup_;
  std::chrono::steady_clock::time_point cutoff_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace

std::string grpc_server_layer_unsupported(const HandshakeConfig& config) {
  if (config.resume) return "the grpc-server layer measures full handshakes only";
  return {};
}

std::unique_ptr<ProcessScope> start_grpc_server(const certs::CertSet& certs, int mode, int* port) {
  endpoints::ServerFiles files;
  files.cert_chain_pem = certs.get("server").cert_pem;
  files.key_pem = certs.get("server").key_pem;
  if (mode == 2) files.ca_pem = certs.get("ca").cert_pem;
  std::string error;
  auto server = endpoints::TlsServer::start(mode, files, &error);
  if (!server) throw std::runtime_error("gRPC server did not start: " + error);
  *port = server->port();
  return std::make_unique<GrpcServerScope>(std::move(server));
}

LayerPlan grpc_layer_plan(const certs::CertSet& certs, const HandshakeConfig& config,
                          const BenchSettings& settings, int, int) {
  if (std::string why = grpc_layer_unsupported(config); !why.empty()) throw std::invalid_argument(why);
  if (settings.target) throw std::invalid_argument("--target is for the tls and grpc-server layers");

  endpoints::ClientSetup setup;
  setup.secure = true;
  setup.trust_pem = certs.get("ca").cert_pem;
  setup.trust_label = "ca_pem_path";
  if (config.mode == 2) {
    setup.cert_chain_pem = certs.get("client").cert_pem;
    setup.key_pem = certs.get("client").key_pem;
  }
  setup.server_name = kServerName;
  // Checked once here, not on every call: the benchmark times gRPC, not the runner's checks.
  if (std::string err = endpoints::client_files_error(setup); !err.empty()) {
    throw std::runtime_error("benchmark client files: " + err);
  }
  setup.files_checked = true;

  // Debian's Abseil checks every mutex acquisition for lock-order cycles, a debugging aid that
  // costs gRPC's lock-heavy channel set-up several percent of a handshake (GraphCycles in a
  // profile). A benchmark wants gRPC as it runs in production builds.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // The server starts here, in this process: gRPC does not survive fork, so the layer runs in
  // one process (forkable = false) and per_process only hands the server over.
  int port = 0;
  std::shared_ptr<std::unique_ptr<ProcessScope>> holder =
      std::make_shared<std::unique_ptr<ProcessScope>>(start_grpc_server(certs, config.mode, &port));
  LayerPlan lp;
  lp.forkable = false;
  lp.per_process = [holder](int) -> std::unique_ptr<ProcessScope> {
    return std::move(*holder);
  };
  lp.make_worker = [port, setup](int) -> std::unique_ptr<Worker> {
    return std::make_unique<GrpcWorker>(port, setup);
  };
  lp.notes = [] {
    return std::vector<std::string>{"client cost: a new gRPC channel (own subchannel) per handshake, until one "
                                    "Health/Check RPC completes; grpc-core client profile"};
  };
  return lp;
}

}  // namespace tlsmatrix::handshake

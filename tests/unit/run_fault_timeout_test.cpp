// The runner's client against servers that misbehave (tests/faults/fault_server.py): a server
// that stalls mid-handshake must turn into the cell reason `timeout` within the cell's deadline,
// and one that closes, resets or answers garbage into a failure, never a hang.
//
// How it proves its point: the fault server is a separate process on a port from the OS; the
// client is the one `run` uses (call_health_check) with a short deadline; its status goes through
// the same classify() as a real cell. The hang bound (several times the deadline) is a guard,
// not a speed assertion.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_client.h"
#include "harness/runner/runner.h"
#include "harness/verdict/classify.h"
#include "harness/verdict/profile.h"
#include "tests/unit/support/cert_builders.h"

extern char** environ;

namespace tlsmatrix {
namespace {

constexpr int kGrpcDeadlineExceeded = 4;

// tests/faults/fault_server.py MODE as a child process; the port comes from its first line.
class FaultServer {
 public:
  explicit FaultServer(const std::string& mode) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string script = std::string(TLSMATRIX_SOURCE_DIR) + "/tests/faults/fault_server.py";
    const char* argv[] = {"/usr/bin/python3", script.c_str(), mode.c_str(), nullptr};
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      throw std::runtime_error("cannot start the fault server");
    }
    FILE* out = ::fdopen(fds[0], "r");
    char line[128] = {};
    if (out == nullptr || std::fgets(line, sizeof line, out) == nullptr ||
        std::sscanf(line, "listening on 127.0.0.1:%d", &port_) != 1) {
      if (out != nullptr) std::fclose(out);
      stop();
      throw std::runtime_error("the fault server did not say where it listens");
    }
    out_ = out;
  }
  ~FaultServer() {
    stop();
    if (out_ != nullptr) std::fclose(out_);
  }
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;
  int port() const { return port_; }

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  pid_t pid_ = -1;
  int port_ = 0;
  FILE* out_ = nullptr;
};

endpoints::ClientSetup tls_client() {
  static const certs::CertSet set = certs::build_cert_set({testutil::spec("ca", "", true)});
  endpoints::ClientSetup setup;
  setup.secure = true;
  setup.trust_pem = set.get("ca").cert_pem;
  setup.trust_label = "ca_pem_path (ca.pem)";
  setup.server_name = "localhost";
  return setup;
}

struct Attempt {
  endpoints::ClientOutcome outcome;
  verdict::CellVerdict verdict;
  std::chrono::milliseconds took;
};

Attempt attempt(const std::string& mode, std::chrono::milliseconds deadline) {
  runner::silence_grpc_logging();  // as `run` does: the handshake errors are expected here
  FaultServer server(mode);
  const verdict::ClientProfile* profile = verdict::find_profile("grpc-core");
  auto start = std::chrono::steady_clock::now();
  Attempt a;
  a.outcome = endpoints::call_health_check(server.port(), tls_client(), *profile, deadline);
  a.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  verdict::CellObservation obs;
  obs.server_mode = 1;
  obs.client_secure = true;
  obs.status_code = a.outcome.status_code;
  obs.client_message = a.outcome.message;
  a.verdict = verdict::classify(obs);
  return a;
}

TEST(RunFaults, AStallingServerIsATimeoutWithinTheDeadline) {
  const std::chrono::milliseconds deadline{800};
  for (const char* mode : {"stall-hello", "stall-server-hello", "drip"}) {
    SCOPED_TRACE(mode);
    Attempt a = attempt(mode, deadline);
    EXPECT_EQ(a.outcome.status_code, kGrpcDeadlineExceeded) << a.outcome.message;
    EXPECT_EQ(a.verdict.verdict.reason, verdict::Reason::timeout) << a.verdict.detail;
    EXPECT_LT(a.took, 10 * deadline) << "hang guard";
  }
}

TEST(RunFaults, AServerThatClosesOrGarblesIsAFailureNotAHang) {
  const std::chrono::milliseconds deadline{3000};
  // garbage-stall too: the first garbage bytes end the handshake, the silence after never counts.
  for (const char* mode : {"accept-close", "reset", "garbage", "garbage-stall", "http1"}) {
    SCOPED_TRACE(mode);
    Attempt a = attempt(mode, deadline);
    EXPECT_FALSE(a.outcome.ok());
    EXPECT_EQ(a.verdict.verdict.outcome, verdict::Outcome::fail) << a.verdict.detail;
    EXPECT_LT(a.took, 10 * deadline) << "hang guard";
  }
}

// gRPC gives a connection attempt 20 s (its minimum connect timeout) whatever the call's deadline.
// A cell's handshake that stalls past that on a loaded machine (run --timeout 30) failed with
// UNAVAILABLE, which no rule names: `fail unclassified`, a verdict by luck. The attempt must
// last as long as the cell's deadline, so a stall is always `timeout`. (Slow by nature: it must
// outlast gRPC's 20 s.)
TEST(RunFaults, AHandshakeStalledPastTwentySecondsIsStillATimeout) {
  const std::chrono::milliseconds deadline{22000};
  Attempt a = attempt("stall-server-hello", deadline);
  EXPECT_EQ(a.outcome.status_code, kGrpcDeadlineExceeded) << a.outcome.message;
  EXPECT_EQ(a.verdict.verdict.reason, verdict::Reason::timeout) << a.verdict.detail;
  EXPECT_LT(a.took, 3 * deadline) << "hang guard";
}

}  // namespace
}  // namespace tlsmatrix

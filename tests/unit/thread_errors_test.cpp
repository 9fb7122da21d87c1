// An exception thrown on one of the harness's own threads must reach the caller as an exception
// (and so the CLI's one-line error), never leave the thread: that calls std::terminate and the
// whole test binary would abort here.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness/handshake/load_runner.h"
#include "harness/runner/runner.h"

namespace tlsmatrix {
namespace {

// Key generation in the runner's generator thread fails, as it does for RSA-1024 on an OpenSSL
// in FIPS mode. No key type is refused by every OpenSSL, so this one does not exist at all.
TEST(ThreadErrors, KeyGenerationFailureInTheRunnerReachesTheCaller) {
  certs::CertSpec ca;
  ca.name = "ca";
  ca.cn = "Test CA";
  ca.ca = true;
  ca.key_type = static_cast<certs::KeyType>(99);
  scenario::Scenario s;
  s.name = "unit-refused-key";
  s.file = "unit-refused-key.yaml";
  s.certs = {ca};
  s.server = {.cert = "ca", .chain = {}, .key = "", .ca = {}, .tls_min = "", .tls_max = ""};
  s.expect[1] = scenario::Expectation{};
  runner::RunOptions options;
  options.modes = {1};
  options.profiles = {"grpc-core"};
  options.jobs = 2;
  try {
    runner::run_scenarios({s}, options);
    FAIL() << "a scenario whose key cannot be generated ran";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("generating a unknown key"), std::string::npos) << e.what();
  }
}

class ThrowingWorker : public handshake::Worker {
 public:
  handshake::Attempt once() override { throw std::runtime_error("worker broke"); }
};

class SleepingWorker : public handshake::Worker {
 public:
  handshake::Attempt once() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {true, false, {}};
  }
};

// One worker's once() throws while the others carry on: run_load reports that exception.
TEST(ThreadErrors, WorkerExceptionInTheLoadRunnerReachesTheCaller) {
  handshake::LoadPlan plan;
  plan.processes = 1;
  plan.workers = 3;
  plan.duration_s = 0.2;
  plan.make_worker = [](int i) -> std::unique_ptr<handshake::Worker> {
    if (i == 1) return std::make_unique<ThrowingWorker>();
    return std::make_unique<SleepingWorker>();
  };
  try {
    handshake::run_load(plan);
    FAIL() << "run_load returned although a worker threw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "worker broke");
  }
}

// In a worker process the exception ends that process with a message; the parent reports the
// process that sent nothing instead of waiting or aborting.
TEST(ThreadErrors, WorkerExceptionInAWorkerProcessFailsTheRun) {
  handshake::LoadPlan plan;
  plan.processes = 2;
  plan.workers = 2;
  plan.duration_s = 0.2;
  plan.make_worker = [](int i) -> std::unique_ptr<handshake::Worker> {
    if (i == 1) return std::make_unique<ThrowingWorker>();
    return std::make_unique<SleepingWorker>();
  };
  EXPECT_THROW(handshake::run_load(plan), std::runtime_error);
}

}  // namespace
}  // namespace tlsmatrix

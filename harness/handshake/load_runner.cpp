#include "harness/handshake/load_runner.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <stdexcept>
#include <thread>

#include "harness/handshake/load_share.h"

namespace tlsmatrix::handshake {

namespace {

using Clock = std::chrono::steady_clock;

class SharedMapping {
 public:
  SharedMapping() {
    void* p = mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap for the shared run state failed");
    state_ = new (p) SharedState();
  }
  ~SharedMapping() { munmap(state_, sizeof(SharedState)); }
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  SharedState& operator*() const { return *state_; }

 private:
  SharedState* state_;
};

void child_main(const LoadPlan& plan, int process, SharedState& shared, int out_fd) {
  int code = 0;
  try {
    ProcessResult r = run_share(plan, process, shared);
    code = write_result(out_fd, r) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tlsmatrix: worker process %d: %s\n", process, e.what());
    shared.ready.fetch_add(1);  // do not keep the others waiting for us
    code = 1;
  }
  close(out_fd);
  // No exit handlers: the parent owns OpenSSL's global state and the terminal.
  _exit(code);
}

class ProgressLine {
 public:
  ProgressLine(const LoadPlan& plan, SharedState& shared) : plan_(plan), shared_(shared) {
    if (plan.progress) thread_ = std::thread([this] { loop(); });
  }
  ~ProgressLine() {
    stop_.store(true);
    if (thread_.joinable()) {
      thread_.join();
      std::fprintf(stderr, "\r\033[K");
      std::fflush(stderr);
    }
  }

 private:
  void loop() {
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      std::int64_t start = shared_.start_ns.load();
      if (start == 0) continue;
      double t = std::min(static_cast<double>(now_ns() - start) / 1e9, plan_.duration_s);
      double n = static_cast<double>(shared_.completed.load());
      std::fprintf(stderr, "\r\033[K  %s  %4.1f/%.1f s  %8.0f handshakes  %7.0f/s", plan_.label.c_str(),
                   t, plan_.duration_s, n, t > 0 ? n / t : 0.0);
      std::fflush(stderr);
    }
  }
  const LoadPlan& plan_;
  SharedState& shared_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void start_when_ready(SharedState& shared, int processes, double duration_s) {
  // Set-up of every process (server threads, warm-up handshakes) stays out of the window.
  auto give_up = Clock::now() + std::chrono::seconds(60);
  while (shared.ready.load() < processes) {
    if (Clock::now() > give_up) {
      // Release whoever is waiting with an empty window, so they can be joined.
      shared.deadline_ns.store(now_ns());
      shared.start_ns.store(now_ns());
      throw std::runtime_error("workers did not get ready within 60 s");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::int64_t start = now_ns();
  shared.deadline_ns.store(start + static_cast<std::int64_t>(duration_s * 1e9));
  shared.start_ns.store(start);
}

}  // namespace

double LoadResult::percentile_us(double p) const {
  if (latencies_us.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(latencies_us.size())));
  rank = std::clamp<std::size_t>(rank, 1, latencies_us.size());
  return latencies_us[rank - 1];
}

LoadResult run_load(const LoadPlan& plan) {
  if (plan.processes < 1 || plan.workers < 1 || !plan.make_worker) {
    throw std::invalid_argument("run_load: needs at least one process and one worker");
  }
  SharedMapping shared;
  std::vector<ProcessResult> results;
  std::int64_t start_ns = 0;

  if (plan.processes == 1) {
    ProcessResult r;
    std::exception_ptr failure;
    std::thread runner([&] {
      try {
        r = run_share(plan, 0, *shared);
      } catch (...) {
        failure = std::current_exception();
        (*shared).ready.fetch_add(1);
      }
    });
    {
      ProgressLine progress(plan, *shared);
      try {
        start_when_ready(*shared, 1, plan.duration_s);
      } catch (...) {
        runner.join();
        throw;
      }
      runner.join();
    }
    if (failure) std::rethrow_exception(failure);
    results.push_back(std::move(r));
  } else {
    std::fflush(nullptr);  // no buffered output duplicated into the children
    struct Child {
      pid_t pid;
      int fd;
    };
    std::vector<Child> children;
    auto reap = [&](bool kill_them) {
      for (auto& c : children) {
        if (kill_them) kill(c.pid, SIGKILL);
        close(c.fd);
        int status = 0;
        waitpid(c.pid, &status, 0);
      }
    };
    const pid_t parent = getpid();
    for (int p = 0; p < plan.processes; ++p) {
      int fds[2];
      if (pipe(fds) != 0) {
        reap(true);
        throw std::runtime_error("pipe failed");
      }
      pid_t pid = fork();
      if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        reap(true);
        throw std::runtime_error("fork failed");
      }
      if (pid == 0) {
        // A worker must not outlive the bench: SIGTERM from `kill PID` or a supervisor reaches
        // only the main process, and the workers would go on for the whole --duration. (The
        // signal follows the forking thread, which waits here for every worker anyway.)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
        close(fds[0]);
        for (auto& c : children) close(c.fd);
        child_main(plan, p, *shared, fds[1]);
      }
      close(fds[1]);
      children.push_back({pid, fds[0]});
    }
    try {
      ProgressLine progress(plan, *shared);
      start_when_ready(*shared, plan.processes, plan.duration_s);
      std::int64_t give_up = now_ns() + static_cast<std::int64_t>((plan.duration_s + 60) * 1e9);
      for (std::size_t i = 0; i < children.size(); ++i) {
        ProcessResult r;
        if (!read_result(children[i].fd, r, give_up)) throw std::runtime_error("worker process " + std::to_string(i) + " sent no results");
        results.push_back(std::move(r));
      }
    } catch (...) {
      reap(true);
      throw;
    }
    reap(false);
  }
  start_ns = (*shared).start_ns.load();

  LoadResult out;
  std::int64_t last_end = start_ns;
  std::uint64_t workers = 0, ended_unreachable = 0;
  std::int64_t first_error_ns = 0;
  std::map<std::string, std::uint64_t> reasons;
  for (auto& r : results) {
    out.ok += r.head.ok;
    out.failed += r.head.failed;
    out.resumed += r.head.resumed;
    out.cut_off += r.head.cut_off;
    out.unreachable += r.head.unreachable;
    out.cpu_s += r.head.cpu_s;
    workers += r.head.workers;
    ended_unreachable += r.head.ended_unreachable;
    last_end = std::max(last_end, r.head.last_end_ns);
    out.latencies_us.insert(out.latencies_us.end(), r.latencies_us.begin(), r.latencies_us.end());
    if (r.head.first_error_ns != 0 && (first_error_ns == 0 || r.head.first_error_ns < first_error_ns)) {
      out.first_error = r.first_error;  // the earliest of all processes: steady_clock is shared
      first_error_ns = r.head.first_error_ns;
    }
    merge_reasons(r.errors, reasons);
  }
  out.elapsed_s = static_cast<double>(last_end - start_ns) / 1e9;
  std::sort(out.latencies_us.begin(), out.latencies_us.end());
  for (auto& [reason, n] : reasons) out.errors.push_back({reason, n});
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const ErrorCount& a, const ErrorCount& b) { return a.count > b.count; });
  out.stopped_early = (*shared).target_lost.load();
  // The server went away and did not come back before the window closed: what was measured
  // is a server that stopped, not its rate.
  out.target_lost = out.stopped_early || (workers > 0 && ended_unreachable == workers);
  return out;
}

int default_processes(int cores) { return std::max(1, (cores + 3) / 4); }

std::vector<int> available_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

void pin_this_thread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace tlsmatrix::handshake

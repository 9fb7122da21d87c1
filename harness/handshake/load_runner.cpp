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

namespace tlsmatrix::handshake {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  // steady_clock is CLOCK_MONOTONIC: one clock for all processes of the run.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

// Shared between the parent and its worker processes (an anonymous shared mapping), so the
// progress line counts every process and all start together.
struct SharedState {
  std::atomic<std::uint64_t> completed{0};
  std::atomic<int> ready{0};
  std::atomic<std::int64_t> start_ns{0};
  std::atomic<std::int64_t> deadline_ns{0};
  // A worker found the target unreachable for kGiveUpUnreachable: every worker stops.
  std::atomic<bool> target_lost{false};
};

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

// What one process measured (its header travels through the pipe as raw bytes).
struct ProcessReport {
  std::uint64_t ok = 0, failed = 0, resumed = 0, cut_off = 0, unreachable = 0;
  std::uint64_t workers = 0;
  std::uint64_t ended_unreachable = 0;  // workers whose last attempt found no server
  std::int64_t last_end_ns = 0;
  std::int64_t first_error_ns = 0;  // when first_error happened (0: none)
  double cpu_s = 0;
  std::uint64_t latencies = 0;
  std::uint64_t error_len = 0;
  std::uint64_t errors_len = 0;  // the reason counts, as "COUNT\tREASON\n" lines
};

struct ProcessResult {
  ProcessReport head;
  std::vector<float> latencies_us;
  std::string first_error;
  std::string errors;  // "COUNT\tREASON\n" lines
};

// Reasons counted per worker; a server that words every failure differently must not grow this
// without bound.
constexpr std::size_t kMaxReasons = 16;
constexpr const char* kOtherReasons = "other reasons";

void count_reason(std::map<std::string, std::uint64_t>& counts, std::string reason, std::uint64_t n) {
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  std::replace(reason.begin(), reason.end(), '\t', ' ');
  if (counts.size() >= kMaxReasons && counts.find(reason) == counts.end()) reason = kOtherReasons;
  counts[reason] += n;
}

std::string encode_reasons(const std::map<std::string, std::uint64_t>& counts) {
  std::string out;
  for (const auto& [reason, n] : counts) out += std::to_string(n) + "\t" + reason + "\n";
  return out;
}

void decode_reasons(const std::string& text, std::map<std::string, std::uint64_t>& counts) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t tab = text.find('\t', pos), end = text.find('\n', pos);
    if (tab == std::string::npos || end == std::string::npos || tab > end) break;
    count_reason(counts, text.substr(tab + 1, end - tab - 1),
                 std::strtoull(text.c_str() + pos, nullptr, 10));
    pos = end + 1;
  }
}

// Sleeps `d`, but never past `deadline_ns` and no longer than it takes to notice `stop`.
void pause(std::chrono::milliseconds d, std::int64_t deadline_ns, const std::atomic<bool>& stop,
           const std::atomic<bool>& lost) {
  const std::int64_t until = std::min(now_ns() + d.count() * 1000000, deadline_ns);
  while (!stop.load(std::memory_order_relaxed) && !lost.load(std::memory_order_relaxed)) {
    std::int64_t left = until - now_ns();
    if (left <= 0) return;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(left, 20000000)));
  }
}

// Runs this process's share: its scope, its workers, the common start, the timed loop.
ProcessResult run_share(const LoadPlan& plan, int process, SharedState& shared) {
  std::unique_ptr<ProcessScope> scope;
  if (plan.per_process) scope = plan.per_process(process);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = process; i < plan.workers; i += plan.processes) workers.push_back(plan.make_worker(i));

  shared.ready.fetch_add(1);
  while (shared.start_ns.load() == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  const std::int64_t deadline = shared.deadline_ns.load();
  // No handshake runs past the window plus the grace: the run's total bound.
  const auto cutoff = Clock::time_point(std::chrono::nanoseconds(deadline)) + kRunGrace;
  const double cpu_start = cpu_seconds();

  struct PerThread {
    std::uint64_t ok = 0, failed = 0, resumed = 0, cut_off = 0, unreachable = 0;
    bool ended_unreachable = false;
    std::int64_t last_end = 0;
    std::vector<float> lat;
    std::string error;
    std::int64_t error_ns = 0;
    std::map<std::string, std::uint64_t> reasons;
    std::exception_ptr thrown;  // once() threw: the run is broken, not one handshake
  };
  std::vector<PerThread> per(workers.size());
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    threads.emplace_back([&, w] {
      PerThread& me = per[w];
      // An exception leaving a thread aborts the process: it goes to the joining thread instead,
      // and the other workers stop rather than run out a window whose result is discarded.
      try {
        if (int cpu = workers[w]->cpu(); cpu >= 0) pin_this_thread(cpu);
        workers[w]->run_ends_at(cutoff);
        me.lat.reserve(1 << 14);
        std::chrono::milliseconds backoff{0};
        std::int64_t unreachable_since = 0;  // first of the current run of unreachable attempts
        for (;;) {
          std::int64_t t0 = now_ns();
          if (t0 >= deadline || stop.load(std::memory_order_relaxed) ||
              shared.target_lost.load(std::memory_order_relaxed)) {
            break;
          }
          Attempt a = workers[w]->once();
          std::int64_t t1 = now_ns();
          if (a.cut_off) {
            ++me.cut_off;
            break;  // only the run's end cuts a handshake off
          }
          me.last_end = t1;
          me.ended_unreachable = !a.ok && a.unreachable;
          if (a.ok) {
            ++me.ok;
            if (a.resumed) ++me.resumed;
            me.lat.push_back(static_cast<float>(static_cast<double>(t1 - t0) / 1e3));
            backoff = std::chrono::milliseconds(0);
            unreachable_since = 0;
          } else {
            ++me.failed;
            if (me.error_ns == 0) {
              me.error = a.error;
              me.error_ns = t1;
            }
            count_reason(me.reasons, a.error, 1);
            if (a.unreachable) {
              ++me.unreachable;
              if (unreachable_since == 0) unreachable_since = t0;
              if (t1 - unreachable_since >=
                  std::chrono::duration_cast<std::chrono::nanoseconds>(kGiveUpUnreachable).count()) {
                shared.target_lost.store(true);
              }
            } else {
              unreachable_since = 0;
            }
            backoff = std::min(kMaxBackoff, std::max(std::chrono::milliseconds(1), backoff * 2));
          }
          shared.completed.fetch_add(1, std::memory_order_relaxed);
          if (!a.ok) pause(backoff, deadline, stop, shared.target_lost);
        }
      } catch (...) {
        me.thrown = std::current_exception();
        stop.store(true);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& p : per) {
    if (p.thrown) std::rethrow_exception(p.thrown);
  }
  workers.clear();
  scope.reset();  // the server share stops, so its CPU time is all in
  ProcessResult r;
  r.head.cpu_s = cpu_seconds() - cpu_start;
  std::map<std::string, std::uint64_t> reasons;
  for (auto& p : per) {
    r.head.ok += p.ok;
    r.head.failed += p.failed;
    r.head.resumed += p.resumed;
    r.head.cut_off += p.cut_off;
    r.head.unreachable += p.unreachable;
    r.head.ended_unreachable += p.ended_unreachable ? 1 : 0;
    r.head.last_end_ns = std::max(r.head.last_end_ns, p.last_end);
    r.latencies_us.insert(r.latencies_us.end(), p.lat.begin(), p.lat.end());
    if (p.error_ns != 0 && (r.head.first_error_ns == 0 || p.error_ns < r.head.first_error_ns)) {
      r.first_error = p.error;
      r.head.first_error_ns = p.error_ns;
    }
    for (const auto& [reason, n] : p.reasons) count_reason(reasons, reason, n);
  }
  r.head.workers = per.size();
  r.errors = encode_reasons(reasons);
  r.head.latencies = r.latencies_us.size();
  r.head.error_len = r.first_error.size();
  r.head.errors_len = r.errors.size();
  return r;
}

bool write_all(int fd, const void* data, std::size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads exactly len bytes, giving up at `deadline_ns`.
bool read_all(int fd, void* data, std::size_t len, std::int64_t deadline_ns) {
  char* p = static_cast<char*>(data);
  while (len > 0) {
    std::int64_t left_ms = (deadline_ns - now_ns()) / 1000000;
    if (left_ms <= 0) return false;
    pollfd pfd{fd, POLLIN, 0};
    int rc = poll(&pfd, 1, static_cast<int>(std::min<std::int64_t>(left_ms, 1000)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

void child_main(const LoadPlan& plan, int process, SharedState& shared, int out_fd) {
  int code = 0;
  try {
    ProcessResult r = run_share(plan, process, shared);
    bool ok = write_all(out_fd, &r.head, sizeof r.head) &&
              write_all(out_fd, r.latencies_us.data(), r.latencies_us.size() * sizeof(float)) &&
              write_all(out_fd, r.first_error.data(), r.first_error.size()) &&
              write_all(out_fd, r.errors.data(), r.errors.size());
    code = ok ? 0 : 1;
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
        bool ok = read_all(children[i].fd, &r.head, sizeof r.head, give_up);
        if (ok) {
          r.latencies_us.resize(r.head.latencies);
          r.first_error.resize(r.head.error_len);
          r.errors.resize(r.head.errors_len);
          ok = read_all(children[i].fd, r.latencies_us.data(), r.latencies_us.size() * sizeof(float),
                        give_up) &&
               read_all(children[i].fd, r.first_error.data(), r.first_error.size(), give_up) &&
               read_all(children[i].fd, r.errors.data(), r.errors.size(), give_up);
        }
        if (!ok) throw std::runtime_error("worker process " + std::to_string(i) + " sent no results");
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
    decode_reasons(r.errors, reasons);
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

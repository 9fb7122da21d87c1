#include "harness/handshake/load_share.h"

#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <thread>

namespace tlsmatrix::handshake {

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

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

}  // namespace

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

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

bool write_result(int fd, const ProcessResult& r) {
  return write_all(fd, &r.head, sizeof r.head) &&
         write_all(fd, r.latencies_us.data(), r.latencies_us.size() * sizeof(float)) &&
         write_all(fd, r.first_error.data(), r.first_error.size()) &&
         write_all(fd, r.errors.data(), r.errors.size());
}

bool read_result(int fd, ProcessResult& r, std::int64_t deadline_ns) {
  if (!read_all(fd, &r.head, sizeof r.head, deadline_ns)) return false;
  r.latencies_us.resize(r.head.latencies);
  r.first_error.resize(r.head.error_len);
  r.errors.resize(r.head.errors_len);
  return read_all(fd, r.latencies_us.data(), r.latencies_us.size() * sizeof(float), deadline_ns) &&
         read_all(fd, r.first_error.data(), r.first_error.size(), deadline_ns) &&
         read_all(fd, r.errors.data(), r.errors.size(), deadline_ns);
}

void merge_reasons(const std::string& text, std::map<std::string, std::uint64_t>& counts) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t tab = text.find('\t', pos), end = text.find('\n', pos);
    if (tab == std::string::npos || end == std::string::npos || tab > end) break;
    count_reason(counts, text.substr(tab + 1, end - tab - 1),
                 std::strtoull(text.c_str() + pos, nullptr, 10));
    pos = end + 1;
  }
}

}  // namespace tlsmatrix::handshake

// Runs handshake workers flat out for a fixed time, spread over threads and, when asked, over
// processes, and merges what they saw. OpenSSL 3.0 takes process-wide locks in every handshake,
// so past a few cores threads stop scaling and separate processes are the way to use a machine:
// each process runs its share of workers (and whatever it must host, such as a share of the
// server) and sends its results back to the parent through a pipe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tlsmatrix::handshake {

struct Attempt {
  bool ok = false;
  bool resumed = false;
  std::string error;  // when !ok: the reason, worded the same each time so equal reasons count together
  // No connection at all (refused, unreachable, connect timed out): the server is not there.
  // A worker that sees nothing else for kGiveUpUnreachable stops the run.
  bool unreachable = false;
  // The run ended while this handshake was in flight (run_ends_at): neither a success nor a
  // failure, only counted.
  bool cut_off = false;
};

// A handshake still in flight when the run's --duration is over gets this long to finish; then
// it is cut off. The whole run is bounded by --duration plus this.
inline constexpr std::chrono::milliseconds kRunGrace{1000};
// After a failed handshake a worker waits before the next one: 1 ms, doubling per consecutive
// failure up to this cap, so a dead or refusing server is not hammered by reconnects.
inline constexpr std::chrono::milliseconds kMaxBackoff{500};
// A worker whose attempts have all been `unreachable` for this long stops the run: the target
// is gone, and what is left of the window would measure nothing.
inline constexpr std::chrono::milliseconds kGiveUpUnreachable{2000};

// One client of the benchmark. Construction may do untimed set-up (such as the full handshake
// that yields a session to resume); once() does one timed handshake.
class Worker {
 public:
  virtual ~Worker() = default;
  virtual Attempt once() = 0;
  // Called once before the timed loop: no handshake may run past `cutoff` (it then ends as
  // cut_off). Workers whose handshakes cannot hang (in memory) may ignore it.
  virtual void run_ends_at(std::chrono::steady_clock::time_point /*cutoff*/) {}
  // The CPU the worker's thread should run on (from available_cpus()), or -1 for any.
  virtual int cpu() const { return -1; }
};

// Something a process keeps alive for the whole run (its share of the server, say).
class ProcessScope {
 public:
  virtual ~ProcessScope() = default;
};

struct LoadPlan {
  int processes = 1;  // 1 = everything in this process, no fork
  int workers = 1;    // in total; worker i runs in process i % processes
  double duration_s = 1;
  // Called once in every process before its workers are made; may be empty.
  std::function<std::unique_ptr<ProcessScope>(int process)> per_process;
  std::function<std::unique_ptr<Worker>(int worker)> make_worker;
  std::string label;      // shown on the progress line
  bool progress = false;  // a live progress line on stderr
};

// How often one failure reason was seen.
struct ErrorCount {
  std::string reason;
  std::uint64_t count = 0;
};

struct LoadResult {
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t resumed = 0;
  std::uint64_t cut_off = 0;      // in flight when the run ended (not in ok or failed)
  std::uint64_t unreachable = 0;  // failures without a connection (part of `failed`)
  double elapsed_s = 0;  // from the common start to the last handshake's end
  double cpu_s = 0;      // user + system time of every process of the run
  std::vector<float> latencies_us;  // successful handshakes, sorted
  std::string first_error;  // the earliest failure of the run
  std::vector<ErrorCount> errors;  // every failure reason with its count, most common first
  // The target went away: a worker could not connect for kGiveUpUnreachable and stopped the
  // run, or every worker's last attempt found no server.
  bool target_lost = false;
  bool stopped_early = false;  // the run ended before its duration (target_lost)

  double rate() const { return elapsed_s > 0 ? static_cast<double>(ok) / elapsed_s : 0; }
  double cpu_us_per_handshake() const { return ok > 0 ? cpu_s * 1e6 / static_cast<double>(ok) : 0; }
  // Nearest-rank percentile of the latencies, p in (0, 100]; 0 when there are none.
  double percentile_us(double p) const;
};

// Throws std::runtime_error when set-up fails or a worker process dies.
LoadResult run_load(const LoadPlan& plan);

// Processes that serve a machine with `cores` cores best: threads scale to about four cores in
// one process (OpenSSL 3.0's locks), so one process per four cores.
int default_processes(int cores);

// Cores this process may run on (sched_getaffinity), at least 1.
int available_cores();
// Their CPU numbers, in order.
std::vector<int> available_cpus();
// Binds the calling thread to one CPU (best effort: ignored when the system refuses).
void pin_this_thread(int cpu);

}  // namespace tlsmatrix::handshake

// One process's share of a load run (load_runner.h), for load_runner.cpp only: its workers on
// threads, started together with every other process through state they share, and what the
// share measured, sent back to the parent through a pipe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/handshake/load_runner.h"

namespace tlsmatrix::handshake {

// Nanoseconds of steady_clock (CLOCK_MONOTONIC): one clock for all processes of the run.
std::int64_t now_ns();

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

// Runs this process's share: its scope, its workers, the common start, the timed loop.
ProcessResult run_share(const LoadPlan& plan, int process, SharedState& shared);

// A ProcessResult through a pipe: false when it could not be written, or not read in full by
// `deadline_ns`.
bool write_result(int fd, const ProcessResult& r);
bool read_result(int fd, ProcessResult& r, std::int64_t deadline_ns);

// Adds a ProcessResult's `errors` ("COUNT\tREASON\n" lines) to `counts`.
void merge_reasons(const std::string& text, std::map<std::string, std::uint64_t>& counts);

}  // namespace tlsmatrix::handshake

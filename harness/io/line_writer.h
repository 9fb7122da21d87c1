// Output that never holds up the program writing it: a reader that stops reading (a full pipe, a
// terminal paused with Ctrl-S) or goes away (EPIPE) costs lines, never a stalled thread, and a
// shutdown is not delayed past its deadline by output still waiting to be written.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace tlsmatrix::io {

enum class WriteResult {
  written,      // every byte
  timed_out,    // the reader did not take it all before the deadline (some may be written)
  reader_gone,  // EPIPE: nobody will read this any more
  error,        // another write error (errno is left as it was)
};

// Writes `data` to `fd`, waiting for room with poll() and writing at most PIPE_BUF bytes at a
// time, which a pipe that polled writable takes without blocking; gives up at `deadline`. Never
// changes the descriptor's flags: stdout is often shared with a shell or a terminal. (A
// terminal or socket may still block a write after poll said it had room; `LineWriter` runs
// its writes on a thread of its own for that reason.)
WriteResult write_with_deadline(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline);

// Lines for `fd`, queued by any thread and written in order by a thread of its own. `push` never
// waits for the reader: when `max_queued` lines are waiting, the new line is dropped and counted.
// SIGPIPE must be ignored by the process (the writer expects EPIPE): see ignore_sigpipe().
class LineWriter {
 public:
  LineWriter(int fd, std::size_t max_queued);
  ~LineWriter();  // finish() with a short deadline if it was not called
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void push(std::string line);  // a newline is added

  // Waits until every line pushed so far is written (or given up on), or `deadline`: for output
  // that must come first, before other writers of the same terminal (a banner before stderr).
  void flush(std::chrono::steady_clock::time_point deadline);

  struct Stats {
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;    // the queue was full: the reader was not keeping up
    std::uint64_t unwritten = 0;  // still queued at the deadline, or pushed after the reader left
    bool reader_gone = false;     // EPIPE: the reader closed its end
    std::string error;            // another write error, as strerror says it
  };
  // Writes what it can of the queue until `deadline`, then stops the writing thread. If a write
  // is still stuck in the kernel at the deadline the thread is left to the process's exit.
  Stats finish(std::chrono::steady_clock::time_point deadline);

  // Called once on the writer's thread when the reader goes away (EPIPE) or a write fails.
  // Must not block.
  void on_reader_gone(std::function<void(const Stats&)> callback);

 private:
  struct Shared;
  std::shared_ptr<Shared> s_;
  std::thread thread_;
  bool finished_ = false;
};

// The process ignores SIGPIPE, so a write to a pipe whose reader left fails with EPIPE instead
// of killing it.
void ignore_sigpipe();

}  // namespace tlsmatrix::io

#include "harness/io/line_writer.h"

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tlsmatrix::io {

namespace {

using Clock = std::chrono::steady_clock;

enum class Step { done, timed_out, woken, gone, error };

int poll_timeout_ms(Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

// Writes from `rest` (consuming it) until it is empty, the deadline passes, `wake_fd` (if any)
// becomes readable, or the write fails.
Step write_until(int fd, std::string_view& rest, Clock::time_point deadline, int wake_fd) {
  while (!rest.empty()) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {wake_fd, POLLIN, 0}};
    int n = poll(fds, wake_fd >= 0 ? 2 : 1, poll_timeout_ms(deadline));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Step::error;
    }
    if (wake_fd >= 0 && (fds[1].revents & POLLIN)) {
      std::uint64_t count;
      ssize_t ignored = read(wake_fd, &count, sizeof count);
      (void)ignored;
      return Step::woken;
    }
    if (n == 0) return Step::timed_out;
    if (fds[0].revents & POLLNVAL) {
      errno = EBADF;
      return Step::error;
    }
    // POLLERR on a pipe means no reader is left: the write below says EPIPE.
    ssize_t w = write(fd, rest.data(), std::min<std::size_t>(rest.size(), PIPE_BUF));
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno == EPIPE ? Step::gone : Step::error;
    }
    rest.remove_prefix(static_cast<std::size_t>(w));
    if (Clock::now() >= deadline && !rest.empty()) return Step::timed_out;
  }
  return Step::done;
}

}  // namespace

WriteResult write_with_deadline(int fd, std::string_view data, Clock::time_point deadline) {
  switch (write_until(fd, data, deadline, -1)) {
    case Step::done: return WriteResult::written;
    case Step::timed_out:
    case Step::woken: return WriteResult::timed_out;
    case Step::gone: return WriteResult::reader_gone;
    case Step::error: break;
  }
  return WriteResult::error;
}

struct LineWriter::Shared {
  int fd = -1;
  std::size_t max_queued = 0;
  int wake_fd = -1;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> queue;
  bool stopping = false;
  bool done = false;
  bool busy = false;  // a line is out of the queue and being written
  Clock::time_point stop_deadline = Clock::time_point::max();
  Stats stats;
  std::function<void(const Stats&)> on_gone;

  ~Shared() {
    if (wake_fd >= 0) close(wake_fd);
  }
  bool failed() const { return stats.reader_gone || !stats.error.empty(); }
};

LineWriter::LineWriter(int fd, std::size_t max_queued) : s_(std::make_shared<Shared>()) {
  s_->fd = fd;
  s_->max_queued = max_queued;
  s_->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  // The thread owns a reference: if a write is stuck at exit it is left running on its own.
  thread_ = std::thread([s = s_] {
    LineWriter::Shared& sh = *s;
    for (;;) {
      std::string line;
      Clock::time_point deadline;
      {
        std::unique_lock lock(sh.mu);
        sh.cv.wait(lock, [&] { return !sh.queue.empty() || sh.stopping; });
        bool out_of_time = sh.stopping && Clock::now() >= sh.stop_deadline;
        if (sh.queue.empty() || sh.failed() || out_of_time) {
          sh.stats.unwritten += sh.queue.size();
          sh.queue.clear();
          if (sh.stopping) break;
          continue;
        }
        line = std::move(sh.queue.front());
        sh.queue.pop_front();
        sh.busy = true;
        deadline = sh.stop_deadline;
      }
      std::string_view rest = line;
      Step step;
      // Woken by finish(): go on with this line, now under the stop deadline.
      while ((step = write_until(sh.fd, rest, deadline, sh.wake_fd)) == Step::woken) {
        std::lock_guard lock(sh.mu);
        deadline = sh.stop_deadline;
      }
      std::function<void(const Stats&)> notify;
      Stats snapshot;
      {
        std::lock_guard lock(sh.mu);
        sh.busy = false;
        sh.cv.notify_all();
        if (step == Step::done) {
          ++sh.stats.written;
        } else {
          ++sh.stats.unwritten;
          if (step == Step::gone) sh.stats.reader_gone = true;
          if (step == Step::error) sh.stats.error = std::strerror(errno);
          if (sh.failed()) {
            notify = std::move(sh.on_gone);
            snapshot = sh.stats;
          }
        }
      }
      if (notify) notify(snapshot);
    }
    std::lock_guard lock(sh.mu);
    sh.done = true;
    sh.cv.notify_all();
  });
}

LineWriter::~LineWriter() {
  if (!finished_) finish(Clock::now() + std::chrono::milliseconds(200));
}

void LineWriter::push(std::string line) {
  line += '\n';
  std::lock_guard lock(s_->mu);
  if (s_->failed() || s_->stopping) {
    ++s_->stats.unwritten;
    return;
  }
  if (s_->queue.size() >= s_->max_queued) {
    ++s_->stats.dropped;
    return;
  }
  s_->queue.push_back(std::move(line));
  s_->cv.notify_all();  // the writer, and not only a flush() waiting on the same variable
}

void LineWriter::flush(Clock::time_point deadline) {
  std::unique_lock lock(s_->mu);
  s_->cv.wait_until(lock, deadline, [&] { return (s_->queue.empty() && !s_->busy) || s_->done; });
}

void LineWriter::on_reader_gone(std::function<void(const Stats&)> callback) {
  std::lock_guard lock(s_->mu);
  s_->on_gone = std::move(callback);
}

LineWriter::Stats LineWriter::finish(Clock::time_point deadline) {
  finished_ = true;
  std::unique_lock lock(s_->mu);
  if (!s_->stopping) {
    s_->stopping = true;
    s_->stop_deadline = deadline;
    s_->cv.notify_all();
    std::uint64_t one = 1;
    ssize_t ignored = write(s_->wake_fd, &one, sizeof one);
    (void)ignored;
  }
  // A little past the deadline: the thread needs a moment to notice it.
  bool done = s_->cv.wait_until(lock, deadline + std::chrono::milliseconds(50), [&] { return s_->done; });
  Stats stats = s_->stats;
  stats.unwritten += s_->queue.size();
  lock.unlock();
  if (thread_.joinable()) {
    if (done) {
      thread_.join();
    } else {
      thread_.detach();  // stuck in a write the kernel will not give back; exit ends it
    }
  }
  return stats;
}

void ignore_sigpipe() {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, nullptr);
}

}  // namespace tlsmatrix::io

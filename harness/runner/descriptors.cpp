#include "harness/runner/descriptors.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

namespace tlsmatrix::runner {

int descriptor_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return -1;
  return lim.rlim_cur > 1'000'000'000 ? -1 : static_cast<int>(lim.rlim_cur);
}

int open_descriptors() {
  // /proc/self/fd lists them (plus the one opendir holds); without /proc, count by fcntl.
  if (DIR* dir = opendir("/proc/self/fd")) {
    int n = 0;
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return std::max(0, n - 1);
  }
  int limit = descriptor_limit();
  int n = 0;
  for (int fd = 0; fd < (limit < 0 ? 4096 : limit); ++fd) n += fcntl(fd, F_GETFD) != -1;
  return n;
}

int jobs_within_descriptors(int requested) {
  int limit = descriptor_limit();
  if (limit < 0) return requested;
  // The last cell to start still finds kDescriptorsFreeAtCellStart free.
  int room = (limit - open_descriptors() - kDescriptorsForProcess - kDescriptorsFreeAtCellStart) / kDescriptorsPerCell + 1;
  return std::clamp(room, 1, std::max(1, requested));
}

int probe_free_descriptors(int count) {
  std::vector<int> fds;
  int error = 0;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = errno;
      break;
    }
    fds.push_back(fd);
  }
  for (int fd : fds) close(fd);
  return error;
}

int wait_for_free_descriptors(int count, std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    int error = probe_free_descriptors(count);
    if (error != EMFILE && error != ENFILE) return error;
    if (std::chrono::steady_clock::now() >= give_up) return error;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::string environment_error_text(int error) {
  switch (error) {
    case EMFILE: {
      int limit = descriptor_limit();
      return "out of file descriptors" +
             (limit < 0 ? std::string() : " (ulimit -n " + std::to_string(limit) + ")");
    }
    case ENFILE:
      return "the system is out of file descriptors (ENFILE)";
    case ENOBUFS:
    case ENOMEM:
      return std::string("out of memory (") + std::strerror(error) + ")";
    default:
      return "";
  }
}

std::string environment_error_advice(int error) {
  switch (error) {
    case EMFILE:
      return "raise the limit (e.g. `ulimit -n 1024`) and run again";
    case ENFILE:
      return "the system's file table (fs.file-max) is full; close other programs and run again";
    case ENOBUFS:
    case ENOMEM:
      return "free memory and run again";
    default:
      return "gRPC could not listen on the loopback interface; check that 127.0.0.1 is up and run again";
  }
}

}  // namespace tlsmatrix::runner

// Runs another program with text on its stdin and collects its stdout and stderr, within one
// total deadline (then it is killed). For `run --real-clients`, which drives the real client
// stacks; never used to run `openssl`.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tlsmatrix::io {

struct ChildResult {
  bool started = false;  // false: it could not be started (`error` says why)
  bool timed_out = false;  // killed at the deadline
  int exit_code = -1;      // its exit status; -1 when it did not exit on its own
  std::string out, err;
  std::string error;
};

// `argv[0]` is looked up on PATH. `env` entries are added to (or replace) this process's
// environment; `cwd` empty = this process's.
ChildResult run_child(const std::vector<std::string>& argv, const std::string& input,
                      std::chrono::milliseconds deadline,
                      const std::vector<std::pair<std::string, std::string>>& env = {},
                      const std::filesystem::path& cwd = {});

// The full path of `program` on PATH (or `program` itself when it has a slash and is
// executable); empty when there is none.
std::string find_on_path(const std::string& program);

}  // namespace tlsmatrix::io

// Each verb of the command line lives in its own cmd_*.cpp and registers itself here. A command
// stores its action in `action`; main() runs it after parsing and maps exceptions onto exit codes
// (InputError -> 2, anything else -> 2 with "internal error").
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace tlsmatrix::cli {

// Exit codes (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitBadInput = 2;

using Action = std::function<int()>;

void add_run_command(CLI::App& app, Action& action);
void add_certs_command(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_probe_command(CLI::App& app, Action& action);
void add_serve_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_exporter_command(CLI::App& app, Action& action);
void add_rotate_command(CLI::App& app, Action& action);

}  // namespace tlsmatrix::cli

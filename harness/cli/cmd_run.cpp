#include "harness/cli/commands.h"

namespace tlsmatrix::cli {

// Placeholder until the command is built; see the issue tracker.
void add_run_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("run", "(not built yet)");
  cmd->callback([&action] { action = [] { return kExitBadInput; }; });
}

}  // namespace tlsmatrix::cli

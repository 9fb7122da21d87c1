// Runs scenario x mode x client-profile cells in parallel, each with its own server, port,
// channel and verifier objects; only a scenario's generated certificates are shared between its
// cells. Results come back in a stable order whatever the scheduling.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_client.h"
#include "harness/endpoints/tls_server.h"
#include "harness/runner/cell_result.h"
#include "harness/scenario/scenario.h"
#include "harness/verdict/profile.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix::runner {

struct RunOptions {
  std::vector<int> modes{0, 1, 2};
  std::vector<std::string> profiles;  // empty = every defined profile
  std::vector<std::string> servers;   // server profiles (server_profile.h); empty = harness only
  int jobs = 0;                       // 0 = hardware threads; lowered to what ulimit -n allows
  std::chrono::milliseconds timeout{5000};  // per cell
  // Called after each finished cell (from worker threads, serialised): done, total, the cell.
  std::function<void(int, int, const CellResult&)> on_cell_done;
  // One line for the user before cells start, e.g. that --jobs was lowered to fit ulimit -n.
  std::function<void(const std::string&)> on_note;
};

// How long a cell waits for descriptors to start with (descriptors.h) before it is a
// harness_error: the previous cells' sockets are still being closed on gRPC's threads.
inline constexpr std::chrono::milliseconds kDescriptorWait{50};

// One cell, start to finish: server up (by the rules of server profile `server`), one RPC,
// server down, classified and compared with the scenario's expectation for that server.
CellResult run_cell(const scenario::Scenario& scenario, const certs::CertSet& certs, int mode, const verdict::ClientProfile& profile,
                    std::chrono::milliseconds timeout, std::chrono::milliseconds descriptor_wait = kDescriptorWait,
                    const verdict::ServerProfile& server = verdict::harness_server_profile());
// The same with each end's files already set up (server_files, client_setup), so a caller can
// label them after the user's own files (`validate` does).
CellResult run_cell(const scenario::Scenario& scenario, const endpoints::ServerFiles& server, const endpoints::ClientSetup& client,
                    int mode, const verdict::ClientProfile& profile, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds descriptor_wait = kDescriptorWait,
                    const verdict::ServerProfile& server_profile = verdict::harness_server_profile());

// The server profiles `names` asks for (empty: harness only), in their own order, each once;
// std::invalid_argument for an unknown name.
std::vector<const verdict::ServerProfile*> pick_server_profiles(const std::vector<std::string>& names);

// Cells that end without a verdict because the process ran short (harness_error) make every
// failed cell of that pass suspect: those run again one at a time. What is still without a
// verdict then is left as harness_error, with RunResult::harness_error saying why.
RunResult run_scenarios(const std::vector<scenario::Scenario>& scenarios, const RunOptions& options);

// After a pass: a cell without a verdict (harness_error) means the process ran short, and any
// failure in that pass may be the shortage's doing, so every failed cell runs again, one at a
// time (`run_task(i)` runs cell i). If even then cells go without a verdict, the process cannot
// run one cell reliably and none of its failures is a verdict either (a pass is: it took a whole
// handshake and RPC); RunResult::harness_error then says why. `jobs` is for the note.
void rerun_after_shortage(RunResult& run, int jobs, const std::function<CellResult(int)>& run_task);

// Where client profiles disagree about one scenario x mode x server, with a fix hint.
std::vector<PortabilityNote> portability_notes(const std::vector<scenario::Scenario>& scenarios,
                                               const std::vector<CellResult>& cells);

// Keeps gRPC's own log lines (handshake errors on stderr) off the terminal: they cannot be
// attributed to a cell anyway. Call once before running cells.
void silence_grpc_logging();

}  // namespace tlsmatrix::runner

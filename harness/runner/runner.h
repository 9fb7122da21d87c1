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

namespace tlsmatrix {

struct RunOptions {
  std::vector<int> modes{0, 1, 2};
  std::vector<std::string> profiles;  // empty = every defined profile
  int jobs = 0;                       // 0 = hardware threads
  std::chrono::milliseconds timeout{5000};  // per cell
  // Called after each finished cell (from worker threads, serialised): done, total, the cell.
  std::function<void(int, int, const CellResult&)> on_cell_done;
};

// One cell, start to finish: server up, one RPC, server down, classified and compared.
CellResult run_cell(const Scenario& scenario, const CertSet& certs, int mode, const ClientProfile& profile,
                    std::chrono::milliseconds timeout);
// The same with each end's files already set up (server_files, client_setup), so a caller can
// label them after the user's own files (`validate` does).
CellResult run_cell(const Scenario& scenario, const ServerFiles& server, const ClientSetup& client,
                    int mode, const ClientProfile& profile, std::chrono::milliseconds timeout);

RunResult run_scenarios(const std::vector<Scenario>& scenarios, const RunOptions& options);

// Where profiles disagree about one scenario x mode, with a fix hint.
std::vector<PortabilityNote> portability_notes(const std::vector<Scenario>& scenarios,
                                               const std::vector<CellResult>& cells);

// Keeps gRPC's own log lines (handshake errors on stderr) off the terminal: they cannot be
// attributed to a cell anyway. Call once before running cells.
void silence_grpc_logging();

}  // namespace tlsmatrix

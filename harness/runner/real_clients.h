// `tlsmatrix run --real-clients`: the real client stacks beside the prediction. For each client
// profile whose stack is installed (python3 with grpcio for grpc-core, `go` for go, `node` for
// node), the real client of tests/interop/clients (installed as share/tlsmatrix/clients) connects
// to the cell's server (the harness's server with the cell's server profile and the scenario's
// files) configured by pymilvus's rules, and its outcome is compared with the cell's computed
// verdict: pass/fail always, the reason where the real stack's error names it. A stack that is
// not installed is skipped with a note, never counted as agreeing.
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

#include "harness/runner/cell_result.h"
#include "harness/scenario/scenario.h"

namespace tlsmatrix::runner {

// Where the clients are: $TLSMATRIX_CLIENTS, ./tests/interop/clients (a checkout),
// BIN/../share/tlsmatrix/clients beside the running binary, the install prefix's; nullopt when
// none has them (the report says so).
std::optional<std::filesystem::path> locate_real_clients();

// Runs the real clients for the TLS cells (modes 1 and 2) of `run` and returns what they did.
// `timeout` bounds each connection.
RealClientsResult check_real_clients(const std::vector<scenario::Scenario>& scenarios, const RunResult& run,
                                     std::chrono::milliseconds timeout);

// Whether a real client's result (`ok`, its `class`) agrees with a predicted verdict: the outcome
// always; the reason only where the class names one ("server_cert_rejected" names a family: any
// server-certificate reason).
bool real_client_agrees(bool ok, const std::string& cls, const verdict::Verdict& predicted, std::string* real_text);

}  // namespace tlsmatrix::runner

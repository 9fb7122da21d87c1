// The outcome of one cell (scenario x mode x client profile) and of a whole run: what the
// runner produces and every report writer consumes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/handshake/handshake_cost.h"
#include "harness/verdict/reason.h"

namespace tlsmatrix::runner {

struct CellResult {
  std::string scenario;       // scenario name
  std::string scenario_file;  // path of its YAML file
  std::string summary;        // the scenario's one-line summary
  int mode = 0;
  std::string profile;        // client profile: grpc-core, go, node
  std::string server = "harness";  // server profile: harness, milvus (server_profile.h)
  verdict::Verdict expected;
  verdict::Verdict actual;
  std::string detail;         // what both ends said, for humans
  bool match = false;
  // The real handshake and the engine disagreed about pass/fail (classify's CellVerdict): a
  // harness bug, noted in the run's notes whatever the detail quotes.
  bool disagreement = false;
  double duration_ms = 0;
  // Set (with actual = fail harness_error) when the harness's environment stopped the cell, e.g.
  // "out of file descriptors (ulimit -n 64)": the cell has no verdict.
  std::string harness_error;
  int harness_errno = 0;  // the errno behind it (EMFILE...), 0 when none was seen

  // BoGo-style one-liner for a mismatch: "unexpected success", "unexpected failure: REASON",
  // "wrong failure: want X, got Y"; "harness error (no verdict): CAUSE". Empty when it matched.
  std::string mismatch_text() const;
};

// Where client profiles disagree about one scenario x mode, in plain words.
struct PortabilityNote {
  std::string scenario;
  int mode = 0;
  std::string text;  // "accepted by grpc-core and node, rejected by go: name only in the CN; ..."
};

// `run --real-clients`: the real client stacks run beside the prediction (real_clients.h).
struct RealClientStack {
  std::string profile;  // the client profile it checks: grpc-core, go, node
  std::string stack;    // "Python grpcio 1.51.1 (/usr/bin/python3)", "go version go1.19.8 ..."
  bool ran = false;     // false: skipped, `note` says why
  std::string note;
  int cells = 0;        // cells it was run on
  int disagreements = 0;
};

struct RealClientDisagreement {
  std::string scenario;
  int mode = 0;
  std::string profile, server;
  verdict::Verdict predicted;
  std::string real;     // "pass", "fail REASON", "fail (reason not named)"
  std::string message;  // the real client's words
};

struct RealClientsResult {
  std::string clients_dir;  // where the clients were found
  std::vector<RealClientStack> stacks;
  std::vector<RealClientDisagreement> disagreements;
};

struct RunResult {
  std::string tool = "tlsmatrix";
  std::string version;
  std::string started;  // ISO 8601, UTC
  std::string at;       // --at (ISO 8601, UTC): the moment the cells verified at; empty = now
  std::vector<CellResult> cells;  // stable order: scenario (load order), mode, profile
  std::vector<PortabilityNote> portability;
  // Where the harness's server differs from Milvus's own, and similar caveats for the reader.
  std::vector<std::string> notes;
  double wall_ms = 0;
  // Set by `run --cost`: each scenario x TLS mode whose grpc-core cell on the harness's server
  // passed, in scenario and mode order.
  std::optional<std::vector<handshake::NamedCost>> cost;
  // Set by `run --real-clients`.
  std::optional<RealClientsResult> real_clients;
  // Non-empty when cells are left without a verdict (harness_errors() > 0): the cause and the
  // way out, e.g. "out of file descriptors (ulimit -n 64); rerun with fewer --jobs or ...".
  std::string harness_error;

  int matched() const;
  // Cells that did not match, harness errors included (every report counts those as problems).
  int mismatched() const;
  // Of those, the cells without a verdict (harness_error set).
  int harness_errors() const;
};

}  // namespace tlsmatrix::runner

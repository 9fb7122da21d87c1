// The outcome of one cell (scenario x mode x client profile) and of a whole run: what the
// runner produces and every report writer consumes.
#pragma once

#include <string>
#include <vector>

#include "harness/verdict/reason.h"

namespace tlsmatrix {

struct CellResult {
  std::string scenario;       // scenario name
  std::string scenario_file;  // path of its YAML file
  std::string summary;        // the scenario's one-line summary
  int mode = 0;
  std::string profile;        // client profile: grpc-core, go, node
  Verdict expected;
  Verdict actual;
  std::string detail;         // what both ends said, for humans
  bool match = false;
  double duration_ms = 0;

  // BoGo-style one-liner for a mismatch: "unexpected success", "unexpected failure: REASON",
  // "wrong failure: want X, got Y". Empty when the cell matched.
  std::string mismatch_text() const;
};

// Where client profiles disagree about one scenario x mode, in plain words.
struct PortabilityNote {
  std::string scenario;
  int mode = 0;
  std::string text;  // "accepted by grpc-core and node, rejected by go: name only in the CN; ..."
};

struct RunResult {
  std::string tool = "tlsmatrix";
  std::string version;
  std::string started;  // ISO 8601, UTC
  std::vector<CellResult> cells;  // stable order: scenario (load order), mode, profile
  std::vector<PortabilityNote> portability;
  // Where the harness's server differs from Milvus's own, and similar caveats for the reader.
  std::vector<std::string> notes;
  double wall_ms = 0;

  int matched() const;
  int mismatched() const;
};

}  // namespace tlsmatrix

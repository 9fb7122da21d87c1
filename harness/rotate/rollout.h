// `tlsmatrix rotate`: is there an order in which a rolling update from one Milvus-layout set to
// the next never breaks a client? Every mix of old and new files a rollout passes through is
// run as real handshakes (the runner's cells: a Milvus-like server, a pymilvus-style client per
// profile), and every order of the steps is judged by the first mix on its way that fails.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::rotate {

struct RolloutInput {
  std::filesystem::path from, to;  // ca.pem server.pem server.key client.pem client.key [ca-bundle.pem]
  std::vector<int> modes{1, 2};
  std::vector<std::string> profiles;  // empty = every client profile
  std::string server_name = "localhost";
  std::chrono::milliseconds timeout{5000};
};

// What changes in one step of the rollout.
enum class StepKind { bundle, servers, client_certs, client_trust, drop_old_ca };

struct Step {
  StepKind kind;
  std::string id;    // "servers"
  std::string text;  // "roll the servers: to/server.pem, to/server.key, tls.caPemPath to/ca-bundle.pem"
};

// One mix of files that clients and servers hold at some point of a rollout.
struct Mix {
  bool server_new = false;
  int server_ca = 0;     // tls.caPemPath: 0 old ca.pem, 1 ca-bundle.pem, 2 new ca.pem
  int client_trust = 0;  // what clients trust: same scale
  bool client_cert_new = false;
  bool operator==(const Mix&) const = default;
  std::string server_text() const;       // "new"
  std::string server_ca_text() const;    // "old", "bundle", "new"
  std::string trust_text() const;
  std::string cert_text() const;
};

struct MixResult {
  Mix mix;
  std::vector<runner::CellResult> cells;  // mode, then profile
  bool ok() const;
};

struct Order {
  std::vector<int> steps;  // indexes into Rollout::steps, in the order applied
  bool safe = false;
  // When unsafe: after which step it breaks (-1: the current state already fails), the mix
  // there, and its first failing cell.
  int break_after = -1;
  int break_mix = -1;
  int break_cell = -1;
};

struct Rollout {
  RolloutInput input;
  std::optional<std::string> at;  // --at, ISO 8601
  std::vector<Step> steps;
  std::vector<MixResult> mixes;   // every mix some order passes through, the current one first
  std::vector<Order> orders;      // every admissible order; the recommended safe one first
  bool any_safe() const;
  bool all_safe() const;
};

// Loads both sets (InputError naming a missing or unreadable file), works out the steps that
// change something, runs every mix once, judges every order. Throws HarnessError when cells
// still have no verdict after running again one at a time.
Rollout plan_rollout(const RolloutInput& input);

// "mode 2 grpc-core, go and node: unknown_ca" for a mix's failing cells; "ok" when none fails.
std::string mix_verdict_text(const MixResult& mix, int mode);

}  // namespace tlsmatrix::rotate

// What one handshake with a given set of files costs on this machine, beside an ECDSA P-256 set
// generated on the spot: the figure `validate`, `rotate` and `run --cost` print next to their
// verdicts. Measured with the benchmark engine's library-ceiling loop (a client and a server
// handshaking in memory, load_runner), so the figure is the CPU of the TLS work itself (both
// ends, no sockets, no gRPC) and holds on a loaded machine, where rates do not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "harness/handshake/handshake_config.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

// A short, bounded measurement per set: long enough for a few hundred handshakes of the slowest
// common key (RSA-4096 on one core), short enough to sit beside every verdict.
inline constexpr double kCostSeconds = 0.3;
// A figure rests on at least this many handshakes: on a loaded machine the worker thread can
// start after a short window has closed, so measure_cost runs further windows, each twice as
// long as the one before, until it has them; all windows together last at most
// kMaxCostSeconds (a bound on every measurement, whatever `seconds` asks).
inline constexpr std::uint64_t kMinCostHandshakes = 5;
inline constexpr double kMaxCostSeconds = 3;

struct HandshakeCost {
  bool measured = false;
  std::string not_measured;  // why, when !measured (never a made-up figure)
  std::uint64_t handshakes = 0;
  double cpu_us = 0;  // CPU (user + system) per handshake, server and client together
  double per_s_per_core() const { return cpu_us > 0 ? 1e6 / cpu_us : 0; }
};

// The files' cost beside P-256's, for one tlsMode. `ratio` only when both were measured.
struct CostComparison {
  int mode = 1;
  std::string files_key;  // "RSA-4096", the server key's label (x509::key_label)
  HandshakeCost files;
  HandshakeCost p256;
  std::optional<double> ratio;  // files.cpu_us / p256.cpu_us
};

// One scenario's cost in one mode (`run --cost`).
struct NamedCost {
  std::string name;
  CostComparison cost;
};

// `run --cost` measures many sets: a shorter run each, still dozens of handshakes of RSA-4096.
inline constexpr double kRunCostSeconds = 0.1;

// Handshakes between `server` and `client` (both set up by the caller, at one TLS version) in
// memory, one worker, for `seconds` (and further windows until kMinCostHandshakes). Not measured
// when the first handshake fails (its error says why) or too few completed.
HandshakeCost measure_cost(SSL_CTX* server, SSL_CTX* client, double seconds = kCostSeconds);

// The same for a CA + server + client set of ECDSA P-256 keys generated now, in `mode`, TLS 1.3
// full handshakes (what gRPC clients and Milvus negotiate).
HandshakeCost measure_p256_cost(int mode, double seconds = kCostSeconds);

// Measured once per process and mode, then reused (run --cost compares every scenario with it).
const HandshakeCost& p256_cost(int mode);

// A deployment's files as the cost needs them (borrowed; the caller keeps them alive).
struct CostFiles {
  std::vector<X509*> server_chain;  // leaf first
  EVP_PKEY* server_key = nullptr;
  std::vector<X509*> client_cas;    // what the server verifies client certificates with (mode 2)
  std::vector<X509*> trust;         // what the client verifies the server with
  std::string server_name;          // checked when not empty
  std::vector<X509*> client_chain;  // presented in mode 2 when not empty
  EVP_PKEY* client_key = nullptr;
};

// Borrowed pointers to owned certificates, the form CostFiles takes.
inline std::vector<X509*> borrowed(const std::vector<ossl::X509Ptr>& certs) {
  std::vector<X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

// The files' cost in `mode` (TLS 1.3, full handshakes) beside P-256's (p256_cost). Files that
// cannot make a server or a client are "not measured" with the reason, never an exception.
CostComparison measure_files_cost(int mode, const CostFiles& files, double seconds = kCostSeconds);

// Fills `ratio` from the two figures.
CostComparison compare_costs(int mode, std::string files_key, HandshakeCost files, HandshakeCost p256);

// "mode 2 with your RSA-4096 chain: 5.1 ms CPU per handshake (196/s per core), 3.2x what
// P-256 would cost (1.6 ms)", or why a figure is missing. `whose` names the set ("your", "the
// new").
std::string cost_text(const CostComparison& c, const std::string& whose = "your");

// "5.1 ms" / "830 µs".
std::string cpu_text(double us);

}  // namespace tlsmatrix::handshake

// `tlsmatrix bench` without the command line: for each configuration, measure the layer (raw
// TLS over loopback sockets, or gRPC channels) and hold it against the two references measured
// in the same run: the library ceiling (in-memory BIO-pair handshakes, one worker per core) and
// the crypto bound (the configuration's public-key operations timed alone).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/handshake/crypto_bound.h"
#include "harness/handshake/handshake_config.h"
#include "harness/handshake/load_runner.h"
#include "harness/handshake/socket_client.h"
#include "harness/handshake/target.h"
#include "harness/handshake/tls_contexts.h"

namespace tlsmatrix::handshake {

// tls: raw OpenSSL handshakes. grpc_server: a lean client (raw OpenSSL + nghttp2) makes one
// unary gRPC call per connection: what a gRPC server pays per new client connection.
// grpc_client: a new gRPC C-core channel per handshake: what a client application pays when it
// churns channels (the client's cost, not the server's).
enum class Layer { tls, grpc_server, grpc_client };
std::optional<Layer> parse_layer(std::string_view text);
std::string_view to_string(Layer layer);

struct BenchSettings {
  Layer layer = Layer::tls;
  int concurrency = 2;
  double duration_s = 5;
  int processes = 0;  // 0 = default_processes(cores)
  std::optional<Endpoint> target;  // external server instead of the in-process one
  // How to check the target and present ourselves; null: verify against the system's roots,
  // no client certificate.
  std::shared_ptr<const TargetClient> target_client;
  std::chrono::milliseconds handshake_timeout = kHandshakeTimeout;  // each handshake, in total
  bool progress = false;
  bool references = true;  // measure the ceiling and the bound too
  // Shard the in-process TLS server by core and bind each client to its shard's core.
  bool pin = true;
};

struct BenchResult {
  Layer layer = Layer::tls;
  HandshakeConfig config;
  int concurrency = 0;
  int processes = 1;
  int cores = 1;
  std::string target;  // "in-process" or HOST:PORT
  LoadResult load;
  LoadResult ceiling;  // empty when references were off
  CryptoBound bound;
  // Server-side view (in-process TLS server only): handshakes that presented a client cert,
  // and handshakes it saw fail (the client may have counted them: TLS 1.3 mode 2).
  std::uint64_t server_client_certs = 0;
  std::uint64_t server_failures = 0;
  std::optional<TargetFacts> target_facts;  // --target: what the survey handshake showed
  std::vector<std::string> notes;  // said once under the configuration's table

  double ceiling_per_s() const { return ceiling.rate(); }
  double fraction_of_ceiling() const;
  double fraction_of_bound() const;
};

// Loads for one layer: how to make its server share and its workers. The gRPC adapter supplies
// one of these; the raw TLS one lives with the engine.
struct LayerPlan {
  std::function<std::unique_ptr<ProcessScope>(int process)> per_process;
  std::function<std::unique_ptr<Worker>(int worker)> make_worker;
  std::function<std::vector<std::string>()> notes;  // read after the run
  std::function<std::uint64_t()> server_client_certs;
  std::function<std::uint64_t()> server_failures;
  bool forkable = true;  // false: the layer cannot run in forked worker processes
};

// The gRPC layer (harness/handshake/grpc_layer.cpp). Empty when it can measure `config`, else
// why not (gRPC 1.51 cannot pin a TLS version, for example).
std::string grpc_layer_unsupported(const HandshakeConfig& config);
LayerPlan grpc_layer_plan(const certs::CertSet& certs, const HandshakeConfig& config,
                          const BenchSettings& settings, int processes, int cores);
// The grpc-server layer: empty when it can measure `config`, else why not.
std::string grpc_server_layer_unsupported(const HandshakeConfig& config);
// The in-process gRPC server set up as Milvus's proxy for config.mode (harness/endpoints), on
// 127.0.0.1:0; kept alive by the returned scope. Throws std::runtime_error when it does not start.
std::unique_ptr<ProcessScope> start_grpc_server(const certs::CertSet& certs, int mode, int* port);

// The library ceiling for `config`: in-memory handshakes, one worker per core.
LoadResult measure_ceiling(const certs::CertSet& certs, const HandshakeConfig& config, int cores,
                           int processes, double duration_s, bool progress);

// In-memory handshakes between two given contexts (both must outlive the call): the ceiling's
// loop, also what the cost beside a verdict is measured with (handshake_cost.h).
LoadResult measure_in_memory(SSL_CTX* server_ctx, SSL_CTX* client_ctx, bool resume, int workers,
                             int processes, double duration_s, std::string label, bool progress);

// Measures one configuration: the layer, then the ceiling and the bound.
BenchResult run_bench(const HandshakeConfig& config, const BenchSettings& settings);

}  // namespace tlsmatrix::handshake

#include <stdexcept>

#include "harness/handshake/bench_run.h"

namespace tlsmatrix::handshake {

std::string grpc_layer_unsupported(const HandshakeConfig&) { return "not built yet"; }

LayerPlan grpc_layer_plan(const CertSet&, const HandshakeConfig&, const BenchSettings&, int, int) {
  throw std::runtime_error("the gRPC layer is not built yet");
}

}  // namespace tlsmatrix::handshake

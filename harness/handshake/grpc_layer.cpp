#include <stdexcept>

#include "harness/handshake/bench_run.h"

namespace tlsmatrix::handshake {

LayerPlan grpc_layer_plan(const CertSet&, const HandshakeConfig&, const BenchSettings&, int, int) {
  throw std::runtime_error("the gRPC layer is not built yet");
}

}  // namespace tlsmatrix::handshake

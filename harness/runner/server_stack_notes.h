// Where Milvus's own proxy (Go) would judge a cell differently from the harness's server, read
// from the scenarios' `servers: milvus` expectations, in plain words for the run's notes. The
// harness cannot be Milvus's server (gRPC C++ vs crypto/tls); the interop suite checks these
// expectations against a real Go server configured like Milvus's proxy.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario/scenario.h"

namespace tlsmatrix {

// One line per scenario x mode that differs, e.g. "broken-rsa1024-server, mode 1: Milvus's Go
// proxy gives pass to go and node, fail server_cert_invalid to grpc-core; the harness's server:
// fail server_config_error".
std::vector<std::string> milvus_server_notes(const std::vector<Scenario>& scenarios, const std::vector<int>& modes,
                                             const std::vector<std::string>& profiles);

}  // namespace tlsmatrix

// A list as a sentence reads it: "go", "go and node", "grpc-core, go and node" (run's
// portability notes, the server notes, validate's messages).
#pragma once

#include <string>
#include <vector>

namespace tlsmatrix::io {

std::string join_and(const std::vector<std::string>& items);

}  // namespace tlsmatrix::io

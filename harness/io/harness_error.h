// The harness's own environment stopped it from knowing (no file descriptors, no threads): the
// CLI prints "tlsmatrix: harness error: MESSAGE" and exits 2. Never a verdict about certificates.
#pragma once

#include <stdexcept>
#include <string>

namespace tlsmatrix::io {

class HarnessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tlsmatrix::io

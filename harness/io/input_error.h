// Bad input from the user (a file, a flag value): the CLI prints the message on one line and exits
// 2. The message always starts with where the problem is: "FILE:LINE:COL: ..." or "FILE: ...".
#pragma once

#include <stdexcept>
#include <string>

namespace tlsmatrix::io {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tlsmatrix::io

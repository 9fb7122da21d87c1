// What bad input says: the message of the InputError a call throws.
#pragma once

#include <functional>
#include <string>

#include "harness/io/input_error.h"

namespace tlsmatrix::testutil {

// The message of the InputError `fn` throws, or "(no InputError)".
inline std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

}  // namespace tlsmatrix::testutil

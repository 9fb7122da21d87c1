// A TLS alert's name as people read it in messages ("certificate required" for 116): the probe,
// serve's connection lines and bench's socket client all name alerts with this one function.
#pragma once

#include <string>

namespace tlsmatrix::ossl {

// "certificate required" for 116; "unnamed" when OpenSSL 3.0 has no name for it.
std::string alert_name(int description);

}  // namespace tlsmatrix::ossl

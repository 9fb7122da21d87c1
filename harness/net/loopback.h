// Whether this machine has an IPv6 loopback: a scenario that dials [::1] runs over IPv6 only
// where one exists (containers and CI runners often have IPv6 disabled); elsewhere its cells
// say why they did not run instead of failing as if the certificates were at fault.
#pragma once

#include <string>

namespace tlsmatrix::net {

// Empty when a TCP socket can be bound to [::1]:0 here; else why not ("IPv6 loopback ::1 is
// not available here: Cannot assign requested address"). Asked once, then remembered.
std::string ipv6_loopback_missing();

}  // namespace tlsmatrix::net

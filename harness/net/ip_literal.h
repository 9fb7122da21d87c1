// Is a host name an IP address? Certificates (IP: or DNS: SAN), SNI (never for an address),
// hostname matching and `validate`'s advice all ask, and must agree: "123" and "1.2.3" are
// names here, as they are to a2i_IPADDRESS when a certificate is made, not addresses.
#pragma once

#include <string>
#include <string_view>

namespace tlsmatrix::net {

// True for an IPv4 dotted quad or an IPv6 literal (without brackets or zone).
bool is_ip_literal(std::string_view host);

// The address as inet_ntop writes it, so "::0001" and "::1" compare equal; empty when `host` is
// not an address.
std::string canonical_ip(std::string_view host);

}  // namespace tlsmatrix::net

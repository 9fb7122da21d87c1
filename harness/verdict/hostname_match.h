// Does a server certificate cover the name the client dialled? Each client stack answers this
// differently (CN fallback, wildcards, IP names); the rules are data in ClientProfile, the
// matching is here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/x509/names.h"

namespace tlsmatrix::verdict {

// When a stack falls back to the subject CN for a DNS name.
enum class CnFallback {
  never,       // Go since 1.15/1.17
  no_san,      // gRPC C-core: only when the certificate has no SAN entry of any type
  no_dns_san,  // Node, JSSE: when there is no DNS SAN
};

// How an IP address as server name is matched.
enum class IpNameMatch {
  // gRPC C-core: the name is compared as a string with every SAN entry of any type (an IP SAN is
  // rendered as text first), never with the CN.
  any_san_text,
  ip_san_only,  // Go, Node: only iPAddress SAN entries, compared as addresses
};

struct NameRules {
  CnFallback cn_fallback = CnFallback::no_san;
  IpNameMatch ip_match = IpNameMatch::any_san_text;
  // gRPC C-core compares a DNS name with every SAN entry's text (URI, email too); the others
  // with DNS SANs only.
  bool dns_name_checks_all_sans = true;
  // "*.tld" (a wildcard with a single label after it) may match.
  bool wildcard_tld = false;
  // "f*.example.com": a wildcard inside the leftmost label (Node does; RFC 6125 allows).
  bool wildcard_partial_label = false;
  // A SAN/CN pattern's own trailing dot is stripped before comparing ("localhost." matches
  // localhost). Go strips only the name's: a pattern ending in a dot never matches.
  bool pattern_trailing_dot_stripped = true;
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) equals its IPv4 address (Go's net.IP.Equal);
  // C-core and Node compare the two forms as different addresses.
  bool ipv4_mapped_equal = false;
};

// One SAN/CN pattern against a DNS name under the wildcard rules.
bool wildcard_match(std::string_view pattern, std::string_view host, const NameRules& rules);

// Empty when `name` is covered; else why not ("not in SAN [DNS:a, IP:b]; CN not consulted").
std::string name_mismatch(const x509::CertNames& names, std::string_view name, const NameRules& rules);

}  // namespace tlsmatrix::verdict

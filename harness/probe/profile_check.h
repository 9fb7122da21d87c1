// Would a client stack accept the chain the server presented, with the user's --trust file and
// --server-name? One call per client profile (grpc-core, go, node). The runner's profile engine
// is the authority on these rules; this is the single place the probe asks.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "harness/verdict/reason.h"

namespace tlsmatrix::probe {

struct ProfileVerdict {
  std::string profile;
  verdict::Reason reason = verdict::Reason::ok;  // ok, hostname_mismatch, unknown_ca, server_cert_expired, ...
  std::string detail;          // the verifier's words when not ok
};

// The profiles the probe judges the chain for, in report order.
const std::vector<std::string>& probe_profiles();

// `chain` is leaf first, as presented; `trust` is what the client trusts.
ProfileVerdict verify_as_profile(std::string_view profile, const std::vector<X509*>& chain,
                                 const std::vector<X509*>& trust, std::string_view server_name);

}  // namespace tlsmatrix::probe

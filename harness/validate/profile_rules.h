// How each client profile judges a server certificate, as far as the static checks need it:
// which names it accepts and whether a CA-signed certificate may be the only trust root
// (README.md, "Client profiles"). The answers come from the runner's client-profile
// engine (harness/verdict/profile.h); these few functions put them in the checks' terms.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::validate {

// Every profile `validate --profiles` knows, in report order.
const std::vector<std::string>& profile_names();

// Whether the profile accepts a trust root that is not self-signed (a CA-signed server.pem
// given as the only trusted certificate, as the Milvus pages tell one-way TLS clients to do).
bool accepts_partial_chain(std::string_view profile);

// What the profile's hostname check makes of `server_name` against the server's leaf.
enum class NameMatch {
  san,          // covered by a subjectAltName entry
  cn_fallback,  // accepted only because the profile falls back to the subject CN
  rejected,
};
struct NameJudgement {
  NameMatch match = NameMatch::rejected;
  std::string detail;  // why, in the profile's own terms when it has them
};
NameJudgement judge_server_name(std::string_view profile, X509* leaf, std::string_view server_name);

// The exact text (or closest summary) a profile reports for a failure, for messages.
std::string profile_cn_rejection(std::string_view profile);

}  // namespace tlsmatrix::validate

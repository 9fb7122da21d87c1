// Asks the client-profile engine (harness/verdict/profile.h) how each client stack judges the
// chain the server presented.
#include "harness/probe/profile_check.h"

#include <stdexcept>

#include "harness/ossl/ossl_ptr.h"
#include "harness/verdict/profile.h"

namespace tlsmatrix::probe {

const std::vector<std::string>& probe_profiles() {
  static const std::vector<std::string> names = verdict::client_profile_names();
  return names;
}

ProfileVerdict verify_as_profile(std::string_view profile, const std::vector<X509*>& chain,
                                 const std::vector<X509*>& trust, std::string_view server_name) {
  ProfileVerdict out{std::string(profile), verdict::Reason::ok, ""};
  if (chain.empty()) {
    out.reason = verdict::Reason::server_cert_invalid;
    out.detail = "the server presented no certificate";
    return out;
  }
  const verdict::ClientProfile* p = verdict::find_profile(profile);
  if (p == nullptr) throw std::invalid_argument("no client profile " + std::string(profile));
  verdict::PresentedChain presented{ossl::up_ref(chain.front()), {}};
  for (std::size_t i = 1; i < chain.size(); ++i) presented.rest.push_back(ossl::up_ref(chain[i]));
  verdict::ProfileVerdict v = verdict::verify_server(*p, presented, trust, server_name);
  out.reason = v.reason;
  out.detail = v.detail;
  return out;
}

}  // namespace tlsmatrix::probe

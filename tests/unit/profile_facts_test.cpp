// What a client stack does and says is data on its ClientProfile, not a choice made by comparing
// the profile's name: the wording of a refused CN-only name (validate) and whether the stack
// withholds a client certificate the server's CA names leave out (run's and validate's notes).
#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/validate/profile_rules.h"
#include "harness/verdict/profile.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

TEST(ProfileFacts, ACnOnlyNameIsRefusedInTheProfilesOwnWords) {
  certs::CertSpec leaf = testutil::spec("server", "ca");
  leaf.cn = "localhost";  // the name only in the CN
  certs::CertSet set = certs::build_cert_set({testutil::spec("ca", "", true), leaf});
  int never = 0;
  for (const verdict::ClientProfile& p : verdict::client_profiles()) {
    validate::NameJudgement j =
        validate::judge_server_name(p.name, set.get("server").cert.get(), "localhost");
    if (p.names.cn_fallback != verdict::CnFallback::never) continue;
    ++never;
    EXPECT_EQ(j.match, validate::NameMatch::rejected) << p.name;
    EXPECT_EQ(j.detail, p.cn_only_rejection) << p.name;
  }
  EXPECT_GE(never, 1) << "no profile refuses the CN: the test checks nothing";
  EXPECT_EQ(validate::profile_cn_rejection("go"),
            "x509: certificate relies on legacy Common Name field, use SANs instead");
}

}  // namespace
}  // namespace tlsmatrix

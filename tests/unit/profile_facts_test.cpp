// What a client stack does and says is data on its ClientProfile, not a choice made by comparing
// the profile's name: the wording of a refused CN-only name (validate) and whether the stack
// withholds a client certificate the server's CA names leave out (run's and validate's notes).
#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/runner/server_stack_notes.h"
#include "harness/validate/profile_rules.h"
#include "harness/verdict/profile.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

TEST(ProfileFacts, ACnOnlyNameIsRefusedInTheProfilesOwnWords) {
  CertSpec leaf = testutil::spec("server", "ca");
  leaf.cn = "localhost";  // the name only in the CN
  CertSet set = build_cert_set({testutil::spec("ca", "", true), leaf});
  int never = 0;
  for (const ClientProfile& p : client_profiles()) {
    validate::NameJudgement j =
        validate::judge_server_name(p.name, set.get("server").cert.get(), "localhost");
    if (p.names.cn_fallback != CnFallback::never) continue;
    ++never;
    EXPECT_EQ(j.match, validate::NameMatch::rejected) << p.name;
    EXPECT_EQ(j.detail, p.cn_only_rejection) << p.name;
  }
  EXPECT_GE(never, 1) << "no profile refuses the CN: the test checks nothing";
  EXPECT_EQ(validate::profile_cn_rejection("go"),
            "x509: certificate relies on legacy Common Name field, use SANs instead");
}

TEST(ProfileFacts, OnlyAStackThatWithholdsItsCertificateMeetsTheCaNamesCaveat) {
  FileTraits outside{.client_cert_outside_ca_names = true};
  int withholding = 0;
  for (const ClientProfile& p : client_profiles()) {
    const auto caveats = caveats_for(2, p.name, outside);
    const bool noted = std::find(caveats.begin(), caveats.end(), ServerCaveat::no_ca_names) != caveats.end();
    EXPECT_EQ(noted, p.withholds_cert_outside_ca_names) << p.name;
    withholding += p.withholds_cert_outside_ca_names;
  }
  EXPECT_EQ(withholding, 1);
  EXPECT_TRUE(find_profile("go")->withholds_cert_outside_ca_names);
}

}  // namespace
}  // namespace tlsmatrix

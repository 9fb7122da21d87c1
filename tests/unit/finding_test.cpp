// One finding type for validate and probe: one count, one name for each severity in each
// command's words, one JSON writer that keeps each command's member names.
#include <gtest/gtest.h>

#include "harness/findings/finding.h"
#include "reports/common/finding_json.h"

namespace tlsmatrix {
namespace {

using findings::Finding;
using findings::Severity;

Finding make(std::string id, Severity s) { return findings::make(std::move(id), s, "", ""); }

TEST(Finding, CountsEverySeverityOnce) {
  const std::vector<Finding> all{make("a", Severity::ok), make("b", Severity::warning),
                                 make("c", Severity::error), make("d", Severity::error),
                                 make("e", Severity::inconclusive)};
  const findings::Counts n = findings::count(all);
  EXPECT_EQ(n.ok, 1);
  EXPECT_EQ(n.warnings, 1);
  EXPECT_EQ(n.errors, 2);
  EXPECT_EQ(n.inconclusive, 1);
  EXPECT_EQ(n.total(), 5);
}

TEST(Finding, EachCommandKeepsItsWords) {
  EXPECT_EQ(findings::to_string(Severity::ok), "ok");
  EXPECT_EQ(findings::to_string(Severity::warning), "warning");
  EXPECT_EQ(findings::to_string(Severity::error), "error");
  EXPECT_EQ(findings::to_string(Severity::ok, findings::kProbeWords), "pass");
  EXPECT_EQ(findings::to_string(Severity::warning, findings::kProbeWords), "warn");
  EXPECT_EQ(findings::to_string(Severity::error, findings::kProbeWords), "fail");
  EXPECT_EQ(findings::to_string(Severity::inconclusive, findings::kProbeWords), "inconclusive");
}

TEST(Finding, DisplayNameAndMessageAsTheChecksListThem) {
  Finding v = make("validity", Severity::warning);
  v.file = "tls/server.pem";
  v.profiles = {"go", "node"};
  v.message = "expires soon";
  EXPECT_EQ(findings::display_name(v), "validity (tls/server.pem) [go,node]");
  EXPECT_EQ(findings::message_with_reason(v), "expires soon");
  Finding p = make("rejects_plaintext", Severity::error);
  p.title = "a plaintext client is turned away";
  p.message = "it was let in";
  p.reason = verdict::Reason::plaintext_to_tls;
  EXPECT_EQ(findings::display_name(p), "rejects_plaintext: a plaintext client is turned away");
  EXPECT_EQ(findings::message_with_reason(p), "plaintext_to_tls: it was let in");
}

TEST(Finding, OneJsonWriterKeepsEachCommandsMembers) {
  Finding f = make("x", Severity::error);
  f.title = "t";
  f.file = "f.pem";
  f.message = "m";
  f.fix = "do";
  f.profiles = {"go"};
  reports::JsonWriter v(0);
  reports::write_finding(v, f, reports::kValidateFindingJson);
  EXPECT_EQ(v.take(),
            R"({"check":"x","severity":"error","file":"f.pem","message":"m","fix":"do","profiles":["go"]})");
  reports::JsonWriter p(0);
  reports::write_finding(p, f, reports::kProbeFindingJson);
  EXPECT_EQ(p.take(), R"({"id":"x","status":"fail","title":"t","detail":"m","hint":"do","reason":null})");
}

}  // namespace
}  // namespace tlsmatrix

#include "harness/verdict/reason.h"

#include <gtest/gtest.h>

#include "harness/runner/cell_result.h"

namespace tlsmatrix {
namespace {

// Every expectable name round-trips; `unclassified` can never be expected.
TEST(Reason, NamesRoundTrip) {
  for (auto name : expectable_reason_names()) {
    auto r = parse_reason(name);
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_EQ(to_string(*r), name);
  }
  EXPECT_FALSE(parse_reason("unclassified").has_value());
  EXPECT_FALSE(parse_reason("hostname-mismatch").has_value());
}

TEST(CellResult, MismatchTextReadsLikeBoGo) {
  CellResult c;
  c.expected = {Outcome::fail, Reason::unknown_ca};
  c.actual = {Outcome::pass, Reason::ok};
  EXPECT_EQ(c.mismatch_text(), "unexpected success");
  c.expected = {Outcome::pass, Reason::ok};
  c.actual = {Outcome::fail, Reason::timeout};
  EXPECT_EQ(c.mismatch_text(), "unexpected failure: timeout");
  c.expected = {Outcome::fail, Reason::unknown_ca};
  EXPECT_EQ(c.mismatch_text(), "wrong failure: want unknown_ca, got timeout");
  c.match = true;
  EXPECT_EQ(c.mismatch_text(), "");
}

}  // namespace
}  // namespace tlsmatrix

#include "harness/verdict/reason.h"

#include <gtest/gtest.h>

#include "harness/runner/cell_result.h"

namespace tlsmatrix {
namespace {

// Every expectable name round-trips; `unclassified` can never be expected.
TEST(Reason, NamesRoundTrip) {
  for (auto name : verdict::expectable_reason_names()) {
    auto r = verdict::parse_reason(name);
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_EQ(to_string(*r), name);
  }
  EXPECT_FALSE(verdict::parse_reason("unclassified").has_value());
  // The harness speaking of itself is never an expectation either.
  EXPECT_FALSE(verdict::parse_reason("harness_error").has_value());
  EXPECT_EQ(to_string(verdict::Reason::harness_error), "harness_error");
  EXPECT_FALSE(verdict::parse_reason("hostname-mismatch").has_value());
}

TEST(CellResult, MismatchTextReadsLikeBoGo) {
  runner::CellResult c;
  c.expected = {verdict::Outcome::fail, verdict::Reason::unknown_ca};
  c.actual = {verdict::Outcome::pass, verdict::Reason::ok};
  EXPECT_EQ(c.mismatch_text(), "unexpected success");
  c.expected = {verdict::Outcome::pass, verdict::Reason::ok};
  c.actual = {verdict::Outcome::fail, verdict::Reason::timeout};
  EXPECT_EQ(c.mismatch_text(), "unexpected failure: timeout");
  c.expected = {verdict::Outcome::fail, verdict::Reason::unknown_ca};
  EXPECT_EQ(c.mismatch_text(), "wrong failure: want unknown_ca, got timeout");
  c.match = true;
  EXPECT_EQ(c.mismatch_text(), "");
}

// A cell the harness could not run says so, not "wrong failure: want X, got harness_error".
TEST(CellResult, HarnessErrorIsNoVerdict) {
  runner::RunResult run;
  run.cells.resize(3);
  run.cells[0].match = true;
  run.cells[1].expected = {verdict::Outcome::fail, verdict::Reason::unknown_ca};
  run.cells[1].actual = {verdict::Outcome::fail, verdict::Reason::harness_error};
  run.cells[1].harness_error = "out of file descriptors (ulimit -n 16)";
  run.cells[2].actual = {verdict::Outcome::fail, verdict::Reason::timeout};
  EXPECT_EQ(run.cells[1].mismatch_text(), "harness error (no verdict): out of file descriptors (ulimit -n 16)");
  EXPECT_EQ(run.matched(), 1);
  EXPECT_EQ(run.mismatched(), 2);
  EXPECT_EQ(run.harness_errors(), 1);
}

}  // namespace
}  // namespace tlsmatrix

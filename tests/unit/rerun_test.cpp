// rerun_after_shortage: what a run does with cells that ended without a verdict. The cells are
// made by hand (run_task stands in for run_cell), so each case is exact.
#include <gtest/gtest.h>

#include <cerrno>

#include "harness/runner/runner.h"

namespace tlsmatrix {
namespace {

runner::CellResult cell(verdict::Outcome outcome, verdict::Reason reason) {
  runner::CellResult c;
  c.scenario = "s";
  c.expected = {outcome, reason};
  c.actual = {outcome, reason};
  c.match = true;
  return c;
}

runner::CellResult short_of_descriptors() {
  runner::CellResult c = cell(verdict::Outcome::fail, verdict::Reason::harness_error);
  c.match = false;
  c.harness_error = "out of file descriptors (ulimit -n 16)";
  c.harness_errno = EMFILE;
  return c;
}

const runner::CellResult kPassed = cell(verdict::Outcome::pass, verdict::Reason::ok);
const runner::CellResult kFailedAsExpected = cell(verdict::Outcome::fail, verdict::Reason::unknown_ca);

TEST(RerunAfterShortage, NothingRunsAgainWithoutAHarnessError) {
  runner::RunResult run;
  run.cells = {kPassed, kFailedAsExpected};
  int calls = 0;
  runner::rerun_after_shortage(run, 4, [&](int) { return ++calls, kPassed; });
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(run.notes.empty());
}

// Every failed cell of the pass is suspect, matched or not; passes stand.
TEST(RerunAfterShortage, FailedCellsRunAgainAndTheirNewVerdictsCount) {
  runner::RunResult run;
  run.cells = {kPassed, kFailedAsExpected, short_of_descriptors()};
  std::vector<int> ran;
  runner::rerun_after_shortage(run, 4, [&](int i) {
    ran.push_back(i);
    return i == 1 ? kFailedAsExpected : kPassed;
  });
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
  EXPECT_EQ(run.harness_errors(), 0);
  EXPECT_EQ(run.mismatched(), 0);
  EXPECT_TRUE(run.harness_error.empty());
  ASSERT_EQ(run.notes.size(), 1u);
  EXPECT_NE(run.notes[0].find("ran again one at a time"), std::string::npos) << run.notes[0];
}

// Still short one at a time: no failure of this process is a verdict, a pass still is.
TEST(RerunAfterShortage, StillShortAloneLeavesNoFailureAsAVerdict) {
  runner::RunResult run;
  run.cells = {kPassed, kFailedAsExpected, short_of_descriptors(), kFailedAsExpected};
  runner::rerun_after_shortage(run, 4, [&](int i) { return i == 2 ? short_of_descriptors() : run.cells[i]; });
  EXPECT_EQ(run.cells[0].actual, kPassed.actual);
  EXPECT_TRUE(run.cells[0].match);
  for (int i : {1, 2, 3}) {
    EXPECT_EQ(run.cells[i].actual.reason, verdict::Reason::harness_error) << i;
    EXPECT_FALSE(run.cells[i].match) << i;
  }
  EXPECT_EQ(run.harness_errors(), 3);
  EXPECT_EQ(run.harness_error.rfind("out of file descriptors (ulimit -n 16): 3 of 4 cells have no verdict", 0), 0u)
      << run.harness_error;
  EXPECT_NE(run.harness_error.find("ulimit -n 1024"), std::string::npos) << run.harness_error;
}

// Five in a row without room even alone: the limit is too low, the rest is not tried.
TEST(RerunAfterShortage, GivesUpAfterFiveInARow) {
  runner::RunResult run;
  run.cells.assign(20, short_of_descriptors());
  int calls = 0;
  runner::rerun_after_shortage(run, 4, [&](int) { return ++calls, short_of_descriptors(); });
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(run.harness_errors(), 20);
}

}  // namespace
}  // namespace tlsmatrix

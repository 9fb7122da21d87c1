#include "harness/io/list_text.h"

#include <gtest/gtest.h>

namespace tlsmatrix::io {
namespace {

TEST(ListText, JoinsWithCommasAndALastAnd) {
  EXPECT_EQ(io::join_and({}), "");
  EXPECT_EQ(io::join_and({"go"}), "go");
  EXPECT_EQ(io::join_and({"go", "node"}), "go and node");
  EXPECT_EQ(io::join_and({"grpc-core", "go", "node"}), "grpc-core, go and node");
}

}  // namespace
}  // namespace tlsmatrix::io

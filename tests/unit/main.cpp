// The unit tests' main: OpenSSL set up the way the CLI sets it up, then GoogleTest.
#include <gtest/gtest.h>

#include "harness/ossl/process_init.h"

int main(int argc, char** argv) {
  tlsmatrix::ossl::init_for_process();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// Commands printed as advice must run as printed: shell_word must hand a POSIX shell back every
// argument unchanged. Proven by asking a real shell (/bin/sh) to echo the quoted words back.
#include "harness/io/shell_word.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace tlsmatrix {
namespace {

std::string shell_echo(const std::string& command) {
  std::string out;
  FILE* p = ::popen(("printf '%s\\n' " + command).c_str(), "r");
  EXPECT_NE(p, nullptr);
  if (p == nullptr) return out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  ::pclose(p);
  return out;
}

TEST(ShellWord, LeavesPlainWordsAlone) {
  EXPECT_EQ(io::shell_word("127.0.0.1:19530"), "127.0.0.1:19530");
  EXPECT_EQ(io::shell_word("/tmp/tls/ca.pem"), "/tmp/tls/ca.pem");
  EXPECT_EQ(io::shell_word("--server-name"), "--server-name");
}

TEST(ShellWord, AShellReadsQuotedWordsBackUnchanged) {
  const std::vector<std::string> words = {
      "[::1]:19530", "my certs/ca.pem", "it's", "$HOME", "a;b", "*.pem", "", "`x`", "tab\there"};
  std::string expected;
  for (const auto& w : words) expected += w + "\n";
  EXPECT_EQ(shell_echo(io::shell_command(words)), expected) << io::shell_command(words);
  EXPECT_EQ(io::shell_word("[::1]:19530"), "'[::1]:19530'");
}

}  // namespace
}  // namespace tlsmatrix

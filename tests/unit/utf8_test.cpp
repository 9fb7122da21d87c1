#include "harness/io/utf8.h"

#include <gtest/gtest.h>

#include "harness/io/input_error.h"

namespace tlsmatrix {
namespace {

std::string error_of(std::string_view text) {
  try {
    io::check_utf8(text, "f.yaml");
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(CheckUtf8, AcceptsWellFormedText) {
  EXPECT_EQ(error_of(""), "");
  EXPECT_EQ(error_of("name: plain ascii\n"), "");
  EXPECT_EQ(error_of("cn: Gr\xc3\xbc\xc3\x9f Gott \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x94\x92\n"), "");
  EXPECT_EQ(error_of("max: \xf4\x8f\xbf\xbf"), "");  // U+10FFFF
}

// Each row: bytes, and where the error must point (line:col of the offending character).
TEST(CheckUtf8, NamesLineAndColumnOfTheFirstBadByte) {
  struct Row {
    std::string text;
    std::string want;
  } rows[] = {
      {"a\xff", "f.yaml:1:2: not valid UTF-8 (byte 0xFF)"},
      {"ok\ncaf\xe9\n", "f.yaml:2:4: not valid UTF-8 (byte 0xE9)"},           // Latin-1
      {"\xc3\xa9\xc3", "f.yaml:1:2: not valid UTF-8 (byte 0xC3)"},             // cut short
      {"\xc0\xaf", "f.yaml:1:1: not valid UTF-8 (byte 0xC0)"},                 // overlong '/'
      {"\xe0\x80\xaf", "f.yaml:1:1: not valid UTF-8 (byte 0xE0)"},             // overlong
      {"\xed\xa0\x80", "f.yaml:1:1: not valid UTF-8 (byte 0xED)"},             // surrogate
      {"\xf4\x90\x80\x80", "f.yaml:1:1: not valid UTF-8 (byte 0xF4)"},         // > U+10FFFF
      {"\x80", "f.yaml:1:1: not valid UTF-8 (byte 0x80)"},                     // lone continuation
      {"\xff\xfe" "a\0b", "f.yaml:1:1: not valid UTF-8 (byte 0xFF)"},          // UTF-16 BOM
  };
  for (const auto& r : rows) EXPECT_EQ(error_of(r.text), r.want) << r.want;
}

}  // namespace
}  // namespace tlsmatrix

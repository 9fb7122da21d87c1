#include "reports/common/markup_escape.h"

#include "reports/common/text_util.h"

namespace tlsmatrix::reports {

namespace {
bool allowed_in_xml(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t cp = io::next_code_point(text, pos).value_or(io::kReplacementChar);
    if (!allowed_in_xml(cp)) continue;
    switch (cp) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      default: break;
    }
    if (attribute) {
      switch (cp) {
        case '"': out += "&quot;"; continue;
        case '\'': out += "&#39;"; continue;
        case '\t': out += "&#9;"; continue;
        case '\n': out += "&#10;"; continue;
        case '\r': out += "&#13;"; continue;
        default: break;
      }
    }
    io::append_utf8(out, cp);
  }
  return out;
}
}  // namespace

std::string escape_xml_text(std::string_view text) { return escape(text, false); }
std::string escape_xml_attr(std::string_view text) { return escape(text, true); }

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (char c : one_line(text)) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
      case '|': case '~': case '&': case '#': case '!':
        out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string markdown_notes(const std::vector<std::string>& notes) {
  if (notes.empty()) return "";
  std::string out = "### Notes\n\n";
  for (const auto& note : notes) out += "- " + escape_markdown(note) + "\n";
  return out + "\n";
}

}  // namespace tlsmatrix::reports

#include "harness/cli/help_format.h"

#include <cctype>
#include <sstream>
#include <vector>

#include "reports/common/text_util.h"

namespace tlsmatrix::cli {

namespace {

using reports::display_width;
using reports::wrap_words;

// "Exit codes: ...", "Static checks: ...": a line that opens with a short capitalised label
// starts a paragraph of its own.
bool opens_with_label(std::string_view line) {
  if (line.empty() || std::isupper(static_cast<unsigned char>(line.front())) == 0) return false;
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon > 30) return false;
  if (colon + 1 < line.size() && line[colon + 1] != ' ') return false;
  for (char c : line.substr(0, colon)) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != ' ' && c != '.' && c != '-') return false;
  }
  return true;
}

// An option's spec ("--keys TEXT:{rsa2048,rsa3072}=[rsa2048] ...") in lines of at most
// `first_width`, then `rest_width` columns: broken at spaces, and inside a long value list after
// a comma (without adding a space).
std::vector<std::string> wrap_spec(std::string_view spec, std::size_t first_width, std::size_t rest_width) {
  std::vector<std::string> lines(1);
  std::size_t start = 0;
  while (start < spec.size()) {
    std::size_t end = spec.find(' ', start);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view word = spec.substr(start, end - start);
    start = end + 1;
    bool first_piece = true;
    while (!word.empty()) {
      std::size_t comma = word.find(',');
      std::size_t cut = comma == std::string_view::npos ? word.size() : comma + 1;
      std::string piece(word.substr(0, cut));
      word.remove_prefix(cut);
      std::string glue = first_piece && !lines.back().empty() ? " " : "";
      first_piece = false;
      std::size_t room = lines.size() == 1 ? first_width : rest_width;
      if (!lines.back().empty() && display_width(lines.back() + glue + piece) > room) {
        lines.emplace_back();
        glue.clear();
      }
      lines.back() += glue + piece;
    }
  }
  return lines;
}

// "  NAME SPEC" and the description in kHelpColumn: on the same line when the spec leaves room,
// else under it.
std::string entry(std::string_view name_and_spec, std::string_view description) {
  const std::size_t text_width = kHelpWidth - kHelpColumn;
  std::vector<std::string> head = wrap_spec(name_and_spec, kHelpWidth - 2, kHelpWidth - 6);
  std::vector<std::string> desc;
  std::istringstream paragraphs(fill_prose(description, text_width));
  for (std::string line; std::getline(paragraphs, line);) desc.push_back(line);

  std::ostringstream out;
  std::size_t first_desc = 0;
  for (std::size_t i = 0; i < head.size(); ++i) {
    std::string line = (i == 0 ? "  " : "      ") + head[i];
    if (head.size() == 1 && !desc.empty() && display_width(line) + 1 <= kHelpColumn) {
      line = reports::pad_to_width(line, kHelpColumn) + desc[0];
      first_desc = 1;
    }
    out << line << "\n";
  }
  for (std::size_t i = first_desc; i < desc.size(); ++i) {
    out << (desc[i].empty() ? "" : std::string(kHelpColumn, ' ') + desc[i]) << "\n";
  }
  return out.str();
}

}  // namespace

HelpFormatter::HelpFormatter() { column_width(kHelpColumn); }

void HelpFormatter::summary(const std::string& name, std::string text) { summaries_[name] = std::move(text); }

std::string HelpFormatter::make_description(const CLI::App* app) const {
  std::string desc = CLI::Formatter::make_description(app);
  return desc.empty() ? desc : fill_prose(desc, kHelpWidth) + "\n";  // a blank line before Usage
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
  std::string footer = app->get_footer();
  return footer.empty() ? footer : fill_prose(footer, kHelpWidth);
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const {
  auto it = summaries_.find(sub->get_name());
  return entry(sub->get_display_name(true),
               it != summaries_.end() ? it->second : first_sentence(sub->get_description()));
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
  return entry(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
}

std::string fill_prose(std::string_view text, std::size_t width) {
  std::string out, paragraph;
  auto flush = [&] {
    for (const auto& line : wrap_words(paragraph, width)) out += line + "\n";
    paragraph.clear();
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(' ') == std::string_view::npos) {
      flush();
      out += "\n";
    } else if (line.front() == ' ') {
      flush();
      out += std::string(line) + "\n";
    } else {
      if (opens_with_label(line)) flush();
      paragraph += (paragraph.empty() ? "" : " ") + std::string(line);
    }
  }
  flush();
  return out;
}

std::string first_sentence(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.' && text[i] != '?') continue;
    if (i + 1 == text.size()) return std::string(text.substr(0, i + 1));
    if ((text[i + 1] == ' ' || text[i + 1] == '\n') && i + 2 < text.size() &&
        std::isupper(static_cast<unsigned char>(text[i + 2])) != 0) {
      return std::string(text.substr(0, i + 1));
    }
  }
  return std::string(text);
}

}  // namespace tlsmatrix::cli

// One layout for every --help, made for an 80-column terminal or CI log: descriptions and footers
// filled to the width (a line opening with a label such as "Exit codes:" starts a paragraph,
// indented lines such as examples stay as written), option and subcommand descriptions in one column with their
// continuation lines in that same column, an option's spec wrapped under itself when it is long,
// and a parent's list of subcommands giving each a summary rather than its whole description.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace tlsmatrix::cli {

inline constexpr std::size_t kHelpWidth = 80;
inline constexpr std::size_t kHelpColumn = 30;  // where descriptions start (CLI11's default)

class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter();

  // What a parent's list says about subcommand `name`; without one, its description's first
  // sentence.
  void summary(const std::string& name, std::string text);

  std::string make_description(const CLI::App* app) const override;
  std::string make_footer(const CLI::App* app) const override;
  std::string make_subcommand(const CLI::App* sub) const override;
  std::string make_option(const CLI::Option* opt, bool is_positional) const override;

 private:
  std::map<std::string, std::string> summaries_;
};

// `text` filled to `width`: lines are joined into paragraphs and wrapped again, whatever width the
// author wrapped them at. A blank line, an indented line (kept as written: examples, lists) and a
// line opening with a short capitalised label ("Exit codes: ...") start a new paragraph.
std::string fill_prose(std::string_view text, std::size_t width);

// Up to the first '.' or '?' that ends a sentence (followed by a space and a capital, or the end).
std::string first_sentence(std::string_view text);

}  // namespace tlsmatrix::cli

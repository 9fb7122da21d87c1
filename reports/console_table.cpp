#include "reports/console_table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "reports/grid.h"
#include "reports/summary.h"
#include "reports/text_util.h"

namespace tlsmatrix::reports {

ConsoleOptions detect_console_options(int fd) {
  ConsoleOptions options;
  const char* term = std::getenv("TERM");
  const char* no_color = std::getenv("NO_COLOR");
  bool dumb = term != nullptr && std::string_view(term) == "dumb";
  bool tty = ::isatty(fd) == 1;
  options.color = tty && !dumb && (no_color == nullptr || *no_color == '\0');
  options.ascii = dumb;
  struct winsize ws {};
  if (tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    options.width = std::max<std::size_t>(60, ws.ws_col);
  }
  return options;
}

namespace {

constexpr std::string_view kGreen = "\033[32m";
constexpr std::string_view kRed = "\033[31m";
constexpr std::string_view kBoldRed = "\033[1;31m";
constexpr std::string_view kBold = "\033[1m";
constexpr std::string_view kDim = "\033[2m";
constexpr std::string_view kReset = "\033[0m";

constexpr std::size_t kGroupGap = 2;     // between the name column and mode groups, and groups
constexpr std::size_t kMinNameWidth = 16;

class Painter {
 public:
  explicit Painter(const ConsoleOptions& o) : o_(o) {}
  std::string paint(std::string_view code, std::string_view text) const {
    if (!o_.color || text.empty()) return std::string(text);
    return std::string(code) + std::string(text) + std::string(kReset);
  }
  std::string_view ok() const { return o_.ascii ? "ok" : "✓"; }
  std::string_view bad() const { return o_.ascii ? "XX" : "✗"; }
  std::string_view none() const { return "-"; }
  std::string_view ellipsis() const { return o_.ascii ? "..." : "…"; }

 private:
  const ConsoleOptions& o_;
};

// Makes a piece of untrusted text safe and single-line; in ASCII mode non-ASCII becomes '?' so a
// dumb terminal shows no mojibake.
std::string safe(std::string_view text, bool ascii) {
  std::string line = one_line(text);
  if (!ascii) return line;
  std::string out;
  for (std::size_t pos = 0; pos < line.size();) {
    char32_t cp = next_code_point(line, pos).value_or(kReplacementChar);
    out += cp < 0x80 ? static_cast<char>(cp) : '?';
  }
  return out;
}

void write_table(std::ostringstream& out, const Grid& grid, const ConsoleOptions& o,
                 const Painter& p) {
  const auto& profiles = grid.profiles();
  const bool sub_columns = profiles.size() > 1;
  const std::size_t mark_width = display_width(p.ok());

  std::vector<std::size_t> sub_width;
  std::size_t group_content = 0;
  for (const auto& profile : profiles) {
    std::size_t w = mark_width;
    if (sub_columns) w = std::max(w, display_width(safe(short_profile_name(profile), o.ascii)));
    sub_width.push_back(w);
    group_content += w;
  }
  if (!profiles.empty()) group_content += profiles.size() - 1;

  std::vector<std::string> mode_titles;
  std::vector<std::size_t> group_width;
  std::size_t groups_total = 0;
  for (int mode : grid.modes()) {
    mode_titles.push_back("mode " + std::to_string(mode));
    group_width.push_back(std::max(group_content, mode_titles.back().size()));
    groups_total += kGroupGap + group_width.back();
  }

  std::size_t name_width = display_width("scenario");
  for (const auto& row : grid.rows()) {
    name_width = std::max(name_width, display_width(safe(row.scenario, o.ascii)));
  }
  if (name_width + groups_total > o.width) {
    name_width = std::max(kMinNameWidth, o.width > groups_total ? o.width - groups_total : 0);
  }

  auto gap = std::string(kGroupGap, ' ');
  std::string header = pad_to_width("scenario", name_width);
  for (std::size_t g = 0; g < mode_titles.size(); ++g) {
    header += gap + pad_to_width(mode_titles[g], group_width[g]);
  }
  out << p.paint(kBold, header.substr(0, header.find_last_not_of(' ') + 1)) << "\n";
  if (sub_columns) {
    std::string labels;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      if (i > 0) labels += ' ';
      labels += pad_to_width(safe(short_profile_name(profiles[i]), o.ascii), sub_width[i]);
    }
    std::string line(name_width, ' ');
    for (std::size_t g = 0; g < mode_titles.size(); ++g) {
      line += gap + pad_to_width(labels, group_width[g]);
    }
    out << p.paint(kDim, line.substr(0, line.find_last_not_of(' ') + 1)) << "\n";
  }

  for (std::size_t r = 0; r < grid.rows().size(); ++r) {
    std::string name = truncate_to_width(safe(grid.rows()[r].scenario, o.ascii), name_width,
                                         p.ellipsis());
    std::string line = pad_to_width(name, name_width);
    for (std::size_t g = 0; g < grid.modes().size(); ++g) {
      line += gap;
      std::size_t used = 0;
      for (std::size_t i = 0; i < profiles.size(); ++i) {
        if (i > 0) line += ' ', ++used;
        const CellResult* cell = grid.find(r, grid.modes()[g], profiles[i]);
        std::string_view mark = cell == nullptr ? p.none() : cell->match ? p.ok() : p.bad();
        std::string_view colour = cell == nullptr ? kDim : cell->match ? kGreen : kBoldRed;
        line += p.paint(colour, mark);
        std::size_t w = display_width(mark);
        line.append(sub_width[i] - w, ' ');
        used += sub_width[i];
      }
      // The last group's padding would only be trailing spaces.
      if (g + 1 < grid.modes().size()) line.append(group_width[g] - used, ' ');
    }
    out << line.substr(0, line.find_last_not_of(' ') + 1) << "\n";
  }
}

void write_mismatches(std::ostringstream& out, const RunResult& run, const ConsoleOptions& o,
                      const Painter& p) {
  int count = run.mismatched();
  if (count == 0) return;
  out << "\n" << p.paint(kBold, "Mismatches (" + std::to_string(count) + "):") << "\n";
  for (const auto& cell : run.cells) {
    if (cell.match) continue;
    out << p.paint(kBoldRed, p.bad()) << " " << safe(cell.scenario, o.ascii) << "  mode "
        << cell.mode << "  " << safe(cell.profile, o.ascii) << ": "
        << p.paint(kRed, safe(cell.mismatch_text(), o.ascii)) << "\n";
    std::istringstream lines(cell.detail);
    for (std::string line; std::getline(lines, line);) {
      std::string text = safe(line, o.ascii);
      if (!text.empty()) out << "    " << text << "\n";
    }
  }
}

// Prose (notes) wraps at the table width with a hanging indent; server messages in details do
// not, so they stay greppable in CI logs.
void write_wrapped(std::ostringstream& out, std::string_view first, std::string_view rest,
                   const std::string& text, std::size_t width) {
  std::size_t room = width > first.size() + 20 ? width - first.size() : 20;
  auto lines = wrap_words(text, room);
  for (std::size_t i = 0; i < lines.size(); ++i) out << (i == 0 ? first : rest) << lines[i] << "\n";
}

}  // namespace

std::string render_console_report(const RunResult& run, const ConsoleOptions& options) {
  Painter p(options);
  std::ostringstream out;
  Grid grid(run);
  if (!grid.rows().empty()) write_table(out, grid, options, p);
  write_mismatches(out, run, options, p);
  if (!run.portability.empty()) {
    out << "\n" << p.paint(kBold, "Portability:") << "\n";
    for (const auto& note : run.portability) {
      write_wrapped(out, "  ", "    ",
                    safe(note.scenario, options.ascii) + " (mode " + std::to_string(note.mode) +
                        "): " + safe(note.text, options.ascii),
                    options.width);
    }
  }
  if (!run.notes.empty()) {
    out << "\n" << p.paint(kBold, "Notes:") << "\n";
    for (const auto& note : run.notes) {
      write_wrapped(out, "  - ", "    ", safe(note, options.ascii), options.width);
    }
  }
  out << "\n"
      << p.paint(run.mismatched() == 0 ? kGreen : kBoldRed, safe(summary_line(run), options.ascii))
      << "\n";
  return out.str();
}

}  // namespace tlsmatrix::reports

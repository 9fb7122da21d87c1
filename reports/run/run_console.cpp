#include "reports/run/run_console.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "reports/common/text_util.h"
#include "reports/run/grid.h"
#include "reports/run/summary.h"
#include "reports/run/verdict_codes.h"

namespace tlsmatrix::reports {

namespace {

constexpr std::string_view kGreen = "\033[32m";
constexpr std::string_view kRed = "\033[31m";
constexpr std::string_view kBoldRed = "\033[1;31m";
constexpr std::string_view kBold = "\033[1m";
constexpr std::string_view kDim = "\033[2m";
constexpr std::string_view kReset = "\033[0m";

constexpr std::size_t kGroupGap = 2;     // between the name column and mode groups, and groups
// Below this the names would be cut past recognition: the grid is then split into one table
// per mode instead.
constexpr std::size_t kMinNameWidth = 20;

class Painter {
 public:
  explicit Painter(const ConsoleOptions& o) : o_(o) {}
  std::string paint(std::string_view code, std::string_view text) const {
    if (!o_.color || text.empty()) return std::string(text);
    return std::string(code) + std::string(text) + std::string(kReset);
  }
  std::string_view bad() const { return o_.ascii ? "XX" : "✗"; }
  std::string_view ellipsis() const { return o_.ascii ? "..." : "…"; }
  // Marks a grid cell that did not match (one column).
  std::string_view mismatch() const { return o_.ascii ? "!" : "✗"; }

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
    char32_t cp = io::next_code_point(line, pos).value_or(io::kReplacementChar);
    out += cp < 0x80 ? static_cast<char>(cp) : '?';
  }
  return out;
}

// A cell is a one-column marker slot (✗ when the cell did not match, blank when it did) and its
// code padded to the widest code; the profile labels sit over the codes. The blank slot is the
// space between two cells, which leaves the names 6 more columns at 3 modes x 3 profiles.
constexpr std::size_t kCellWidth = 1 + kMaxCodeWidth;

struct TableLayout {
  std::vector<std::size_t> sub_width;  // per profile: marker slot + code or label
  std::size_t group_width = 0;         // one mode's cells
  std::size_t name_width = 0;
};

TableLayout layout_for(const Grid& grid, const std::vector<int>& modes, const ConsoleOptions& o) {
  TableLayout l;
  const bool sub_columns = grid.profiles().size() > 1;
  for (const auto& profile : grid.profiles()) {
    std::size_t w = kCellWidth;
    if (sub_columns) w = std::max(w, 1 + display_width(safe(short_profile_name(profile), o.ascii)));
    l.sub_width.push_back(w);
    l.group_width += w;
  }
  l.group_width = std::max(l.group_width, display_width("mode 0"));
  const std::size_t groups_total = modes.size() * (kGroupGap + l.group_width);
  l.name_width = display_width("scenario");
  for (const auto& row : grid.rows()) {
    l.name_width = std::max(l.name_width, display_width(safe(row.scenario, o.ascii)));
  }
  if (l.name_width + groups_total > o.width) {
    l.name_width = std::max(kMinNameWidth, o.width > groups_total ? o.width - groups_total : 0);
  }
  return l;
}

std::string trim_right(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

void write_cell(std::string& line, const runner::CellResult* cell, std::size_t width, const Painter& p) {
  std::string text;
  if (cell == nullptr) {
    text = " " + p.paint(kDim, "-");
  } else if (!cell->match) {
    text = p.paint(kBoldRed, std::string(p.mismatch()) + verdict_code(cell->actual));
  } else if (cell->actual.outcome == verdict::Outcome::pass) {
    text = " " + p.paint(kGreen, verdict_code(cell->actual));
  } else {
    text = " " + verdict_code(cell->actual);  // failed as expected: plain, the eye goes to red
  }
  std::size_t w = 1 + (cell == nullptr ? 1 : verdict_code(cell->actual).size());
  line += text;
  line.append(width > w ? width - w : 0, ' ');
}

// The grid for `modes` (all of the run's, or one when the terminal is too narrow for all).
void write_table(std::ostringstream& out, const Grid& grid, const std::vector<int>& modes,
                 const ConsoleOptions& o, const Painter& p) {
  const auto& profiles = grid.profiles();
  const TableLayout l = layout_for(grid, modes, o);
  const auto gap = std::string(kGroupGap, ' ');

  std::string header = pad_to_width("scenario", l.name_width);
  for (int mode : modes) header += gap + pad_to_width("mode " + std::to_string(mode), l.group_width);
  out << p.paint(kBold, trim_right(header)) << "\n";
  if (profiles.size() > 1) {
    std::string labels;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      labels += pad_to_width(" " + safe(short_profile_name(profiles[i]), o.ascii), l.sub_width[i]);
    }
    std::string line(l.name_width, ' ');
    for (std::size_t g = 0; g < modes.size(); ++g) line += gap + pad_to_width(labels, l.group_width);
    out << p.paint(kDim, trim_right(line)) << "\n";
  }

  for (std::size_t r = 0; r < grid.rows().size(); ++r) {
    std::string name = truncate_to_width(safe(grid.rows()[r].scenario, o.ascii), l.name_width,
                                         p.ellipsis());
    std::string line = pad_to_width(name, l.name_width);
    for (int mode : modes) {
      line += gap;
      std::size_t used = 0;
      for (std::size_t i = 0; i < profiles.size(); ++i) {
        write_cell(line, grid.find(r, mode, profiles[i]), l.sub_width[i], p);
        used += l.sub_width[i];
      }
      line.append(l.group_width - used, ' ');
    }
    out << trim_right(line) << "\n";
  }
}

// Items ("HOST=hostname_mismatch") joined with ", " and wrapped between items, never inside one.
void write_items(std::ostringstream& out, std::string_view first, const std::vector<std::string>& items,
                 std::size_t width) {
  const std::string indent(display_width(first), ' ');
  std::string line(first);
  std::size_t line_width = display_width(first);
  bool empty = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    std::size_t w = display_width(item);
    if (!empty && line_width + 1 + w > width) {
      out << line << "\n";
      line = indent;
      line_width = indent.size();
      empty = true;
    }
    if (!empty) line += ' ', ++line_width;
    line += item;
    line_width += w;
    empty = false;
  }
  out << line << "\n";
}

void write_legend(std::ostringstream& out, const runner::RunResult& run, const Grid& grid,
                  const ConsoleOptions& o, const Painter& p) {
  CodeLegend legend;
  for (const auto& cell : run.cells) legend.add(cell.actual);
  std::vector<std::string> items;
  for (const auto& e : legend.entries()) items.push_back(e.code + "=" + e.meaning);
  if (run.mismatched() > 0) {
    items.push_back(std::string(p.mismatch()) + "=not as expected (see Mismatches)");
  }
  if (run.cells.size() < grid.rows().size() * grid.modes().size() * grid.profiles().size()) {
    items.push_back("-=not run");
  }
  for (auto& item : server_legend(grid)) items.push_back(std::move(item));
  write_items(out, "Legend: ", items, o.width);
}

void write_mismatches(std::ostringstream& out, const runner::RunResult& run, const ConsoleOptions& o,
                      const Painter& p) {
  int count = run.mismatched();
  if (count == 0) return;
  out << "\n" << p.paint(kBold, "Mismatches (" + std::to_string(count) + "):") << "\n";
  for (const auto& cell : run.cells) {
    if (cell.match) continue;
    out << p.paint(kBoldRed, p.bad()) << " " << safe(cell.scenario, o.ascii) << "  mode "
        << cell.mode << "  " << safe(profile_and_server(cell), o.ascii) << ": "
        << p.paint(kRed, safe(cell.mismatch_text(), o.ascii)) << "\n";
    std::istringstream lines(cell.detail);
    for (std::string line; std::getline(lines, line);) {
      std::string text = safe(line, o.ascii);
      if (!text.empty()) out << "    " << text << "\n";
    }
  }
}

bool fits_one_table(const Grid& grid, const ConsoleOptions& o) {
  if (grid.modes().size() <= 1) return true;
  const TableLayout l = layout_for(grid, grid.modes(), o);
  const std::size_t groups_total = grid.modes().size() * (kGroupGap + l.group_width);
  return kMinNameWidth + groups_total <= o.width;
}

// Prose (notes) wraps at the table width with a hanging indent; server messages in details do
// not, so they stay greppable in CI logs.
void write_wrapped(std::ostringstream& out, std::string_view first, std::string_view rest,
                   const std::string& text, std::size_t width) {
  std::size_t indent = std::max(display_width(first), display_width(rest));
  std::size_t room = width > indent + 20 ? width - indent : 20;
  auto lines = wrap_words(text, room);
  for (std::size_t i = 0; i < lines.size(); ++i) out << (i == 0 ? first : rest) << lines[i] << "\n";
}

}  // namespace

std::string render_console_report(const runner::RunResult& run, const ConsoleOptions& options) {
  Painter p(options);
  std::ostringstream out;
  Grid grid(run);
  if (!grid.rows().empty()) {
    if (fits_one_table(grid, options)) {
      write_table(out, grid, grid.modes(), options, p);
    } else {
      for (std::size_t g = 0; g < grid.modes().size(); ++g) {
        if (g > 0) out << "\n";
        write_table(out, grid, {grid.modes()[g]}, options, p);
      }
    }
    out << "\n";
    write_legend(out, run, grid, options, p);
  }
  write_mismatches(out, run, options, p);
  if (!run.portability.empty()) {
    out << "\n" << p.paint(kBold, "Portability:") << "\n";
    for (const auto& note : group_by_modes(run.portability)) {
      write_wrapped(out, "  ", "    ",
                    safe(note.scenario, options.ascii) + " (" + modes_label(note.modes) + "): " +
                        safe(note.text, options.ascii),
                    options.width);
    }
  }
  if (!run.notes.empty()) {
    out << "\n" << p.paint(kBold, "Notes:") << "\n";
    for (const auto& note : run.notes) {
      write_wrapped(out, "  - ", "    ", safe(note, options.ascii), options.width);
    }
  }
  out << "\n";
  // The summary wraps too (it names every mode and profile), each line coloured on its own.
  std::string_view colour = run.mismatched() == 0 ? kGreen : kBoldRed;
  auto lines = wrap_words(safe(summary_line(run), options.ascii), options.width - 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << (i == 0 ? "" : "  ") << p.paint(colour, lines[i]) << "\n";
  }
  return out.str();
}

}  // namespace tlsmatrix::reports

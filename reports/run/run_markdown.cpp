#include "reports/run/run_markdown.h"

#include <algorithm>
#include <sstream>

#include "reports/common/markup_escape.h"
#include "reports/common/text_util.h"
#include "reports/run/grid.h"
#include "reports/run/summary.h"
#include "reports/run/verdict_codes.h"

namespace tlsmatrix::reports {

namespace {
// GitHub caps a step summary at 1 MiB; a run where everything fails should still fit.
constexpr std::size_t kMaxMismatchRows = 200;
constexpr std::size_t kDetailWidth = 300;
// About 150 bytes a row: the grid stays under a third of that cap.
constexpr std::size_t kMaxGridRows = 2000;

std::string code(std::string_view text) { return "`" + std::string(text) + "`"; }

// The detail's lines, shortened as a whole, escaped one by one and joined with <br> (which GitHub
// renders inside a table cell, where a newline would end the row).
std::string detail_cell(std::string_view detail) {
  std::string joined;
  std::size_t start = 0;
  while (start <= detail.size()) {
    std::size_t end = detail.find('\n', start);
    if (end == std::string_view::npos) end = detail.size();
    std::string line = one_line(detail.substr(start, end - start));
    if (!line.empty()) joined += (joined.empty() ? "" : "\n") + line;
    start = end + 1;
  }
  joined = truncate_to_width(joined, kDetailWidth);
  std::string out;
  start = 0;
  while (start <= joined.size()) {
    std::size_t end = joined.find('\n', start);
    if (end == std::string::npos) end = joined.size();
    out += (start == 0 ? "" : "<br>") + escape_markdown(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}
std::string code_cell(const runner::CellResult* cell) {
  if (cell == nullptr) return "–";
  std::string got = code(verdict_code(cell->actual));
  if (cell->match) return got;
  return "✗ " + got + " (want " + code(verdict_code(cell->expected)) + ")";
}

// Every cell, with its code, under a legend of the codes used; folded away when everything
// matched (the counts above say so), open when something did not.
void write_grid(std::ostringstream& out, const runner::RunResult& run, const Grid& grid) {
  CodeLegend codes;
  for (const auto& cell : run.cells) {
    codes.add(cell.actual);
    if (!cell.match) codes.add(cell.expected);
  }
  out << (run.mismatched() > 0 ? "<details open>" : "<details>")
      << "<summary>Every cell: " << grid.rows().size() << " scenarios × mode × profile</summary>\n\n";
  out << "Legend:";
  for (const auto& e : codes.entries()) {
    out << " " << code(e.code) << " " << escape_markdown(e.meaning) << " ·";
  }
  out << " ✗ not as expected (what happened, then what the scenario expects)";
  for (const auto& item : server_legend(grid)) out << " · " << escape_markdown(item);
  out << "\n\n";
  out << "| scenario |";
  for (int mode : grid.modes()) {
    for (const auto& profile : grid.profiles()) {
      out << " mode " << mode << "<br>" << escape_markdown(short_profile_name(profile)) << " |";
    }
  }
  out << "\n| --- |";
  for (std::size_t i = 0; i < grid.modes().size() * grid.profiles().size(); ++i) out << " :-: |";
  out << "\n";
  const std::size_t rows = std::min(grid.rows().size(), kMaxGridRows);
  for (std::size_t r = 0; r < rows; ++r) {
    out << "| " << escape_markdown(grid.rows()[r].scenario) << " |";
    for (int mode : grid.modes()) {
      for (const auto& profile : grid.profiles()) {
        out << " " << code_cell(grid.find(r, mode, profile)) << " |";
      }
    }
    out << "\n";
  }
  if (rows < grid.rows().size()) {
    out << "\n…and " << (grid.rows().size() - rows)
        << " more scenarios; the JSON and JUnit reports list every cell.\n";
  }
  out << "\n</details>\n\n";
}
}  // namespace

std::string render_markdown_report(const runner::RunResult& run) {
  Grid grid(run);
  std::ostringstream out;
  const int total = static_cast<int>(run.cells.size());
  const int bad = run.mismatched();
  if (bad == 0) {
    out << "## ✅ tlsmatrix: " << run.matched() << "/" << total << " cells as expected\n\n";
  } else {
    out << "## ❌ tlsmatrix: " << bad << " of " << total << " cells mismatched\n\n";
  }
  out << escape_markdown(summary_line(run)) << "\n\n";

  if (!grid.rows().empty()) {
    out << "| mode |";
    for (const auto& profile : grid.profiles()) out << " " << escape_markdown(profile) << " |";
    out << "\n| --- |";
    for (std::size_t i = 0; i < grid.profiles().size(); ++i) out << " ---: |";
    out << "\n";
    for (int mode : grid.modes()) {
      out << "| " << mode << " |";
      for (const auto& profile : grid.profiles()) {
        int cells = 0, matched = 0;
        for (const auto& cell : run.cells) {
          if (cell.mode != mode || column_key(cell, grid.several_servers()) != profile) continue;
          ++cells;
          matched += cell.match ? 1 : 0;
        }
        out << " " << matched << "/" << cells << (matched == cells ? "" : " ❌") << " |";
      }
      out << "\n";
    }
    out << "\n";
    write_grid(out, run, grid);
  }

  if (bad > 0) {
    out << "### Mismatches\n\n";
    out << "| scenario | mode | profile | expected | actual | mismatch | detail |\n";
    out << "| --- | ---: | --- | --- | --- | --- | --- |\n";
    std::size_t rows = 0;
    for (const auto& cell : run.cells) {
      if (cell.match) continue;
      if (rows++ == kMaxMismatchRows) break;
      out << "| " << escape_markdown(cell.scenario) << " | " << cell.mode << " | "
          << escape_markdown(profile_and_server(cell)) << " | " << code(describe(cell.expected)) << " | "
          << code(describe(cell.actual)) << " | " << escape_markdown(cell.mismatch_text())
          << " | " << detail_cell(cell.detail)
          << " |\n";
    }
    if (rows > kMaxMismatchRows) {
      out << "\n…and " << (bad - static_cast<int>(kMaxMismatchRows))
          << " more; the JSON and JUnit reports list them all.\n";
    }
    out << "\n";
  }

  if (!run.portability.empty()) {
    out << "### Portability\n\n";
    for (const auto& note : group_by_modes(run.portability)) {
      out << "- **" << escape_markdown(note.scenario) << "**, " << modes_label(note.modes) << ": "
          << escape_markdown(note.text) << "\n";
    }
    out << "\n";
  }
  out << markdown_notes(run.notes);
  return out.str();
}

}  // namespace tlsmatrix::reports

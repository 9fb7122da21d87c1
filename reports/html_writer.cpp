#include "reports/html_writer.h"

#include <sstream>

#include "reports/grid.h"
#include "reports/markup_escape.h"
#include "reports/summary.h"
#include "reports/text_util.h"

namespace tlsmatrix::reports {

namespace {

constexpr std::string_view kStyle = R"css(
:root { --ok: #1a7f37; --ok-bg: #e6f6ea; --bad: #cf222e; --bad-bg: #ffebe9; --muted: #59636e;
        --border: #d1d9e0; --head: #f6f8fa; --text: #1f2328; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); background: #fff;
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px; }
h1 { margin: 0; font-size: 22px; }
h2 { margin: 28px 0 10px; font-size: 18px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
code, pre, .name { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
.status { padding: 16px 20px; border-radius: 8px; border: 1px solid; }
.status.ok { background: var(--ok-bg); border-color: #a6e3b4; }
.status.bad { background: var(--bad-bg); border-color: #ffc1bc; }
.status .meta { margin: 4px 0 0; color: var(--muted); }
.counts { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0 0; }
.count { border: 1px solid var(--border); border-radius: 6px; padding: 6px 14px; min-width: 110px; }
.count b { display: block; font-size: 20px; }
.count.bad b { color: var(--bad); }
.count.ok b { color: var(--ok); }
.legend { color: var(--muted); margin: 0 0 8px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
table.grid th, table.grid td { border: 1px solid var(--border); padding: 2px 8px; }
table.grid thead th { background: var(--head); font-weight: 600; text-align: center; white-space: nowrap; }
table.grid thead th.scenario { text-align: left; vertical-align: bottom; }
table.grid tbody th { text-align: left; font-weight: normal; white-space: nowrap;
                      max-width: 420px; overflow: hidden; text-overflow: ellipsis; }
table.grid tbody tr:nth-child(even) th { background: #fafbfc; }
table.grid td { text-align: center; min-width: 44px; font-size: 15px; }
table.grid .first { border-left: 2px solid #818b98; }
td.ok.pass { background: #d5f2dc; color: var(--ok); }
td.ok.fail { background: #f3faf5; color: var(--ok); }
td.bad { background: var(--bad); font-weight: bold; }
td.bad a { color: #fff; text-decoration: none; display: block; }
table.grid tbody tr:hover th, table.grid tbody tr:hover td { filter: brightness(0.94); }
.swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid var(--border);
          vertical-align: -1px; margin: 0 3px 0 10px; }
td.none { color: var(--muted); background: #fff; }
.mismatch { border: 1px solid #ffc1bc; border-left: 4px solid var(--bad); border-radius: 6px;
            padding: 8px 12px; margin: 10px 0; }
.mismatch h3 { margin: 0; font-size: 14px; }
.mismatch h3 .why { color: var(--bad); }
.mismatch dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 6px 0; }
.mismatch dt { color: var(--muted); }
.mismatch dd { margin: 0; }
pre { background: var(--head); border-radius: 6px; padding: 8px 10px; margin: 6px 0 0;
      white-space: pre-wrap; overflow-wrap: anywhere; }
ul { padding-left: 22px; }
li { margin: 3px 0; }
footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
)css";

std::string esc(std::string_view text) { return escape_xml_text(text); }
std::string attr(std::string_view text) { return escape_xml_attr(text); }

std::string cell_tooltip(const CellResult& cell) {
  std::string tip = cell.scenario + "  mode " + std::to_string(cell.mode) + "  " + cell.profile +
                    "\nexpected: " + describe(cell.expected) + "\nactual:   " +
                    describe(cell.actual);
  if (!cell.match) tip += "\n" + cell.mismatch_text();
  if (!cell.detail.empty()) tip += "\n\n" + cell.detail;
  return tip;
}

void write_counts(std::ostringstream& out, const RunResult& run, const Grid& grid) {
  auto box = [&](std::string_view cls, std::string_view label, const std::string& value) {
    out << "<div class=\"count " << cls << "\"><b>" << esc(value) << "</b>" << label << "</div>";
  };
  out << "<div class=\"counts\">";
  box("", "cells", std::to_string(run.cells.size()));
  box(run.matched() > 0 ? "ok" : "", "matched", std::to_string(run.matched()));
  box(run.mismatched() > 0 ? "bad" : "", "mismatched", std::to_string(run.mismatched()));
  box("", "scenarios", std::to_string(grid.rows().size()));
  box("", "wall time", format_fixed(run.wall_ms / 1000.0, 1) + " s");
  out << "</div>\n";
}

std::string anchor(const RunResult& run, const CellResult& cell) {
  return "cell-" + std::to_string(&cell - run.cells.data());
}

void write_grid(std::ostringstream& out, const RunResult& run, const Grid& grid) {
  const auto& profiles = grid.profiles();
  const bool sub_columns = profiles.size() > 1;
  out << "<h2>Results</h2>\n<p class=\"legend\">"
         "<span class=\"swatch\" style=\"background:#d5f2dc\"></span>✓ passed, as expected"
         "<span class=\"swatch\" style=\"background:#f3faf5\"></span>✓ failed for the "
         "expected reason<span class=\"swatch\" style=\"background:#cf222e\"></span>✗ "
         "mismatch (links to its details) · – not run. Hover a cell for the expected and "
         "actual verdicts and what both ends said.</p>\n<div class=\"scroll\"><table class=\"grid\">\n<thead><tr>"
      << "<th class=\"scenario\"" << (sub_columns ? " rowspan=\"2\"" : "") << ">scenario</th>";
  for (int mode : grid.modes()) {
    out << "<th class=\"first\" colspan=\"" << profiles.size() << "\">mode " << mode << "</th>";
  }
  out << "</tr>\n";
  if (sub_columns) {
    out << "<tr>";
    for (std::size_t g = 0; g < grid.modes().size(); ++g) {
      for (std::size_t i = 0; i < profiles.size(); ++i) {
        out << "<th" << (i == 0 ? " class=\"first\"" : "") << ">" << esc(profiles[i]) << "</th>";
      }
    }
    out << "</tr>\n";
  }
  out << "</thead>\n<tbody>\n";
  for (std::size_t r = 0; r < grid.rows().size(); ++r) {
    const GridRow& row = grid.rows()[r];
    std::string row_tip = row.summary.empty() ? row.file : row.summary + "\n" + row.file;
    out << "<tr><th class=\"name\" title=\"" << attr(row_tip) << "\">" << esc(one_line(row.scenario))
        << "</th>";
    for (int mode : grid.modes()) {
      for (std::size_t i = 0; i < profiles.size(); ++i) {
        std::string first = i == 0 ? " first" : "";
        const CellResult* cell = grid.find(r, mode, profiles[i]);
        if (cell == nullptr) {
          out << "<td class=\"none" << first << "\">–</td>";
        } else if (cell->match) {
          std::string kind = cell->actual.outcome == Outcome::pass ? " pass" : " fail";
          out << "<td class=\"ok" << kind << first << "\" title=\"" << attr(cell_tooltip(*cell))
              << "\">✓</td>";
        } else {
          out << "<td class=\"bad" << first << "\"><a href=\"#" << anchor(run, *cell)
              << "\" title=\"" << attr(cell_tooltip(*cell)) << "\">✗</a></td>";
        }
      }
    }
    out << "</tr>\n";
  }
  out << "</tbody></table></div>\n";
}

void write_mismatches(std::ostringstream& out, const RunResult& run) {
  if (run.mismatched() == 0) return;
  out << "<h2>Mismatches (" << run.mismatched() << ")</h2>\n";
  for (const auto& cell : run.cells) {
    if (cell.match) continue;
    out << "<div class=\"mismatch\" id=\"" << anchor(run, cell) << "\"><h3>✗ <span class=\"name\">"
        << esc(one_line(cell.scenario)) << "</span> · mode " << cell.mode << " · " << esc(cell.profile)
        << ": <span class=\"why\">" << esc(cell.mismatch_text()) << "</span></h3>\n<dl>"
        << "<dt>expected</dt><dd><code>" << esc(describe(cell.expected)) << "</code></dd>"
        << "<dt>actual</dt><dd><code>" << esc(describe(cell.actual)) << "</code></dd>";
    if (!cell.summary.empty()) out << "<dt>scenario</dt><dd>" << esc(cell.summary) << "</dd>";
    out << "<dt>file</dt><dd><code>" << esc(cell.scenario_file) << "</code></dd></dl>\n";
    if (!cell.detail.empty()) out << "<pre>" << esc(valid_utf8(cell.detail)) << "</pre>\n";
    out << "</div>\n";
  }
}

void write_notes(std::ostringstream& out, const RunResult& run) {
  if (!run.portability.empty()) {
    out << "<h2>Portability</h2>\n<p class=\"legend\">Where client profiles disagree about the "
           "same server.</p>\n<ul>\n";
    for (const auto& note : run.portability) {
      out << "<li><span class=\"name\">" << esc(one_line(note.scenario)) << "</span>, mode " << note.mode
          << ": " << esc(note.text) << "</li>\n";
    }
    out << "</ul>\n";
  }
  if (!run.notes.empty()) {
    out << "<h2>Notes</h2>\n<ul>\n";
    for (const auto& note : run.notes) out << "<li>" << esc(note) << "</li>\n";
    out << "</ul>\n";
  }
}

}  // namespace

std::string render_html_report(const RunResult& run) {
  Grid grid(run);
  const bool ok = run.mismatched() == 0;
  std::string status = ok ? "✓ " + std::to_string(run.matched()) + "/" +
                                std::to_string(run.cells.size()) + " cells as expected"
                          : "✗ " + std::to_string(run.mismatched()) + " of " +
                                std::to_string(run.cells.size()) + " cells mismatched";
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << esc(run.tool + ": " + status.substr(status.find(' ') + 1)) << "</title>\n"
      << "<style>" << kStyle << "</style>\n</head>\n<body>\n<main>\n"
      << "<header class=\"status " << (ok ? "ok" : "bad") << "\"><h1>" << esc(run.tool) << ": "
      << esc(status) << "</h1>\n<p class=\"meta\">" << esc(summary_line(run));
  if (!run.started.empty()) out << " · started " << esc(run.started);
  out << "</p></header>\n";
  write_counts(out, run, grid);
  if (!grid.rows().empty()) write_grid(out, run, grid);
  write_mismatches(out, run);
  write_notes(out, run);
  out << "<footer>" << esc(run.tool) << " " << esc(run.version)
      << " · cells are scenario × tlsMode × client profile</footer>\n</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace tlsmatrix::reports

#include "reports/run/run_html.h"

#include <sstream>

#include "reports/common/markup_escape.h"
#include "reports/common/text_util.h"
#include "reports/run/grid.h"
#include "reports/run/summary.h"
#include "reports/run/verdict_codes.h"

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
table.grid tbody th { text-align: left; font-weight: normal; max-width: 360px; overflow-wrap: anywhere; }
table.grid tbody tr:nth-child(even) th { background: #fafbfc; }
table.grid td { text-align: center; min-width: 52px; font: 600 13px/1.3 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace; }
table.grid .first { border-left: 2px solid #818b98; }
td.pass { background: #d5f2dc; color: var(--ok); }
td.fail { background: #eef1f4; color: var(--text); }
td.bad { background: var(--bad); color: #fff; }
td.bad a { color: #fff; text-decoration: none; display: block; }
td small, .key small { display: block; font-weight: normal; font-size: 11px; white-space: nowrap; }
td.none { color: var(--muted); background: #fff; font-weight: normal; }
table.grid tbody tr:hover th, table.grid tbody tr:hover td { filter: brightness(0.94); }
.key { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 10px; padding: 0; list-style: none; }
.key li { margin: 0; display: flex; align-items: center; gap: 6px; }
.key .chip { display: inline-block; min-width: 44px; padding: 1px 6px; text-align: center;
             border: 1px solid var(--border); font: 600 13px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; }
.key .chip.pass { background: #d5f2dc; color: var(--ok); }
.key .chip.fail { background: #eef1f4; }
.key .chip.bad { background: var(--bad); color: #fff; }
.codes { margin: 0 0 10px; padding: 0; list-style: none; columns: 3 220px; column-gap: 24px; }
.codes li { margin: 0 0 2px; break-inside: avoid; }
.codes code { display: inline-block; min-width: 40px; font-weight: 600; }
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
/* On paper and in PDFs: colours kept (they carry meaning, with the codes), nothing scrolled out
   of view, the grid's header repeated on each page, no row or mismatch split across pages. */
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 12px; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table.grid thead { display: table-header-group; }
  table.grid tr, .mismatch, .codes li { break-inside: avoid; }
  table.grid tbody tr:hover th, table.grid tbody tr:hover td { filter: none; }
  a { color: inherit; text-decoration: none; }
}
)css";

std::string esc(std::string_view text) { return escape_xml_text(text); }
std::string attr(std::string_view text) { return escape_xml_attr(text); }

std::string cell_tooltip(const runner::CellResult& cell) {
  std::string tip = cell.scenario + "  mode " + std::to_string(cell.mode) + "  " + profile_and_server(cell) +
                    "\nexpected: " + describe(cell.expected) + "\nactual:   " +
                    describe(cell.actual);
  if (!cell.match) tip += "\n" + cell.mismatch_text();
  if (!cell.detail.empty()) tip += "\n\n" + cell.detail;
  return tip;
}

void write_counts(std::ostringstream& out, const runner::RunResult& run, const Grid& grid) {
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

std::string anchor(const runner::RunResult& run, const runner::CellResult& cell) {
  return "cell-" + std::to_string(&cell - run.cells.data());
}

void write_legend(std::ostringstream& out, const runner::RunResult& run, const Grid& grid) {
  CodeLegend codes;
  for (const auto& cell : run.cells) {
    codes.add(cell.actual);
    if (!cell.match) codes.add(cell.expected);
  }
  const bool missing =
      run.cells.size() < grid.rows().size() * grid.modes().size() * grid.profiles().size();
  out << "<ul class=\"key\">"
         "<li><span class=\"chip pass\">ok</span> passed, as expected</li>"
         "<li><span class=\"chip fail\">CODE</span> failed for the expected reason</li>";
  if (run.mismatched() > 0) {
    out << "<li><span class=\"chip bad\">✗ CODE<small>want CODE</small></span> not as expected: "
           "what happened, and what the scenario expects (links to the details)</li>";
  }
  if (missing) out << "<li><span class=\"chip\">–</span> not run</li>";
  for (const auto& item : server_legend(grid)) out << "<li>" << esc(item) << "</li>";
  out << "</ul>\n<ul class=\"codes\">";
  for (const auto& e : codes.entries()) {
    out << "<li><code>" << esc(e.code) << "</code> " << esc(e.meaning) << "</li>";
  }
  out << "</ul>\n";
}

void write_cell(std::ostringstream& out, const runner::RunResult& run, const runner::CellResult* cell, bool first) {
  const std::string border = first ? " first" : "";
  if (cell == nullptr) {
    out << "<td class=\"none" << border << "\">–</td>";
    return;
  }
  const std::string code = esc(verdict_code(cell->actual));
  if (cell->match) {
    std::string kind = cell->actual.outcome == verdict::Outcome::pass ? "pass" : "fail";
    out << "<td class=\"" << kind << border << "\" title=\"" << attr(cell_tooltip(*cell)) << "\">"
        << code << "</td>";
    return;
  }
  out << "<td class=\"bad" << border << "\"><a href=\"#" << anchor(run, *cell) << "\" title=\""
      << attr(cell_tooltip(*cell)) << "\">✗ " << code << "<small>want "
      << esc(verdict_code(cell->expected)) << "</small></a></td>";
}

void write_grid(std::ostringstream& out, const runner::RunResult& run, const Grid& grid) {
  const auto& profiles = grid.profiles();
  const bool sub_columns = profiles.size() > 1;
  out << "<h2>Results</h2>\n";
  write_legend(out, run, grid);
  out << "<div class=\"scroll\"><table class=\"grid\">\n<thead><tr>"
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
        write_cell(out, run, grid.find(r, mode, profiles[i]), i == 0);
      }
    }
    out << "</tr>\n";
  }
  out << "</tbody></table></div>\n";
}

void write_mismatches(std::ostringstream& out, const runner::RunResult& run) {
  if (run.mismatched() == 0) return;
  out << "<h2>Mismatches (" << run.mismatched() << ")</h2>\n";
  for (const auto& cell : run.cells) {
    if (cell.match) continue;
    out << "<div class=\"mismatch\" id=\"" << anchor(run, cell) << "\"><h3>✗ <span class=\"name\">"
        << esc(one_line(cell.scenario)) << "</span> · mode " << cell.mode << " · " << esc(profile_and_server(cell))
        << ": <span class=\"why\">" << esc(cell.mismatch_text()) << "</span></h3>\n<dl>"
        << "<dt>expected</dt><dd><code>" << esc(describe(cell.expected)) << "</code></dd>"
        << "<dt>actual</dt><dd><code>" << esc(describe(cell.actual)) << "</code></dd>";
    if (!cell.summary.empty()) out << "<dt>scenario</dt><dd>" << esc(cell.summary) << "</dd>";
    out << "<dt>file</dt><dd><code>" << esc(cell.scenario_file) << "</code></dd></dl>\n";
    if (!cell.detail.empty()) out << "<pre>" << esc(valid_utf8(cell.detail)) << "</pre>\n";
    out << "</div>\n";
  }
}

void write_notes(std::ostringstream& out, const runner::RunResult& run) {
  if (!run.portability.empty()) {
    out << "<h2>Portability</h2>\n<p class=\"legend\">Where client profiles disagree about the "
           "same server.</p>\n<ul>\n";
    for (const auto& note : group_by_modes(run.portability)) {
      out << "<li><span class=\"name\">" << esc(one_line(note.scenario)) << "</span>, "
          << modes_label(note.modes) << ": " << esc(note.text) << "</li>\n";
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

std::string render_html_report(const runner::RunResult& run) {
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

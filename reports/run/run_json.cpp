#include "reports/run/run_json.h"

#include <cmath>

#include "reports/bench/cost_report.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

namespace {
void write_verdict(JsonWriter& w, const verdict::Verdict& v) {
  w.member("outcome", to_string(v.outcome)).member("reason", to_string(v.reason));
}
}  // namespace

std::string render_json_report(const runner::RunResult& run) {
  JsonWriter w;
  w.begin_object();
  w.member("tool", run.tool).member("version", run.version).member("started", run.started);
  if (!run.at.empty()) w.member("at", run.at);
  w.key("cells").begin_array();
  for (const auto& cell : run.cells) {
    w.begin_object();
    w.member("scenario", cell.scenario).member("file", cell.scenario_file);
    w.member("mode", cell.mode).member("profile", cell.profile).member("server", cell.server);
    w.key("expected").begin_object();
    write_verdict(w, cell.expected);
    w.end_object();
    w.key("actual").begin_object();
    write_verdict(w, cell.actual);
    w.member("detail", cell.detail);
    w.end_object();
    w.member("match", cell.match);
    // Microseconds are the finest figure worth reading; more digits are noise.
    w.member("duration_ms", std::round(cell.duration_ms * 1000) / 1000);
    w.end_object();
  }
  w.end_array();
  w.key("summary").begin_object();
  w.member("cells", run.cells.size()).member("matched", run.matched());
  w.member("mismatched", run.mismatched());
  // Of the mismatched, the cells the harness could not judge (reason harness_error).
  w.member("harness_errors", run.harness_errors());
  w.end_object();
  w.key("portability").begin_array();
  for (const auto& note : run.portability) {
    w.begin_object().member("scenario", note.scenario).member("mode", note.mode);
    w.member("text", note.text).end_object();
  }
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& note : run.notes) w.value(note);
  w.end_array();
  if (run.cost) {
    w.key("cost").begin_array();
    for (const auto& n : *run.cost) {
      // The shared cost entry, under the scenario's name.
      w.begin_object().member("scenario", n.name).key("cost");
      write_cost_json(w, n.cost);
      w.end_object();
    }
    w.end_array();
  }
  if (run.real_clients) {
    const runner::RealClientsResult& rc = *run.real_clients;
    w.key("real_clients").begin_object();
    w.member("clients_dir", rc.clients_dir);
    w.key("stacks").begin_array();
    for (const auto& s : rc.stacks) {
      w.begin_object().member("profile", s.profile).member("stack", s.stack).member("ran", s.ran);
      w.member("note", s.note).member("cells", s.cells).member("disagreements", s.disagreements).end_object();
    }
    w.end_array();
    w.key("disagreements").begin_array();
    for (const auto& d : rc.disagreements) {
      w.begin_object().member("scenario", d.scenario).member("mode", d.mode).member("profile", d.profile);
      w.member("server", d.server);
      w.key("predicted").begin_object();
      write_verdict(w, d.predicted);
      w.end_object();
      w.member("real", d.real).member("message", d.message).end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_object();
  return w.take();
}

}  // namespace tlsmatrix::reports

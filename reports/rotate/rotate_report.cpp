#include "reports/rotate/rotate_report.h"

#include <algorithm>

#include "reports/bench/cost_report.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

namespace {

using rotate::Mix;
using rotate::MixResult;
using rotate::Order;
using rotate::Rollout;

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.resize(w, ' ');
  return s;
}

std::string mix_words(const Mix& m) {
  return "server " + m.server_text() + " (tls.caPemPath " + m.server_ca_text() + "), client trust " +
         m.trust_text() + ", client cert " + m.cert_text();
}

std::string step_ids(const Rollout& r, const Order& o) {
  std::string out;
  for (int s : o.steps) out += (out.empty() ? "" : " > ") + r.steps[static_cast<std::size_t>(s)].id;
  return out;
}

const runner::CellResult* break_cell(const Rollout& r, const Order& o) {
  if (o.safe || o.break_mix < 0 || o.break_cell < 0) return nullptr;
  return &r.mixes[static_cast<std::size_t>(o.break_mix)].cells[static_cast<std::size_t>(o.break_cell)];
}

std::string where_it_breaks(const Rollout& r, const Order& o) {
  const runner::CellResult* c = break_cell(r, o);
  if (c == nullptr) return "";
  const Mix& m = r.mixes[static_cast<std::size_t>(o.break_mix)].mix;
  std::string when = o.break_after < 0
                         ? "before any step (the current files already fail)"
                         : "after step " + std::to_string(o.break_after + 1) + " (" +
                               r.steps[static_cast<std::size_t>(o.steps[static_cast<std::size_t>(o.break_after)])].id + ")";
  return when + ": " + mix_words(m) + ": mode " + std::to_string(c->mode) + " " + c->profile + " fails with " +
         std::string(to_string(c->actual.reason));
}

}  // namespace

std::string rotate_text(const Rollout& r) {
  std::string out;
  out += "steps of the rollout:\n";
  for (const auto& s : r.steps) out += "  " + pad(s.id, 12) + " " + s.text + "\n";
  if (r.steps.empty()) out += "  none: the two sets hold the same files\n";
  out += "\nmixes a rollout passes through (real handshakes; server / tls.caPemPath /\nclient trust / client cert):\n";
  for (const auto& mr : r.mixes) {
    const Mix& m = mr.mix;
    out += "  " + pad(m.server_text(), 4) + pad(m.server_ca_text(), 7) + pad(m.trust_text(), 7) +
           pad(m.cert_text(), 4);
    bool first = true;
    for (int mode : r.input.modes) {
      out += std::string(first ? "" : "  ") + "mode " + std::to_string(mode) + ": " + rotate::mix_verdict_text(mr, mode);
      first = false;
    }
    out += "\n";
  }
  out += "\n";
  const std::size_t safe = static_cast<std::size_t>(std::count_if(r.orders.begin(), r.orders.end(), [](const Order& o) { return o.safe; }));
  if (r.all_safe()) {
    out += "verdict: safe in any order (" + std::to_string(r.orders.size()) + " orders, every mix works)\n";
    return out;
  }
  if (safe > 0) {
    out += "verdict: " + std::to_string(safe) + " of " + std::to_string(r.orders.size()) +
           " orders are safe. The recommended one:\n";
    const Order& best = r.orders.front();
    for (std::size_t i = 0; i < best.steps.size(); ++i) {
      out += "  " + std::to_string(i + 1) + ". " + r.steps[static_cast<std::size_t>(best.steps[i])].text + "\n";
    }
    for (std::size_t k = 1; k < safe; ++k) out += "  also safe: " + step_ids(r, r.orders[k]) + "\n";
  } else {
    out += "verdict: no order is safe (" + std::to_string(r.orders.size()) + " tried)\n";
  }
  out += "unsafe orders, each with the first cell that breaks:\n";
  for (std::size_t k = safe; k < r.orders.size(); ++k) {
    const Order& o = r.orders[k];
    out += "  " + step_ids(r, o) + "\n      breaks " + where_it_breaks(r, o) + "\n";
    if (const runner::CellResult* c = break_cell(r, o); c != nullptr && !c->detail.empty()) {
      out += "      (" + c->detail + ")\n";
    }
  }
  return out;
}

std::string rotate_json(const Rollout& r, int exit_code, double duration_ms,
                        const std::optional<RotateCost>& cost) {
  JsonWriter w;
  w.begin_object()
      .member("tool", "tlsmatrix")
      .member("version", TLSMATRIX_VERSION)
      .member("command", "rotate")
      .member("from", r.input.from.string())
      .member("to", r.input.to.string())
      .member("at", r.at);
  w.key("modes").begin_array();
  for (int m : r.input.modes) w.value(m);
  w.end_array();
  std::vector<std::string> profiles;
  if (!r.mixes.empty()) {
    for (const auto& c : r.mixes.front().cells) {
      if (std::find(profiles.begin(), profiles.end(), c.profile) == profiles.end()) profiles.push_back(c.profile);
    }
  }
  w.member("profiles", profiles).member("server_name", r.input.server_name);
  w.key("steps").begin_array();
  for (const auto& s : r.steps) w.begin_object().member("id", s.id).member("text", s.text).end_object();
  w.end_array();
  w.key("mixes").begin_array();
  for (const auto& mr : r.mixes) {
    w.begin_object()
        .member("server", mr.mix.server_text())
        .member("server_ca", mr.mix.server_ca_text())
        .member("client_trust", mr.mix.trust_text())
        .member("client_cert", mr.mix.cert_text())
        .member("ok", mr.ok());
    w.key("cells").begin_array();
    for (const auto& c : mr.cells) {
      w.begin_object()
          .member("mode", c.mode)
          .member("profile", c.profile)
          .member("outcome", c.actual.outcome == verdict::Outcome::pass ? "pass" : "fail")
          .member("reason", std::string(to_string(c.actual.reason)))
          .member("detail", c.detail)
          .end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
  w.key("orders").begin_array();
  for (const auto& o : r.orders) {
    std::vector<std::string> ids;
    for (int s : o.steps) ids.push_back(r.steps[static_cast<std::size_t>(s)].id);
    w.begin_object().member("steps", ids).member("safe", o.safe);
    w.key("first_break");
    if (const runner::CellResult* c = break_cell(r, o)) {
      w.begin_object()
          .member("after_step", o.break_after + 1)
          .member("mix", o.break_mix)
          .member("mode", c->mode)
          .member("profile", c->profile)
          .member("reason", std::string(to_string(c->actual.reason)))
          .member("detail", c->detail)
          .end_object();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
  w.member("safe_in_any_order", r.all_safe()).member("any_safe", r.any_safe());
  w.key("cost");
  if (cost) {
    w.begin_object().key("from").begin_array();
    for (const auto& c : cost->from) write_cost_json(w, c);
    w.end_array().key("to").begin_array();
    for (const auto& c : cost->to) write_cost_json(w, c);
    w.end_array().end_object();
  } else {
    w.null();
  }
  w.member("exit_code", exit_code).member("duration_ms", duration_ms);
  w.end_object();
  return w.take();
}

CheckReport rotate_check_report(const Rollout& r, const std::string& started, double duration_ms) {
  CheckReport report;
  report.command = "rotate";
  report.title = "rollout from " + r.input.from.string() + " to " + r.input.to.string();
  report.started = started;
  report.duration_ms = duration_ms;
  const bool any = r.any_safe();
  for (const auto& o : r.orders) {
    findings::Finding line;
    line.id = "order: " + step_ids(r, o);
    if (o.safe) {
      line.message = "every mix on the way works in every mode and profile";
    } else {
      line.severity = any ? findings::Severity::warning : findings::Severity::error;
      line.message = "breaks " + where_it_breaks(r, o);
      line.fix = any ? "roll out in a safe order instead" : "no order is safe: see the grid of mixes";
    }
    report.checks.push_back(std::move(line));
  }
  return report;
}

}  // namespace tlsmatrix::reports

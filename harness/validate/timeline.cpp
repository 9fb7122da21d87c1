#include "harness/validate/timeline.h"

#include <algorithm>
#include <map>
#include <set>

#include "harness/io/list_text.h"
#include "harness/io/utc_time.h"
#include "harness/ossl/verify_time.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"
#include "harness/validate/dynamic_check.h"
#include "harness/validate/profile_rules.h"

namespace tlsmatrix::validate {

namespace {

using std::chrono::sys_seconds;

std::vector<ClientVerdict> verdicts_of(const std::vector<runner::CellResult>& cells) {
  std::vector<ClientVerdict> out;
  for (const auto& c : cells) out.push_back({c.profile, c.actual, c.detail});
  return out;
}

// "mode 2 fails for every client with client_cert_expired; works again for go"
std::string change_text(const std::vector<ClientVerdict>& before, const std::vector<ClientVerdict>& after,
                        int mode, bool* breaks) {
  std::map<verdict::Reason, std::vector<std::string>> now_failing;
  std::vector<std::string> now_working;
  *breaks = false;
  for (std::size_t i = 0; i < after.size() && i < before.size(); ++i) {
    if (after[i].verdict == before[i].verdict) continue;
    if (after[i].verdict.outcome == verdict::Outcome::pass) {
      now_working.push_back(after[i].profile);
    } else {
      now_failing[after[i].verdict.reason].push_back(after[i].profile);
      *breaks |= before[i].verdict.outcome == verdict::Outcome::pass;
    }
  }
  const std::size_t all = after.size();
  auto who = [all](const std::vector<std::string>& names) {
    return names.size() == all && all > 1 ? std::string("every client") : io::join_and(names);
  };
  std::string out;
  for (const auto& [reason, names] : now_failing) {
    out += (out.empty() ? "" : "; ") + std::string("fails for ") + who(names) + " with " +
           std::string(to_string(reason));
  }
  if (!now_working.empty()) out += (out.empty() ? "" : "; ") + std::string("works again for ") + who(now_working);
  return out.empty() ? out : "mode " + std::to_string(mode) + " " + out;
}

struct Candidate {
  std::set<std::string> causes;
};

void add_dates(const std::optional<CertFile>& file, sys_seconds from, std::map<sys_seconds, Candidate>& dates) {
  if (!file) return;
  for (X509* c : file->all()) {
    const std::string who = file->name() + " (" + x509::subject(c, x509::SubjectForm::cn) + ")";
    if (sys_seconds nb = x509::not_before(c); nb > from) dates[nb].causes.insert(who + " becomes valid");
    if (sys_seconds na = x509::not_after(c); na > from) dates[na].causes.insert(who + " expires");
  }
}

}  // namespace

Timeline build_timeline(const DeploymentInput& input, const LoadedDeployment& files,
                        const std::vector<runner::CellResult>& start_cells, std::chrono::milliseconds timeout) {
  Timeline t;
  t.from = std::chrono::floor<std::chrono::seconds>(input.now);
  t.start = verdicts_of(start_cells);
  if (start_cells.empty()) return t;
  std::map<sys_seconds, Candidate> dates;
  for (const auto* f : {&files.server_pem, &files.ca_pem, &files.client_pem, &files.trust}) add_dates(*f, t.from, dates);

  std::vector<ClientVerdict> previous = t.start;
  for (const auto& [at, candidate] : dates) {
    if (t.dates_checked == kMaxTimelineDates) {
      t.truncated = true;
      break;
    }
    ++t.dates_checked;
    // Just after the date: OpenSSL counts a certificate expired from its notAfter second on and
    // valid from its notBefore second on; one second later both have happened.
    const ossl::ScopedVerificationTime clock(at + std::chrono::seconds(1));
    DeploymentInput then = input;
    then.now = at + std::chrono::seconds(1);
    std::vector<runner::CellResult> cells;
    run_dynamic_check(then, files, timeout, &cells);
    std::vector<ClientVerdict> verdicts = verdicts_of(cells);
    bool breaks = false;
    std::string change = change_text(previous, verdicts, input.tls_mode, &breaks);
    if (change.empty()) continue;
    TimelineEntry e;
    e.at = at;
    e.causes.assign(candidate.causes.begin(), candidate.causes.end());
    e.verdicts = verdicts;
    e.change = change;
    e.breaks = breaks;
    if (breaks && t.first_break < 0) t.first_break = static_cast<int>(t.entries.size());
    t.entries.push_back(std::move(e));
    previous = std::move(verdicts);
  }
  return t;
}

std::vector<Finding> timeline_checks(const Timeline& t, const DeploymentInput& input, bool handshake_tried) {
  if (!handshake_tried || t.start.empty()) return {};
  Finding c;
  c.id = "timeline.first_break";
  if (t.first_break < 0) {
    c.message = "no certificate date ahead breaks a client (" + std::to_string(t.dates_checked) +
                " dates checked with real handshakes" + (t.truncated ? ", more not checked" : "") + ")";
    return {c};
  }
  const TimelineEntry& e = t.entries[static_cast<std::size_t>(t.first_break)];
  c.message = "first break on " + io::readable_utc(e.at) + " (in " + x509::span_text(t.from, e.at) + "): " +
              io::join_and(e.causes) + ": " + e.change;
  if (e.at < t.from + std::chrono::hours(24) * input.warn_days) {
    c.severity = Severity::warning;
    c.fix = "renew before " + io::readable_utc(e.at) +
            " (tlsmatrix certs renew --in DIR --out NEW, then tlsmatrix rotate --from DIR --to NEW)";
  }
  return {c};
}

std::string render_timeline(const Timeline& t, const DeploymentInput& input) {
  if (t.start.empty()) return "";
  std::string out;
  if (t.entries.empty()) {
    out += "timeline: " + std::to_string(t.dates_checked) +
           " certificate dates ahead checked with real handshakes; none changes a verdict\n";
    return out;
  }
  out += "timeline: dates ahead at which the verdicts change (each checked with real\n"
         "handshakes just after it; " + std::to_string(t.dates_checked) + " certificate dates tried)\n";
  for (std::size_t i = 0; i < t.entries.size(); ++i) {
    const TimelineEntry& e = t.entries[i];
    const bool first = static_cast<int>(i) == t.first_break;
    std::string when = io::utc_text(e.at, "%Y-%m-%d %H:%M UTC") + " (in " + x509::span_text(t.from, e.at) + ")";
    if (first) {
      const bool soon = e.at < t.from + std::chrono::hours(24) * input.warn_days;
      when += soon ? "  << FIRST BREAK, within --warn-days " + std::to_string(input.warn_days)
                   : "  << FIRST BREAK";
    }
    out += "  " + when + "\n";
    for (const auto& cause : e.causes) out += "      " + cause + "\n";
    out += "      => " + e.change + "\n";
  }
  if (t.truncated) {
    out += "  (only the first " + std::to_string(kMaxTimelineDates) + " certificate dates were checked)\n";
  }
  return out;
}

}  // namespace tlsmatrix::validate

// `validate`'s timeline: the dates ahead at which the deployment's verdicts change. Every date on
// which a certificate in its files starts or stops being valid is a candidate; each is checked
// by running the dynamic check (real handshakes, every profile) with the verification time set
// just after it (harness/ossl/verify_time.h), so a date is listed because the handshakes
// changed, never because a date comparison said they would.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/runner/cell_result.h"
#include "harness/validate/check_result.h"
#include "harness/validate/deployment.h"

namespace tlsmatrix::validate {

struct ClientVerdict {
  std::string profile;
  verdict::Verdict verdict;
  std::string detail;
};

struct TimelineEntry {
  std::chrono::sys_seconds at;      // the certificate date (notAfter, or notBefore)
  std::vector<std::string> causes;  // "tls/client.pem expires (CN=tlsmatrix client)"
  std::vector<ClientVerdict> verdicts;  // each profile's verdict just after `at`
  std::string change;  // "mode 2 fails for every client with client_cert_expired"
  bool breaks = false;  // a profile that worked just before fails from here on
};

struct Timeline {
  std::chrono::sys_seconds from;        // the moment judged (now, or --at)
  std::vector<ClientVerdict> start;     // the verdicts at `from`
  std::vector<TimelineEntry> entries;   // only the dates at which a verdict changes
  int first_break = -1;                 // index into entries; -1: nothing breaks ahead
  int dates_checked = 0;                // certificate dates tried (at most kMaxTimelineDates)
  bool truncated = false;               // there were more dates than that
};

inline constexpr int kMaxTimelineDates = 32;

// `start_cells` are the dynamic check's cells at `input.now` (run_dynamic_check's `cells`);
// empty when no handshake was tried, and then the timeline is empty too.
Timeline build_timeline(const DeploymentInput& input, const LoadedDeployment& files,
                        const std::vector<runner::CellResult>& start_cells, std::chrono::milliseconds timeout);

// "timeline.first_break": a warning when the first break lies within --warn-days of the moment
// judged, otherwise ok; nothing when no handshake was tried.
std::vector<Finding> timeline_checks(const Timeline& timeline, const DeploymentInput& input,
                                         bool handshake_tried);

// The timeline for the terminal, 80 columns; empty when there is nothing to show.
std::string render_timeline(const Timeline& timeline, const DeploymentInput& input);

}  // namespace tlsmatrix::validate

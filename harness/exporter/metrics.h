// The Prometheus text exposition format (version 0.0.4) for one probe (/probe) and for the
// exporter itself (/metrics). Names follow Prometheus's conventions: a `tlsmatrix_` prefix, the
// unit in the name (_seconds, _timestamp_seconds, _total), labels with bounded values (check ids,
// profiles, chain positions, the module names of the config).
//
// Never a made-up value: a check the probe could not settle (`inconclusive`) has no 0/1 sample;
// it shows as tlsmatrix_probe_check_inconclusive{check="..."} 1 instead. A check that was not run
// (no trust file: no chain verdict) has no sample at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "harness/probe/probe.h"

namespace tlsmatrix::exporter {

// `"` `\` and newlines escaped, as label values need.
std::string escape_label_value(std::string_view v);

// The page for /probe. `duration` is the whole probe's wall time; `now` is what the
// certificates' time left counts from.
std::string render_probe_metrics(
    const probe::ProbeReport& report, std::chrono::duration<double> duration,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The page for a probe that could not run: only success 0 and the duration.
std::string render_probe_failure(std::chrono::duration<double> duration);

struct ModuleCounts {
  std::uint64_t success = 0;
  std::uint64_t failure = 0;
};

struct ExporterStats {
  std::map<std::string, ModuleCounts> probes;  // by module name (every module of the config)
  std::uint64_t bad_requests = 0;               // HTTP 400
  std::uint64_t busy_rejections = 0;            // HTTP 503: max_concurrent_probes reached
  int in_flight = 0;
  int max_concurrent = 0;
  double start_time_seconds = 0;  // since the epoch
};

std::string render_exporter_metrics(const ExporterStats& stats);

}  // namespace tlsmatrix::exporter

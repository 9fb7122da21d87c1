// What a /probe request asks for, checked before anything is contacted: the target, the module
// and the time budget. Every problem is one line for an HTTP 400 answer.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/exporter/exporter_config.h"
#include "harness/probe/endpoint.h"

namespace tlsmatrix::exporter {

struct ProbeRequest {
  const Module* module = nullptr;
  probe::Endpoint target;
  std::chrono::milliseconds budget{0};
};

struct QueryParam {
  std::string key;
  std::string value;
};

struct ParsedProbeRequest {
  std::optional<ProbeRequest> request;
  std::string error;  // one line, when `request` is empty
};

// `params`: the query string's parameters in order. `scrape_timeout`: the value of Prometheus's
// X-Prometheus-Scrape-Timeout-Seconds header, when sent. The budget is the module's timeout, or
// the scrape timeout less a margin for the answer to travel (kScrapeMargin, or a quarter of a
// short scrape timeout) when that is shorter, so Prometheus gets the probe's answer and not a
// scrape timeout of its own.
ParsedProbeRequest parse_probe_request(const ExporterConfig& config,
                                       const std::vector<QueryParam>& params,
                                       const std::optional<std::string>& scrape_timeout);

inline constexpr std::chrono::milliseconds kScrapeMargin{500};

}  // namespace tlsmatrix::exporter

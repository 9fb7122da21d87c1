// Strict YAML loading of scenario files (schema: scenarios/README.md). Every problem is an
// InputError "FILE:LINE:COL: message": unknown keys, wrong types, dangling or cyclic issuer
// references, unknown reasons or key types, bad durations, a mode without an expectation.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/scenario.h"

namespace tlsmatrix::scenario {

// Parses one scenario from YAML text; `file` is used in messages and stored in Scenario::file.
Scenario parse_scenario(std::string_view yaml, const std::string& file);

// Reads and parses one file.
Scenario load_scenario(const std::filesystem::path& path);

// Expands files and folders (folders recursively, *.yaml and *.yml, sorted by path) and loads
// every scenario. Duplicate scenario names are an error naming both files. An empty result is an
// InputError.
std::vector<Scenario> load_scenarios(const std::vector<std::filesystem::path>& paths);

// "+825d", "-1h", "30m", "0" -> seconds. Units s, m, h, d, y (365 days). nullopt if malformed.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace tlsmatrix::scenario

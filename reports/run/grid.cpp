#include "reports/run/grid.h"

#include <algorithm>

namespace tlsmatrix::reports {

Grid::Grid(const RunResult& run) {
  std::map<std::string, std::size_t> row_of;
  for (const auto& cell : run.cells) {
    auto [it, inserted] = row_of.emplace(cell.scenario, rows_.size());
    if (inserted) rows_.push_back({cell.scenario, cell.scenario_file, cell.summary});
    if (std::find(modes_.begin(), modes_.end(), cell.mode) == modes_.end()) {
      modes_.push_back(cell.mode);
    }
    if (std::find(profiles_.begin(), profiles_.end(), cell.profile) == profiles_.end()) {
      profiles_.push_back(cell.profile);
    }
    cells_.emplace(std::make_tuple(it->second, cell.mode, cell.profile), &cell);
  }
  std::sort(modes_.begin(), modes_.end());
}

const CellResult* Grid::find(std::size_t row, int mode, const std::string& profile) const {
  auto it = cells_.find(std::make_tuple(row, mode, profile));
  return it == cells_.end() ? nullptr : it->second;
}

std::vector<ModesNote> group_by_modes(const std::vector<PortabilityNote>& notes) {
  std::vector<ModesNote> out;
  for (const auto& note : notes) {
    auto same = std::find_if(out.begin(), out.end(), [&](const ModesNote& n) {
      return n.scenario == note.scenario && n.text == note.text;
    });
    if (same == out.end()) {
      out.push_back({note.scenario, {note.mode}, note.text});
    } else if (std::find(same->modes.begin(), same->modes.end(), note.mode) == same->modes.end()) {
      same->modes.push_back(note.mode);
    }
  }
  return out;
}

std::string modes_label(const std::vector<int>& modes) {
  std::string out = modes.size() == 1 ? "mode " : "modes ";
  for (std::size_t i = 0; i < modes.size(); ++i) out += (i > 0 ? ", " : "") + std::to_string(modes[i]);
  return out;
}

std::string_view short_profile_name(std::string_view profile) {
  constexpr std::string_view kPrefix = "grpc-";
  if (profile.starts_with(kPrefix) && profile.size() > kPrefix.size()) {
    return profile.substr(kPrefix.size());
  }
  return profile;
}

}  // namespace tlsmatrix::reports

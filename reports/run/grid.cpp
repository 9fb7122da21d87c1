#include "reports/run/grid.h"

#include <algorithm>

namespace tlsmatrix::reports {

Grid::Grid(const runner::RunResult& run) {
  std::map<std::string, std::size_t> row_of;
  for (const auto& cell : run.cells) several_servers_ |= cell.server != run.cells.front().server;
  for (const auto& cell : run.cells) {
    const std::string column = column_key(cell, several_servers_);
    auto [it, inserted] = row_of.emplace(cell.scenario, rows_.size());
    if (inserted) rows_.push_back({cell.scenario, cell.scenario_file, cell.summary});
    if (std::find(modes_.begin(), modes_.end(), cell.mode) == modes_.end()) {
      modes_.push_back(cell.mode);
    }
    if (std::find(profiles_.begin(), profiles_.end(), column) == profiles_.end()) {
      profiles_.push_back(column);
    }
    cells_.emplace(std::make_tuple(it->second, cell.mode, column), &cell);
  }
  std::sort(modes_.begin(), modes_.end());
}

const runner::CellResult* Grid::find(std::size_t row, int mode, const std::string& profile) const {
  auto it = cells_.find(std::make_tuple(row, mode, profile));
  return it == cells_.end() ? nullptr : it->second;
}

std::vector<ModesNote> group_by_modes(const std::vector<runner::PortabilityNote>& notes) {
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

std::string short_profile_name(std::string_view profile) {
  std::string server;
  if (auto colon = profile.find(':'); colon != std::string_view::npos) {
    server = std::string(profile.substr(0, colon + 1));
    profile.remove_prefix(colon + 1);
  }
  constexpr std::string_view kPrefix = "grpc-";
  if (profile.starts_with(kPrefix) && profile.size() > kPrefix.size()) {
    profile.remove_prefix(kPrefix.size());
  }
  return server + std::string(profile);
}

std::string column_key(const runner::CellResult& cell, bool several_servers) {
  if (!several_servers || cell.server == "harness" || cell.server.empty()) return cell.profile;
  return cell.server.substr(0, 1) + ":" + cell.profile;
}

std::string profile_and_server(const runner::CellResult& cell) {
  if (cell.server == "harness" || cell.server.empty()) return cell.profile;
  return cell.profile + " @" + cell.server;
}

std::vector<std::string> server_legend(const Grid& grid) {
  std::vector<std::string> out;
  if (!grid.several_servers()) return out;
  for (const auto& column : grid.profiles()) {
    auto colon = column.find(':');
    if (colon == std::string::npos) continue;
    std::string item = column.substr(0, colon + 1) + "=" +
                       (column[0] == 'm' ? "with Milvus's server (--servers milvus)" : "with another server");
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  return out;
}

}  // namespace tlsmatrix::reports

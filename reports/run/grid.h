// The scenario x mode x profile grid of a run, as the table-shaped reports (terminal, HTML, the
// Markdown counts) lay it out: scenarios in load order, modes ascending, profiles in the order
// the runner used them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

struct GridRow {
  std::string scenario;
  std::string file;
  std::string summary;
};

class Grid {
 public:
  explicit Grid(const runner::RunResult& run);

  const std::vector<GridRow>& rows() const { return rows_; }
  const std::vector<int>& modes() const { return modes_; }
  const std::vector<std::string>& profiles() const { return profiles_; }

  // The cell, or nullptr when that combination did not run. `profile` is a column of profiles():
  // the client profile, prefixed with the server ("m:go") when more than one server ran.
  const runner::CellResult* find(std::size_t row, int mode, const std::string& profile) const;
  // More than one server profile ran: the columns of the other servers carry their prefix.
  bool several_servers() const { return several_servers_; }

 private:
  std::vector<GridRow> rows_;
  std::vector<int> modes_;
  std::vector<std::string> profiles_;
  bool several_servers_ = false;
  std::map<std::tuple<std::size_t, int, std::string>, const runner::CellResult*> cells_;
};

// Notes about one scenario that read the same in several modes, said once: "(modes 1, 2)".
struct ModesNote {
  std::string scenario;
  std::vector<int> modes;
  std::string text;
};
std::vector<ModesNote> group_by_modes(const std::vector<runner::PortabilityNote>& notes);

// "mode 1" or "modes 1, 2".
std::string modes_label(const std::vector<int>& modes);

// The profile's name for a narrow column: "grpc-core" -> "core", "m:grpc-core" -> "m:core";
// others unchanged.
std::string short_profile_name(std::string_view profile);

// The grid column of a cell: its client profile, prefixed with the server profile's initial and
// a colon ("m:go") for a server other than the harness's when `several_servers`.
std::string column_key(const runner::CellResult& cell, bool several_servers);

// "go" for a cell with the harness's server, "go @milvus" with another: for lists of cells.
std::string profile_and_server(const runner::CellResult& cell);

// "m:=Milvus's server" for each server prefix the grid uses; empty when it uses none.
std::vector<std::string> server_legend(const Grid& grid);

}  // namespace tlsmatrix::reports

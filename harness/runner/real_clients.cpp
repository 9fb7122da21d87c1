#include "harness/runner/real_clients.h"

#include <yaml-cpp/yaml.h>

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_server.h"
#include "harness/io/child_process.h"
#include "harness/io/file_io.h"
#include "harness/io/harness_error.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/descriptors.h"
#include "harness/scenario/catalogue_location.h"
#include "harness/verdict/profile.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix::runner {

namespace fs = std::filesystem;

namespace {

using namespace std::chrono_literals;

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// JSON string escaping for the cases the clients read.
std::string json_str(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

struct Stack {
  std::string profile;
  std::vector<std::string> argv;  // how to run the client
  std::string describe;
  std::string missing;  // why it is skipped; empty when it runs
};

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

Stack python_stack(const fs::path& clients) {
  Stack s{.profile = "grpc-core", .argv = {}, .describe = "", .missing = ""};
  std::string python = io::find_on_path("/usr/bin/python3");
  if (python.empty()) python = io::find_on_path("python3");
  if (python.empty()) {
    s.missing = "python3 is not installed (apt-get install python3-grpcio)";
    return s;
  }
  io::ChildResult probe = io::run_child({python, "-c", "import grpc; print(grpc.__version__)"}, "", 30s);
  if (probe.exit_code != 0) {
    s.missing = python + " has no grpc module (apt-get install python3-grpcio)";
    return s;
  }
  s.argv = {python, (clients / "python" / "grpc_client.py").string()};
  s.describe = "Python grpcio " + first_line(probe.out) + " (" + python + ")";
  return s;
}

Stack node_stack(const fs::path& clients) {
  Stack s{.profile = "node", .argv = {}, .describe = "", .missing = ""};
  std::string node = io::find_on_path("node");
  if (node.empty()) {
    s.missing = "node is not on PATH";
    return s;
  }
  io::ChildResult v = io::run_child({node, "--version"}, "", 30s);
  s.argv = {node, (clients / "node" / "tls_client.js").string()};
  s.describe = "Node " + first_line(v.out) + " (" + node + ")";
  return s;
}

Stack go_stack(const fs::path& clients, const fs::path& work) {
  Stack s{.profile = "go", .argv = {}, .describe = "", .missing = ""};
  std::string go = io::find_on_path("go");
  if (go.empty()) {
    s.missing = "go is not on PATH";
    return s;
  }
  io::ChildResult v = io::run_child({go, "version"}, "", 30s);
  // The client uses the standard library only: built here, nothing downloaded.
  const fs::path out = work / "tls_client_go";
  io::ChildResult b = io::run_child({go, "build", "-o", out.string(), "."}, "", 300s,
                            {{"GO111MODULE", "off"}, {"GOFLAGS", ""}, {"GOCACHE", (work / "gocache").string()},
                             {"GOPATH", (work / "gopath").string()}},
                            clients / "go");
  if (b.exit_code != 0) {
    s.missing = "the Go client did not build with " + first_line(v.out) + ": " +
                first_line(b.err.empty() ? b.error : b.err);
    return s;
  }
  s.argv = {out.string()};
  s.describe = first_line(v.out) + " (" + go + ")";
  return s;
}

// One client run's answer for a case.
struct Answer {
  bool ok = false;
  std::string cls, message;
};

std::map<std::string, Answer> parse_answers(const std::string& out) {
  std::map<std::string, Answer> answers;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    try {
      // One flat JSON object a line; JSON's flow syntax is YAML's.
      YAML::Node n = YAML::Load(line);
      Answer a;
      a.ok = n["ok"] && n["ok"].as<bool>();
      a.cls = n["class"] ? n["class"].as<std::string>() : "";
      a.message = n["message"] ? n["message"].as<std::string>() : "";
      if (n["id"]) answers[n["id"].as<std::string>()] = a;
    } catch (const YAML::Exception&) {
      // A line that does not parse is a case without an answer (reported as such).
    }
  }
  return answers;
}

std::string write_file(const fs::path& path, const std::string& text) {
  if (text.empty()) return "";
  io::write_file_atomic(path, text, fs::perms(0600));
  return path.string();
}

// A fresh 0700 folder under $TMPDIR for the clients' files (keys among them).
fs::path private_temp_dir() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "tlsmatrix-real-clients-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw io::HarnessError("cannot create a folder for the real clients' files in " + base.string() + ": " +
                       std::strerror(errno));
  }
  return pattern;
}

}  // namespace

bool real_client_agrees(bool ok, const std::string& cls, const verdict::Verdict& predicted, std::string* real_text) {
  if (ok) {
    if (real_text) *real_text = "pass";
    return predicted.outcome == verdict::Outcome::pass;
  }
  // Classes that say "failed" but not why: only the outcome is compared.
  static const std::vector<std::string> unnamed = {"rejected_by_server", "connection_failed", "unknown", ""};
  const bool named = std::find(unnamed.begin(), unnamed.end(), cls) == unnamed.end();
  if (real_text) *real_text = named ? "fail " + cls : "fail (reason not named)";
  if (predicted.outcome != verdict::Outcome::fail) return false;
  if (!named) return true;
  const std::string want(to_string(predicted.reason));
  if (cls == "server_cert_rejected") {
    return want == "unknown_ca" || want == "hostname_mismatch" || want.rfind("server_cert_", 0) == 0;
  }
  return cls == want;
}

std::optional<fs::path> locate_real_clients() {
  const fs::path under = fs::path("tlsmatrix") / "clients";
  if (const char* env = std::getenv("TLSMATRIX_CLIENTS"); env != nullptr && *env != '\0') {
    return is_dir(env) ? std::optional<fs::path>(env) : std::nullopt;
  }
  if (is_dir("tests/interop/clients")) return fs::path("tests/interop/clients");
  scenario::CataloguePlaces places = scenario::this_process_catalogue_places();
  if (places.executable) {
    fs::path beside = (places.executable->parent_path() / places.bin_to_datadir / under).lexically_normal();
    if (is_dir(beside)) return beside;
  }
  fs::path built_in = (places.installed_datadir / under).lexically_normal();
  if (is_dir(built_in)) return built_in;
  return std::nullopt;
}

RealClientsResult check_real_clients(const std::vector<scenario::Scenario>& scenarios, const RunResult& run,
                                     std::chrono::milliseconds timeout) {
  RealClientsResult result;
  std::optional<fs::path> clients = locate_real_clients();
  std::vector<std::string> profiles_run;
  for (const auto& c : run.cells) {
    if (std::find(profiles_run.begin(), profiles_run.end(), c.profile) == profiles_run.end()) {
      profiles_run.push_back(c.profile);
    }
  }
  if (!clients) {
    for (const auto& p : profiles_run) {
      result.stacks.push_back({.profile = p, .stack = "", .ran = false,
                               .note = "no real clients found ($TLSMATRIX_CLIENTS, ./tests/interop/clients, "
                                       "share/tlsmatrix/clients)",
                               .cells = 0, .disagreements = 0});
    }
    return result;
  }
  result.clients_dir = clients->string();
  const fs::path work = private_temp_dir();
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{work};

  std::vector<Stack> stacks;
  for (const auto& p : profiles_run) {
    if (p == "grpc-core") stacks.push_back(python_stack(*clients));
    if (p == "go") stacks.push_back(go_stack(*clients, work));
    if (p == "node") stacks.push_back(node_stack(*clients));
  }

  // The TLS cells, grouped by scenario x mode x server: one server each, all the stacks' clients.
  std::map<std::string, const scenario::Scenario*> by_name;
  for (const auto& s : scenarios) by_name[s.name] = &s;
  struct Group {
    const scenario::Scenario* scenario;
    int mode;
    std::string server;
    std::vector<const CellResult*> cells;
  };
  std::vector<Group> groups;
  for (const auto& c : run.cells) {
    if (c.mode != 1 && c.mode != 2) continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.scenario->name == c.scenario && g.mode == c.mode && g.server == c.server;
    });
    if (it == groups.end()) {
      groups.push_back({by_name.at(c.scenario), c.mode, c.server, {}});
      it = groups.end() - 1;
    }
    it->cells.push_back(&c);
  }

  // Each group's files written once; its server started for the batch it runs in.
  std::map<std::string, certs::CertSet> sets;
  for (auto& stack : stacks) {
    RealClientStack rs{.profile = stack.profile, .stack = stack.describe, .ran = stack.missing.empty(),
                       .note = stack.missing, .cells = 0, .disagreements = 0};
    result.stacks.push_back(rs);
  }
  // Servers in batches that fit the descriptor limit (each holds a few descriptors).
  const std::size_t batch_size = static_cast<std::size_t>(std::max(1, jobs_within_descriptors(48)));
  for (std::size_t first = 0; first < groups.size(); first += batch_size) {
    const std::size_t last = std::min(groups.size(), first + batch_size);
    std::vector<std::unique_ptr<endpoints::TlsServer>> servers(last - first);
    std::string cases = "[";
    std::map<std::string, std::pair<std::size_t, std::string>> case_of;  // id -> group, profile
    for (std::size_t g = first; g < last; ++g) {
      Group& grp = groups[g];
      const scenario::Scenario& s = *grp.scenario;
      auto set_it = sets.find(s.name);
      if (set_it == sets.end()) set_it = sets.emplace(s.name, scenario_cert_set(s)).first;
      const certs::CertSet& set = set_it->second;
      const endpoints::ServerFiles files = server_files(s, set);
      std::string error;
      endpoints::ServerHooks hooks;
      hooks.listen = listen_address(s);
      servers[g - first] = endpoints::TlsServer::start(grp.mode, files, &error, hooks, nullptr, *verdict::find_server_profile(grp.server));
      if (!servers[g - first]) continue;  // predicted server_config_error: no connection to make
      const endpoints::ClientSetup client = client_setup(s, set, grp.mode);
      const fs::path dir = work / (s.name + "-" + std::to_string(grp.mode) + "-" + grp.server);
      fs::create_directories(dir);  // inside the 0700 work folder
      const std::string trust = write_file(dir / "trust.pem", client.trust_pem);
      const std::string cert = write_file(dir / "client.pem", client.cert_chain_pem);
      const std::string key = write_file(dir / "client.key", client.key_pem);
      const bool versions = !s.client.tls_min.empty() || !s.client.tls_max.empty();
      for (const CellResult* c : grp.cells) {
        // grpcio (the grpc-core stack) cannot be held to a TLS version: such a cell is not
        // compared rather than compared with a client that offers other versions.
        if (versions && c->profile == "grpc-core") continue;
        const std::string id = std::to_string(g) + "|" + c->profile;
        case_of[id] = {g, c->profile};
        if (cases.size() > 1) cases += ",";
        cases += "{\"id\":" + json_str(id) + ",\"address\":" +
                 json_str(client.dial_host + ":" + std::to_string(servers[g - first]->port())) + ",\"trust\":" + json_str(trust) +
                 ",\"cert\":" + json_str(cert) + ",\"key\":" + json_str(key) + ",\"server_name\":" +
                 json_str(client.server_name) + ",\"tls_min\":" + json_str(s.client.tls_min) + ",\"tls_max\":" +
                 json_str(s.client.tls_max) + ",\"plaintext\":" + (client.secure ? "false" : "true") + "}";
      }
    }
    cases += "]";
    for (std::size_t k = 0; k < stacks.size(); ++k) {
      if (!stacks[k].missing.empty()) continue;
      io::ChildResult r = io::run_child(stacks[k].argv, cases, timeout * 4 + 120s);
      if (!r.started || r.timed_out || r.exit_code != 0) {
        result.stacks[k].ran = false;
        result.stacks[k].note = "the client failed: " +
                                (r.timed_out ? std::string("timed out")
                                             : r.error.empty() ? first_line(r.err) : r.error);
        stacks[k].missing = result.stacks[k].note;
        continue;
      }
      std::map<std::string, Answer> answers = parse_answers(r.out);
      for (const auto& [id, where] : case_of) {
        if (where.second != stacks[k].profile) continue;
        const Group& grp = groups[where.first];
        // Clang 14 (the fuzz build) cannot capture a structured binding in a lambda.
        const std::string& profile = where.second;
        const CellResult* cell = *std::find_if(grp.cells.begin(), grp.cells.end(),
                                               [&profile](const CellResult* c) { return c->profile == profile; });
        ++result.stacks[k].cells;
        auto a = answers.find(id);
        std::string real;
        const bool agrees =
            a != answers.end() && real_client_agrees(a->second.ok, a->second.cls, cell->actual, &real);
        if (!agrees) {
          ++result.stacks[k].disagreements;
          result.disagreements.push_back({.scenario = cell->scenario, .mode = cell->mode, .profile = cell->profile,
                                          .server = cell->server, .predicted = cell->actual,
                                          .real = a == answers.end() ? "no answer" : real,
                                          .message = a == answers.end() ? "" : a->second.message});
        }
      }
    }
  }
  return result;
}

}  // namespace tlsmatrix::runner

// `tlsmatrix certs gen` (a ready Milvus-layout set) and `tlsmatrix certs scenario` (a scenario's
// own set), docs/cli.md.
#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <algorithm>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/certs/milvus_layout.h"
#include "harness/cli/commands.h"
#include "harness/io/input_error.h"
#include "harness/io/utf8.h"
#include "harness/io/utc_time.h"
#include "harness/runner/cell_setup.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"

namespace tlsmatrix::cli {

namespace fs = std::filesystem;

namespace {

struct GenOptions {
  fs::path out;
  std::string cn = "localhost";
  std::vector<std::string> sans;
  std::string key = "rsa2048";
  int days = 825;
  bool force = false;
};

struct ScenarioOptions {
  fs::path file;
  fs::path out;
  bool force = false;
};

// The same for `certs gen` and `certs scenario` (io::write_folder does it).
constexpr const char* kOutHelp =
    "Folder to write into. A new folder appears complete or not at all (made next to it under a "
    "temporary name, then renamed), mode 0700 whatever the umask; into an existing folder the "
    "files go all or none, and other files there stay. Keys are written 0600.";

// A key file is the one thing we must never clobber by accident: it may be the only copy.
void refuse_to_overwrite(const CertSet& set, const fs::path& dir) {
  for (const auto& name : set.names()) {
    for (const char* ext : {".key", ".pem"}) {
      fs::path file = dir / (name + ext);
      if (fs::exists(file)) {
        throw InputError(file.string() + ": already exists; pass --force to overwrite");
      }
    }
  }
}

std::string expiry_text(const X509* cert) {
  std::string text = utc_text(x509::not_after(cert), "%Y-%m-%d %H:%M UTC");
  int days = 0;
  int secs = 0;
  if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert)) == 1) {
    // Rounded to whole days, so a fresh 825-day certificate says 825, not 824.
    long total = static_cast<long>(days) * 86400 + secs;
    long rounded = (total >= 0 ? total + 43200 : total - 43200) / 86400;
    long n = rounded < 0 ? -rounded : rounded;
    std::string count = std::to_string(n) + (n == 1 ? " day" : " days");
    text += total >= 0 ? " (in " + count + ")" : " (expired " + count + " ago)";
  }
  return text;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

// A small table: each file, what it is, and for certificates when they stop being valid.
void print_set(const CertSet& set, const fs::path& dir) {
  struct Row {
    std::string file, what, expires;
  };
  std::vector<Row> rows;
  for (const auto& name : set.names()) {
    const GeneratedCert& gc = set.get(name);
    if (gc.cert) {
      rows.push_back({name + ".pem", x509::subject(gc.cert.get()), expiry_text(gc.cert.get())});
    } else {
      rows.push_back({name + ".pem", "deliberately not a certificate (garbage)", ""});
    }
    rows.push_back({name + ".key", "private key, mode 0600", ""});
  }
  std::size_t file_w = 4;
  std::size_t what_w = 7;
  for (const auto& r : rows) {
    file_w = std::max(file_w, r.file.size());
    if (!r.expires.empty()) what_w = std::max(what_w, r.what.size());
  }
  std::cout << "wrote " << rows.size() << " files to " << dir.string() << "\n";
  std::cout << "  " << pad("file", file_w) << "  " << pad("subject", what_w) << "  expires\n";
  for (const auto& r : rows) {
    std::string line = "  " + pad(r.file, file_w) + "  " +
                       (r.expires.empty() ? r.what : pad(r.what, what_w) + "  " + r.expires);
    std::cout << line << "\n";
  }
}

// --cn is the server certificate's subject CN, which OpenSSL takes only as UTF-8 of 1 to 64
// characters; checked here so that it is refused as --cn, not later as "internal error".
CLI::Validator common_name_validator() {
  return CLI::Validator(
      [](std::string& cn) -> std::string {
        if (cn.empty()) return "must not be empty";
        try {
          io::check_utf8(cn, "--cn");
        } catch (const InputError&) {
          return "not valid UTF-8 text";
        }
        if (std::size_t chars = io::utf8_length(cn); chars > kMaxNameAttributeChars) {
          return std::to_string(chars) + " characters; X.509 allows at most " +
                 std::to_string(kMaxNameAttributeChars);
        }
        return "";
      },
      /*validator_desc=*/"");
}

void write_checked(const CertSet& set, const fs::path& dir, bool force) {
  if (!force) refuse_to_overwrite(set, dir);
  write_cert_set(set, dir);
  print_set(set, dir);
}

void add_gen(CLI::App& certs, Action& action) {
  auto opt = std::make_shared<GenOptions>();
  auto* cmd = certs.add_subcommand(
      "gen",
      "Write a ready Milvus-layout set: ca.pem ca.key server.pem server.key client.pem "
      "client.key.\nThe server certificate is for serverAuth, the client one for clientAuth; both "
      "are signed by the CA.\nPoint tls.serverPemPath, tls.serverKeyPath and tls.caPemPath at "
      "them.");
  cmd->add_option("--out", opt->out, kOutHelp)->required();
  cmd->add_option("--cn", opt->cn, "Common name of the server certificate (1 to 64 characters)")
      ->check(common_name_validator())
      ->capture_default_str();
  cmd->add_option("--san", opt->sans,
                  "subjectAltName entries, comma separated: DNS:NAME, IP:ADDR, URI:URI; a bare "
                  "name means DNS: (default: the CN, localhost and IP:127.0.0.1)")
      ->delimiter(',');
  std::vector<std::string> key_names(key_type_names().begin(), key_type_names().end());
  cmd->add_option("--key", opt->key, "Key type of all three certificates")
      ->check(CLI::IsMember(key_names))
      ->capture_default_str();
  cmd->add_option("--days", opt->days,
                  "Validity of the server and client certificates in days (the CA gets 3650, or "
                  "as many as the leaves if that is more)")
      ->check(CLI::Range(1, 36500))
      ->capture_default_str();
  cmd->add_flag("--force", opt->force, "Overwrite existing files");
  cmd->callback([opt, &action] {
    action = [opt] {
      MilvusLayoutOptions layout;
      layout.cn = opt->cn;
      for (const auto& entry : opt->sans) {
        if (!entry.empty()) layout.sans.push_back(entry);
      }
      // The loaders refuse certificates with more names than this; do not make one.
      if (layout.sans.size() > kMaxSubjectAltNames) {
        throw InputError("--san: " + std::to_string(layout.sans.size()) +
                         " entries; the limit is " + std::to_string(kMaxSubjectAltNames));
      }
      layout.key_type = *parse_key_type(opt->key);  // IsMember already checked it
      layout.leaf_days = opt->days;
      CertSet set;
      try {
        set = build_cert_set(milvus_layout(layout));
      } catch (const std::invalid_argument& e) {
        // A subjectAltName entry OpenSSL refuses (IP:999.1.1.1) is what remains after the checks
        // above, and it came from --san or, without --san, from --cn.
        throw InputError(std::string(layout.sans.empty() ? "--cn" : "--san") + ": " + e.what());
      }
      write_checked(set, opt->out, opt->force);
      return kExitOk;
    };
  });
}

void add_scenario(CLI::App& certs, Action& action) {
  auto opt = std::make_shared<ScenarioOptions>();
  auto* cmd = certs.add_subcommand(
      "scenario",
      "Write a scenario's certificate set as NAME.pem / NAME.key, to look at or to use by hand.");
  cmd->add_option("FILE", opt->file, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", opt->out, kOutHelp)->required();
  cmd->add_flag("--force", opt->force, "Overwrite existing files");
  cmd->callback([opt, &action] {
    action = [opt] {
      Scenario scenario = load_scenario(opt->file);
      write_checked(scenario_cert_set(scenario), opt->out, opt->force);
      return kExitOk;
    };
  });
}

}  // namespace

void add_certs_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("certs", "Generate certificate sets (Milvus layout or a scenario's)");
  cmd->require_subcommand(1);
  add_gen(*cmd, action);
  add_scenario(*cmd, action);
}

}  // namespace tlsmatrix::cli

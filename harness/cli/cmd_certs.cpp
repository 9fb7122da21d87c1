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
#include "harness/certs/pem_io.h"
#include "harness/certs/rotation.h"
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
  std::string ca_pem, ca_key;  // issue from this existing CA instead of making one
};

struct NextSetOptions {
  fs::path in, out;
  std::string ca_key;
  bool new_keys = false;
  std::optional<int> days, ca_days;
  bool no_cross = false;
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
void refuse_to_overwrite(const certs::CertSet& set, const fs::path& dir) {
  for (const auto& name : set.names()) {
    for (const char* ext : {".key", ".pem"}) {
      fs::path file = dir / (name + ext);
      if (fs::exists(file)) {
        throw io::InputError(file.string() + ": already exists; pass --force to overwrite");
      }
    }
  }
}

std::string expiry_text(const X509* cert) {
  std::string text = io::utc_text(x509::not_after(cert), "%Y-%m-%d %H:%M UTC");
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
void print_set(const certs::CertSet& set, const fs::path& dir) {
  struct Row {
    std::string file, what, expires;
  };
  std::vector<Row> rows;
  for (const auto& name : set.names()) {
    const certs::GeneratedCert& gc = set.get(name);
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
        } catch (const io::InputError&) {
          return "not valid UTF-8 text";
        }
        if (std::size_t chars = io::utf8_length(cn); chars > certs::kMaxNameAttributeChars) {
          return std::to_string(chars) + " characters; X.509 allows at most " +
                 std::to_string(certs::kMaxNameAttributeChars);
        }
        return "";
      },
      /*validator_desc=*/"");
}

void write_checked(const certs::CertSet& set, const fs::path& dir, bool force) {
  if (!force) refuse_to_overwrite(set, dir);
  certs::write_cert_set(set, dir);
  print_set(set, dir);
}

// The files of a next set, each with what it holds, in the table print_set prints.
void print_files(const std::vector<io::OutputFile>& files, const fs::path& dir) {
  std::size_t file_w = 4;
  for (const auto& f : files) file_w = std::max(file_w, f.path.string().size());
  std::cout << "wrote " << files.size() << " files to " << dir.string() << "\n";
  for (const auto& f : files) {
    std::string line = "  " + pad(f.path.string(), file_w) + "  ";
    if (f.perms == io::kPrivateKeyPerms) {
      line += "private key, mode 0600";
    } else {
      auto certs = certs::parse_certs(f.content, f.path.string());
      line += x509::subject(certs.front().get());
      if (certs.size() > 1) line += " + " + std::to_string(certs.size() - 1) + " more";
      line += ", expires " + expiry_text(certs.front().get());
    }
    std::cout << line << "\n";
  }
}

void write_files_checked(std::vector<io::OutputFile> files, const fs::path& dir, bool force) {
  if (!force) {
    for (const auto& f : files) {
      if (fs::exists(dir / f.path)) {
        throw io::InputError((dir / f.path).string() + ": already exists; pass --force to overwrite");
      }
    }
  }
  std::vector<io::OutputFile> shown = files;
  io::write_folder(dir, std::move(files));
  print_files(shown, dir);
}

// `certs gen --ca-pem --ca-key`: the layout's leaves, issued by the given CA instead of the one
// generated with them.
std::vector<io::OutputFile> issue_from_ca(const certs::CertSet& set, const GenOptions& o) {
  std::vector<ossl::X509Ptr> ca = certs::load_certs(o.ca_pem);
  ossl::EvpPkeyPtr key = certs::load_private_key(o.ca_key);
  if (X509_check_private_key(ca.front().get(), key.get()) != 1) {
    throw io::InputError(o.ca_key + ": not the private key of " + o.ca_pem);
  }
  if (!(X509_get_extension_flags(ca.front().get()) & EXFLAG_CA)) {
    throw io::InputError(o.ca_pem + ": not a CA certificate (no basicConstraints CA:TRUE); it cannot issue");
  }
  std::string ca_text;
  for (const auto& c : ca) ca_text += certs::to_pem(c.get());
  std::vector<io::OutputFile> files{{certs::kCaPem, ca_text}};
  const certs::Issuer issuer{ca.front().get(), key.get()};
  for (const char* name : {"server", "client"}) {
    const certs::GeneratedCert& g = set.get(name);
    const auto life = std::chrono::seconds(std::int64_t{o.days} * 86400 + 3600);
    ossl::X509Ptr cert = certs::reissue(g.cert.get(), g.key.get(), issuer, life);
    files.push_back({std::string(name) + ".pem", certs::to_pem(cert.get())});
    files.push_back({std::string(name) + ".key", g.key_pem, io::kPrivateKeyPerms});
  }
  return files;
}

void check_distinct(const NextSetOptions& o) {
  std::error_code ec;
  if (fs::equivalent(o.in, o.out, ec)) {
    throw io::InputError("--out " + o.out.string() + ": is the --in folder; write the next set to a new "
                     "folder, check the move with `tlsmatrix rotate --from " + o.in.string() + " --to " +
                     o.out.string() + "`, then deploy it");
  }
}

// renew's and rotate-ca's input: --in's set with its CA key (--ca-key, default IN/ca.key), once
// --out is known to be another folder.
certs::LayoutSet load_current_set(const NextSetOptions& o) {
  check_distinct(o);
  return certs::load_layout(o.in, true, o.ca_key.empty() ? std::nullopt : std::optional<fs::path>(o.ca_key));
}

void add_renew(CLI::App& certs, Action& action) {
  auto opt = std::make_shared<NextSetOptions>();
  auto* cmd = certs.add_subcommand(
      "renew", "The next set under the same CA: the server and client certificates re-issued.");
  cmd->footer(
      "Same subjects, subjectAltNames and usages, same keys unless --new-keys, a new\n"
      "validity period, signed by IN/ca.pem with IN/ca.key. ca.pem (and ca.key) are\n"
      "copied; what a leaf file sent after its leaf (a cross-signed CA) is kept.\n"
      "Check the move with `tlsmatrix rotate --from IN --to OUT` before deploying.\n"
      "Exit 0 written, 2 bad input (a file named) or an existing file without --force.");
  cmd->add_option("--in", opt->in, "The current set: ca.pem ca.key server.pem server.key client.pem client.key")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", opt->out, kOutHelp)->required();
  cmd->add_option("--ca-key", opt->ca_key, "The CA's private key (default: IN/ca.key)")->check(CLI::ExistingFile);
  cmd->add_flag("--new-keys", opt->new_keys, "New keys of the same types for the leaves (default: keep the keys)");
  cmd->add_option("--days", opt->days, "Validity of the new leaves in days (default: each leaf's current lifetime)")
      ->check(CLI::Range(1, 36500));
  cmd->add_flag("--force", opt->force, "Overwrite existing files");
  cmd->callback([opt, &action] {
    action = [opt] {
      certs::LayoutSet in = load_current_set(*opt);
      write_files_checked(certs::renew_files(in, {.new_keys = opt->new_keys, .days = opt->days}), opt->out, opt->force);
      return kExitOk;
    };
  });
}

void add_rotate_ca(CLI::App& certs, Action& action) {
  auto opt = std::make_shared<NextSetOptions>();
  auto* cmd = certs.add_subcommand(
      "rotate-ca", "The next set under a new CA, with a cross-signed CA and the transitional bundle.");
  cmd->footer(
      "Writes ca.pem/ca.key (new key, new name), cross.pem (the new CA signed by the\n"
      "old one), new server and client certificates with new keys, each sending\n"
      "cross.pem along so that peers trusting only the old CA still accept them, and\n"
      "ca-bundle.pem (old and new roots) for clients and tls.caPemPath during the\n"
      "move. `tlsmatrix rotate --from IN --to OUT` prints the order to roll it out in.\n"
      "Exit 0 written, 2 bad input (a file named) or an existing file without --force.");
  cmd->add_option("--in", opt->in, "The current set: ca.pem ca.key server.pem server.key client.pem client.key")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", opt->out, kOutHelp)->required();
  cmd->add_option("--ca-key", opt->ca_key, "The old CA's private key (default: IN/ca.key)")->check(CLI::ExistingFile);
  cmd->add_option("--ca-days", opt->ca_days, "Validity of the new CA in days (default: the old CA's lifetime)")
      ->check(CLI::Range(1, 36500));
  cmd->add_option("--days", opt->days, "Validity of the new leaves in days (default: each leaf's current lifetime)")
      ->check(CLI::Range(1, 36500));
  cmd->add_flag("--no-cross", opt->no_cross,
                "No cross-signed certificate: the leaves send only themselves, so peers must trust "
                "the new CA (ca-bundle.pem) before they meet them");
  cmd->add_flag("--force", opt->force, "Overwrite existing files");
  cmd->callback([opt, &action] {
    action = [opt] {
      certs::LayoutSet in = load_current_set(*opt);
      write_files_checked(
          certs::rotate_ca_files(in, {.ca_days = opt->ca_days, .leaf_days = opt->days, .cross_sign = !opt->no_cross}),
          opt->out, opt->force);
      return kExitOk;
    };
  });
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
  std::vector<std::string> key_names(certs::key_type_names().begin(), certs::key_type_names().end());
  cmd->add_option("--key", opt->key, "Key type of all three certificates")
      ->check(CLI::IsMember(key_names))
      ->capture_default_str();
  cmd->add_option("--days", opt->days,
                  "Validity of the server and client certificates in days (the CA gets 3650, or "
                  "as many as the leaves if that is more)")
      ->check(CLI::Range(1, 36500))
      ->capture_default_str();
  auto* ca_pem = cmd->add_option("--ca-pem", opt->ca_pem,
                                 "Issue server.pem and client.pem from this existing CA certificate "
                                 "(copied as ca.pem; its key is not copied)")
                     ->check(CLI::ExistingFile);
  auto* ca_key = cmd->add_option("--ca-key", opt->ca_key, "The private key of --ca-pem")
                     ->check(CLI::ExistingFile);
  ca_pem->needs(ca_key);
  ca_key->needs(ca_pem);
  cmd->add_flag("--force", opt->force, "Overwrite existing files");
  cmd->callback([opt, &action] {
    action = [opt] {
      certs::MilvusLayoutOptions layout;
      layout.cn = opt->cn;
      for (const auto& entry : opt->sans) {
        if (!entry.empty()) layout.sans.push_back(entry);
      }
      // The loaders refuse certificates with more names than this; do not make one.
      if (layout.sans.size() > certs::kMaxSubjectAltNames) {
        throw io::InputError("--san: " + std::to_string(layout.sans.size()) +
                         " entries; the limit is " + std::to_string(certs::kMaxSubjectAltNames));
      }
      layout.key_type = *certs::parse_key_type(opt->key);  // IsMember already checked it
      layout.leaf_days = opt->days;
      certs::CertSet set;
      try {
        set = certs::build_cert_set(certs::milvus_layout(layout));
      } catch (const std::invalid_argument& e) {
        // A subjectAltName entry OpenSSL refuses (IP:999.1.1.1) is what remains after the checks
        // above, and it came from --san or, without --san, from --cn.
        throw io::InputError(std::string(layout.sans.empty() ? "--cn" : "--san") + ": " + e.what());
      }
      if (!opt->ca_pem.empty()) {
        write_files_checked(issue_from_ca(set, *opt), opt->out, opt->force);
        return kExitOk;
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
      scenario::Scenario scenario = scenario::load_scenario(opt->file);
      write_checked(runner::scenario_cert_set(scenario), opt->out, opt->force);
      return kExitOk;
    };
  });
}

}  // namespace

void add_certs_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("certs", "Generate certificate sets (Milvus layout or a scenario's) and the next set (renew, rotate-ca)");
  cmd->require_subcommand(1);
  add_gen(*cmd, action);
  add_scenario(*cmd, action);
  add_renew(*cmd, action);
  add_rotate_ca(*cmd, action);
}

}  // namespace tlsmatrix::cli

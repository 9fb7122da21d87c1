#include "harness/certs/rotation.h"

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>

#include "harness/certs/cert_factory.h"
#include "harness/certs/key_pool.h"
#include "harness/certs/pem_io.h"
#include "harness/io/input_error.h"
#include "harness/io/utc_time.h"
#include "harness/x509/names.h"

namespace tlsmatrix::certs {

namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

std::chrono::sys_seconds asn1_time(const ASN1_TIME* t) {
  struct tm tm {};
  ossl::check(ASN1_TIME_to_tm(t, &tm) == 1, "reading a certificate date");
  return std::chrono::sys_seconds(seconds(timegm(&tm)));
}

seconds lifetime_of(const X509* cert) {
  return asn1_time(X509_get0_notAfter(cert)) - asn1_time(X509_get0_notBefore(cert));
}

// --days N: valid N days from now (reissue backdates an hour, as certs gen does).
seconds days(int n) { return seconds(std::int64_t{n} * 86400 + 3600); }

void check_issued_by(const X509* leaf, const std::vector<ossl::X509Ptr>& ca, const fs::path& file,
                     const fs::path& ca_file) {
  if (X509_check_issued(ca.front().get(), const_cast<X509*>(leaf)) != X509_V_OK) {
    throw io::InputError(file.string() + ": not issued by the first certificate of " + ca_file.string() + " (" +
                     x509::subject(ca.front().get()) + "); renewing needs the CA that issued it");
  }
}

std::string pem_chain(const X509* leaf, const std::vector<ossl::X509Ptr>& rest_from, std::size_t skip) {
  std::string out = to_pem(leaf);
  for (std::size_t i = skip; i < rest_from.size(); ++i) out += to_pem(rest_from[i].get());
  return out;
}

ossl::EvpPkeyPtr fresh_key_like(const EVP_PKEY* key, const fs::path& file) {
  auto type = key_type_of(key);
  if (!type) throw io::InputError(file.string() + ": a key type tlsmatrix cannot generate a new one of");
  return generate_key(*type);
}

ossl::EvpPkeyPtr ref(EVP_PKEY* key) {
  ossl::check(EVP_PKEY_up_ref(key) == 1, "referencing a key");
  return ossl::EvpPkeyPtr(key);
}

// The old CA's subject with its CN replaced: "tlsmatrix test CA (2026-12-01)". A different name,
// so that no verifier confuses the two CAs while both are trusted.
ossl::X509NamePtr new_ca_name(const X509* old_ca, std::chrono::system_clock::time_point now) {
  ossl::X509NamePtr name(X509_NAME_dup(X509_get_subject_name(old_ca)));
  ossl::check(name != nullptr, "copying the CA's name");
  std::string cn;
  int pos = X509_NAME_get_index_by_NID(name.get(), NID_commonName, -1);
  if (pos >= 0) {
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name.get(), pos)));
    if (len > 0) cn.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    X509_NAME_ENTRY_free(X509_NAME_delete_entry(name.get(), pos));
  }
  if (auto open = cn.rfind(" ("); open != std::string::npos && !cn.empty() && cn.back() == ')') cn.resize(open);
  if (cn.empty()) cn = "CA";
  std::string stamp = " (" + io::utc_text(now, "%Y-%m-%d %H:%M:%S") + ")";
  if (cn.size() + stamp.size() > kMaxNameAttributeChars) cn.resize(kMaxNameAttributeChars - stamp.size());
  cn += stamp;
  ossl::check(X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                         reinterpret_cast<const unsigned char*>(cn.data()),
                                         static_cast<int>(cn.size()), -1, 0) == 1,
              "naming the new CA");
  return name;
}

}  // namespace

std::optional<KeyType> key_type_of(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      switch (EVP_PKEY_get_bits(key)) {
        case 1024: return KeyType::rsa1024;
        case 2048: return KeyType::rsa2048;
        case 3072: return KeyType::rsa3072;
        case 4096: return KeyType::rsa4096;
        default: return std::nullopt;
      }
    case EVP_PKEY_EC: {
      char group[64] = {};
      if (EVP_PKEY_get_group_name(key, group, sizeof group, nullptr) != 1) return std::nullopt;
      std::string g = group;
      if (g == "prime256v1" || g == "P-256") return KeyType::ec_p256;
      if (g == "secp384r1" || g == "P-384") return KeyType::ec_p384;
      return std::nullopt;
    }
    case EVP_PKEY_ED25519:
      return KeyType::ed25519;
    default:
      return std::nullopt;
  }
}

LayoutSet read_layout(const fs::path& dir) {
  LayoutSet s;
  s.dir = dir;
  auto certs = [&dir](const char* name, std::string& text) {
    text = io::read_file(dir / name);
    return parse_certs(text, (dir / name).string());
  };
  auto key = [&dir](const char* name, std::string& text) {
    text = io::read_file(dir / name);
    return parse_private_key(text, (dir / name).string());
  };
  s.ca = certs(kCaPem, s.text.ca);
  s.server = certs(kServerPem, s.text.server);
  s.server_key = key(kServerKey, s.text.server_key);
  s.client = certs(kClientPem, s.text.client);
  s.client_key = key(kClientKey, s.text.client_key);
  return s;
}

LayoutSet load_layout(const fs::path& dir, bool need_ca_key, const std::optional<fs::path>& ca_key) {
  LayoutSet s = read_layout(dir);
  const fs::path key_file = ca_key.value_or(dir / kCaKey);
  if (need_ca_key) {
    s.ca_key = load_private_key(key_file);
    if (X509_check_private_key(s.ca.front().get(), s.ca_key.get()) != 1) {
      ERR_clear_error();
      throw io::InputError(key_file.string() + ": not the private key of " + (dir / kCaPem).string());
    }
  }
  const std::pair<const std::vector<ossl::X509Ptr>*, std::pair<EVP_PKEY*, const char*>> leaves[] = {
      {&s.server, {s.server_key.get(), kServerPem}}, {&s.client, {s.client_key.get(), kClientPem}}};
  for (const auto& [chain, key] : leaves) {
    if (X509_check_private_key(chain->front().get(), key.first) != 1) {
      ERR_clear_error();
      throw io::InputError((dir / key.second).string() + ": its key file is not this certificate's key");
    }
    check_issued_by(chain->front().get(), s.ca, dir / key.second, dir / kCaPem);
  }
  return s;
}

std::vector<io::OutputFile> renew_files(const LayoutSet& in, const RenewOptions& o) {
  std::vector<io::OutputFile> files;
  std::string ca_pem;
  for (const auto& c : in.ca) ca_pem += to_pem(c.get());
  files.push_back({kCaPem, ca_pem});
  if (in.ca_key) files.push_back({kCaKey, to_pem(in.ca_key.get()), io::kPrivateKeyPerms});
  const Issuer issuer{in.ca.front().get(), in.ca_key.get()};
  auto leaf = [&](const std::vector<ossl::X509Ptr>& chain, EVP_PKEY* old_key, const char* pem, const char* key) {
    ossl::EvpPkeyPtr k = o.new_keys ? fresh_key_like(old_key, in.dir / key) : ref(old_key);
    const X509* old = chain.front().get();
    ossl::X509Ptr cert = reissue(old, k.get(), issuer, o.days ? days(*o.days) : lifetime_of(old));
    files.push_back({pem, pem_chain(cert.get(), chain, 1)});
    files.push_back({key, to_pem(k.get()), io::kPrivateKeyPerms});
  };
  leaf(in.server, in.server_key.get(), kServerPem, kServerKey);
  leaf(in.client, in.client_key.get(), kClientPem, kClientKey);
  return files;
}

std::vector<io::OutputFile> rotate_ca_files(const LayoutSet& in, const RotateCaOptions& o) {
  const auto now = std::chrono::system_clock::now();
  const X509* old_ca = in.ca.front().get();
  ossl::EvpPkeyPtr ca_key = fresh_key_like(in.ca_key.get(), in.dir / kCaKey);
  ossl::X509NamePtr name = new_ca_name(old_ca, now);
  const seconds ca_life = o.ca_days ? days(*o.ca_days) : lifetime_of(old_ca);
  ossl::X509Ptr ca = reissue(old_ca, ca_key.get(), Issuer{}, ca_life, name.get(), now);
  std::vector<io::OutputFile> files;
  files.push_back({kCaPem, to_pem(ca.get())});
  files.push_back({kCaKey, to_pem(ca_key.get()), io::kPrivateKeyPerms});
  // The old root first: what clients trusted so far keeps working while the new one is added.
  files.push_back({kCaBundlePem, to_pem(old_ca) + to_pem(ca.get())});
  std::string cross_pem;
  if (o.cross_sign) {
    // No longer than the old CA itself: a path through it ends when the old root does.
    const auto old_end = asn1_time(X509_get0_notAfter(old_ca));
    const auto start = std::chrono::floor<seconds>(now) - std::chrono::hours(1);
    seconds life = std::min(ca_life, std::chrono::duration_cast<seconds>(old_end - start));
    if (life > seconds(0)) {
      ossl::X509Ptr cross = reissue(ca.get(), ca_key.get(), Issuer{old_ca, in.ca_key.get()}, life, nullptr, now);
      cross_pem = to_pem(cross.get());
      files.push_back({kCrossPem, cross_pem});
    }
  }
  const Issuer issuer{ca.get(), ca_key.get()};
  auto leaf = [&](const std::vector<ossl::X509Ptr>& chain, EVP_PKEY* old_key, const char* pem, const char* key) {
    ossl::EvpPkeyPtr k = fresh_key_like(old_key, in.dir / key);
    const X509* old = chain.front().get();
    ossl::X509Ptr cert = reissue(old, k.get(), issuer, o.leaf_days ? days(*o.leaf_days) : lifetime_of(old),
                                 nullptr, now);
    files.push_back({pem, to_pem(cert.get()) + cross_pem});
    files.push_back({key, to_pem(k.get()), io::kPrivateKeyPerms});
  };
  leaf(in.server, in.server_key.get(), kServerPem, kServerKey);
  leaf(in.client, in.client_key.get(), kClientPem, kClientKey);
  return files;
}

}  // namespace tlsmatrix::certs

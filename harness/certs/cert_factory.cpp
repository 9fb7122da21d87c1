#include "harness/certs/cert_factory.h"

#include <openssl/pem.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "harness/certs/cert_fields.h"
#include "harness/io/file_io.h"

namespace tlsmatrix::certs {

namespace fs = std::filesystem;

const GeneratedCert& CertSet::get(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) throw std::out_of_range("no certificate named '" + name + "' in the set");
  return it->second;
}

void CertSet::add(GeneratedCert cert) {
  std::string name = cert.name;
  auto [it, inserted] = by_name_.emplace(name, std::move(cert));
  if (!inserted) throw std::invalid_argument("certificate '" + name + "' added twice");
  order_.push_back(name);
}

std::string to_pem(const X509* cert) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  ossl::check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "encoding a certificate as PEM");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string to_pem(const EVP_PKEY* key) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  ossl::check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                              nullptr) == 1,
              "encoding a private key as PEM");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

namespace {

// Issuers before subjects, keeping the given order otherwise (a stable depth-first walk).
std::vector<const CertSpec*> issuers_first(const std::vector<CertSpec>& specs) {
  std::map<std::string, const CertSpec*> by_name;
  for (const auto& spec : specs) {
    if (spec.name.empty()) throw std::invalid_argument("a certificate has no name");
    if (!by_name.emplace(spec.name, &spec).second) {
      throw std::invalid_argument("certificate name '" + spec.name + "' is used twice");
    }
  }
  std::vector<const CertSpec*> out;
  std::set<std::string> done;
  std::set<std::string> visiting;
  auto visit = [&](auto&& self, const CertSpec& spec) -> void {
    if (done.count(spec.name) != 0) return;
    if (!visiting.insert(spec.name).second) {
      throw std::invalid_argument("issuer cycle through certificate '" + spec.name + "'");
    }
    if (!spec.issuer.empty() && spec.issuer != spec.name) {
      auto it = by_name.find(spec.issuer);
      if (it == by_name.end()) {
        throw std::invalid_argument("certificate '" + spec.name + "': issuer '" + spec.issuer +
                                    "' is not in the set");
      }
      self(self, *it->second);
    }
    visiting.erase(spec.name);
    done.insert(spec.name);
    out.push_back(&spec);
  };
  for (const auto& spec : specs) visit(visit, spec);
  return out;
}

const EVP_MD* signing_digest(const CertSpec& spec, const EVP_PKEY* signer) {
  // EdDSA hashes internally; OpenSSL wants no digest for it.
  if (EVP_PKEY_get_id(signer) == EVP_PKEY_ED25519) return nullptr;
  if (spec.digest == "sha256") return EVP_sha256();
  if (spec.digest == "sha384") return EVP_sha384();
  if (spec.digest == "sha512") return EVP_sha512();
  if (spec.digest == "sha1") return EVP_sha1();
  throw std::invalid_argument("certificate '" + spec.name + "': unknown digest '" + spec.digest +
                              "' (sha1, sha256, sha384, sha512)");
}

// PEM armour around bytes that are not a certificate. The bytes are SHA-256 in counter mode over
// the certificate's name, not random: OpenSSL's words for them (which ASN.1 tag it tripped on)
// reach the report, and two runs of one scenario must report the same. The first byte is not
// 0x30 (an ASN.1 SEQUENCE), so the DER inside can never parse as a certificate.
std::string garbage_pem(const std::string& name) {
  unsigned char bytes[384];
  for (std::size_t block = 0; block * 32 < sizeof bytes; ++block) {
    const std::string seed = "tlsmatrix garbage " + std::to_string(block) + " " + name;
    unsigned char digest[32];
    unsigned int len = 0;
    ossl::check(EVP_Digest(seed.data(), seed.size(), digest, &len, EVP_sha256(), nullptr) == 1 && len == 32,
                "hashing the garbage certificate's seed");
    std::memcpy(bytes + block * 32, digest, std::min<std::size_t>(32, sizeof bytes - block * 32));
  }
  bytes[0] = 0xA5;
  std::string b64(4 * ((sizeof bytes + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), bytes, sizeof bytes);
  b64.resize(static_cast<std::size_t>(n));
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  return pem;
}

ossl::X509Ptr make_cert(const CertSpec& spec, EVP_PKEY* key, const GeneratedCert* issuer,
                        std::chrono::system_clock::time_point now) {
  ossl::X509Ptr x(X509_new());
  ossl::check(x != nullptr, "allocating a certificate");
  ossl::check(X509_set_version(x.get(), X509_VERSION_3) == 1, "setting the version");
  set_serial(x.get(), spec);
  ossl::X509NamePtr subject = make_subject(spec);
  ossl::check(X509_set_subject_name(x.get(), subject.get()) == 1, "setting the subject");
  ossl::check(X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer->cert.get())
                                                   : subject.get()) == 1,
              "setting the issuer");
  set_validity(x.get(), spec, now);
  ossl::check(X509_set_pubkey(x.get(), key) == 1, "setting the public key");

  add_basic_constraints(x.get(), spec);
  add_key_usages(x.get(), spec);
  add_key_identifiers(x.get(), issuer ? issuer->cert.get() : nullptr, spec);
  add_san(x.get(), spec);
  add_name_constraints(x.get(), spec);
  add_raw_extensions(x.get(), spec);

  EVP_PKEY* signer = issuer ? issuer->key.get() : key;
  ossl::check(X509_sign(x.get(), signer, signing_digest(spec, signer)) > 0,
              "certificate '" + spec.name + "': signing");
  return x;
}

}  // namespace

std::vector<std::pair<KeyType, int>> pool_slots(const std::vector<CertSpec>& specs) {
  // A cert with key_of takes no slot of its own (so adding one leaves the others' keys as they
  // were) and gets the slot of the cert whose key it shares, followed to the end of the chain.
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < specs.size(); ++i) index.emplace(specs[i].name, i);
  std::map<KeyType, int> per_type;
  std::vector<std::pair<KeyType, int>> out(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].key_of.empty()) out[i] = {specs[i].key_type, per_type[specs[i].key_type]++};
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::size_t at = i;
    for (std::size_t hops = 0; !specs[at].key_of.empty(); ++hops) {
      auto it = index.find(specs[at].key_of);
      if (it == index.end() || hops >= specs.size()) {
        throw std::invalid_argument("certificate '" + specs[i].name + "': key_of '" + specs[at].key_of +
                                    (it == index.end() ? "' is not in the set" : "' loops"));
      }
      at = it->second;
    }
    out[i] = out[at];
  }
  return out;
}

CertSet build_cert_set(const std::vector<CertSpec>& specs, KeyPool& pool,
                       std::chrono::system_clock::time_point now) {
  CertSet set;
  // Slots follow the order the specs were given, not generation order, so that a cert keeps its
  // key when the file lists issuers later.
  const std::vector<std::pair<KeyType, int>> slots = pool_slots(specs);
  std::map<const CertSpec*, int> slot;
  for (std::size_t i = 0; i < specs.size(); ++i) slot[&specs[i]] = slots[i].second;
  pool.warm(slots);

  for (const CertSpec* spec : issuers_first(specs)) {
    GeneratedCert out;
    out.name = spec->name;
    // key_of: the shared key, and its type, whatever key_type says.
    std::size_t at = static_cast<std::size_t>(spec - specs.data());
    out.key = pool.get(slots[at].first, slot[spec]);
    out.key_pem = to_pem(out.key.get());
    const GeneratedCert* issuer = nullptr;
    if (!spec->issuer.empty() && spec->issuer != spec->name) {
      issuer = &set.get(spec->issuer);
      if (!issuer->cert) {
        throw std::invalid_argument("certificate '" + spec->name + "': issuer '" + spec->issuer +
                                    "' is a garbage certificate and cannot sign");
      }
    }
    if (spec->garbage) {
      out.cert_pem = garbage_pem(spec->name);
    } else {
      out.cert = make_cert(*spec, out.key.get(), issuer, now);
      out.cert_pem = to_pem(out.cert.get());
    }
    set.add(std::move(out));
  }
  return set;
}

ossl::X509Ptr reissue(const X509* model, EVP_PKEY* key, const Issuer& issuer, std::chrono::seconds lifetime,
                      const X509_NAME* subject, std::chrono::system_clock::time_point now) {
  ossl::X509Ptr x(X509_new());
  ossl::check(x != nullptr, "allocating a certificate");
  ossl::check(X509_set_version(x.get(), X509_VERSION_3) == 1, "setting the version");
  set_serial(x.get(), CertSpec{});
  const X509_NAME* own = subject != nullptr ? subject : X509_get_subject_name(model);
  ossl::check(X509_set_subject_name(x.get(), own) == 1, "setting the subject");
  ossl::check(X509_set_issuer_name(x.get(), issuer.cert ? X509_get_subject_name(issuer.cert) : own) == 1,
              "setting the issuer");
  CertSpec validity;
  validity.not_before = std::chrono::seconds(-3600);
  validity.not_after = lifetime + validity.not_before;
  set_validity(x.get(), validity, now);
  ossl::check(X509_set_pubkey(x.get(), key) == 1, "setting the public key");
  for (int i = 0; i < X509_get_ext_count(model); ++i) {
    X509_EXTENSION* ext = X509_get_ext(model, i);
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    if (nid == NID_subject_key_identifier || nid == NID_authority_key_identifier) continue;
    ossl::check(X509_add_ext(x.get(), ext, -1) == 1, "copying an extension");
  }
  add_key_identifiers(x.get(), issuer.cert, CertSpec{});
  EVP_PKEY* signer = issuer.cert ? issuer.key : key;
  ossl::check(X509_sign(x.get(), signer, signing_digest(CertSpec{}, signer)) > 0, "signing a reissued certificate");
  return x;
}

void write_cert_set(const CertSet& set, const fs::path& dir) {
  std::vector<io::OutputFile> files;
  for (const auto& name : set.names()) {
    const GeneratedCert& gc = set.get(name);
    files.push_back({name + ".pem", gc.cert_pem, fs::perms(0644)});
    files.push_back({name + ".key", gc.key_pem, io::kPrivateKeyPerms});
  }
  io::write_folder(dir, std::move(files));
}

}  // namespace tlsmatrix::certs

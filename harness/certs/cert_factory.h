// Turns certificate specs into real X509 certificates and keys with the OpenSSL 3 API.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/certs/cert_spec.h"
#include "harness/certs/key_pool.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::certs {

struct GeneratedCert {
  std::string name;
  ossl::X509Ptr cert;     // null when spec.garbage
  ossl::EvpPkeyPtr key;
  std::string cert_pem;   // exactly what NAME.pem holds (garbage bytes when spec.garbage)
  std::string key_pem;    // PKCS#8, unencrypted
};

// A set of certificates generated together, looked up by name.
class CertSet {
 public:
  // Throws std::out_of_range naming the missing certificate.
  const GeneratedCert& get(const std::string& name) const;
  bool contains(const std::string& name) const { return by_name_.count(name) != 0; }
  const std::vector<std::string>& names() const { return order_; }  // issuers before subjects
  void add(GeneratedCert cert);

 private:
  std::map<std::string, GeneratedCert> by_name_;
  std::vector<std::string> order_;
};

// Generates every spec, issuers first. Specs must already be valid (names unique, issuers exist,
// no cycles: the scenario loader checks that with line numbers); violations throw
// std::invalid_argument. Keys come from `pool` (slot = index among the set's certs of one type).
CertSet build_cert_set(const std::vector<CertSpec>& specs, KeyPool& pool = KeyPool::shared(),
                       std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The (key type, slot) pairs build_cert_set takes from the pool for `specs`, in spec order. A
// caller about to build many sets can hand all of them to KeyPool::warm at once, so that key
// generation runs on every core for the whole catalogue instead of set by set.
std::vector<std::pair<KeyType, int>> pool_slots(const std::vector<CertSpec>& specs);

// Writes NAME.pem (0644) and NAME.key (0600) for every cert into `dir`, the whole set or nothing
// (io::write_folder): a new `dir` appears complete, mode 0700; missing parents are created.
void write_cert_set(const CertSet& set, const std::filesystem::path& dir);

// Who signs a certificate: `cert` null means self-signed with the new certificate's own key.
struct Issuer {
  const X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

// A new certificate modelled on `model` (renewal, re-keying, a new or cross-signed CA): the same
// subject (or `subject`), every extension of `model` except the key identifiers, which are
// computed afresh for `key` and the issuer; a new random serial; valid from an hour before `now`
// for `lifetime` in all (notAfter - notBefore, as `model`'s lifetime is counted); for `key`, signed by `issuer` (SHA-256, none for Ed25519).
ossl::X509Ptr reissue(const X509* model, EVP_PKEY* key, const Issuer& issuer, std::chrono::seconds lifetime,
                      const X509_NAME* subject = nullptr,
                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// PEM encodings.
std::string to_pem(const X509* cert);
std::string to_pem(const EVP_PKEY* key);  // private key, PKCS#8

}  // namespace tlsmatrix::certs

// Small helpers shared by the certificate tests: spec builders, a temporary folder, chain checks.
#pragma once

#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "harness/certs/cert_spec.h"
#include "harness/io/input_error.h"
#include "harness/ossl/ossl_ptr.h"
#include "harness/x509/verify.h"

namespace tlsmatrix::testutil {

inline CertSpec spec(std::string name, std::string issuer = "", bool ca = false,
                     KeyType type = KeyType::ec_p256) {
  CertSpec s;
  s.name = std::move(name);
  s.issuer = std::move(issuer);
  s.ca = ca;
  s.key_type = type;
  s.cn = s.name;
  return s;
}

// The message of the InputError `fn` throws, or "(no InputError)".
inline std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tlsmatrix-test-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Verifies `leaf` against `root` as the only trust anchor with `untrusted` as intermediates,
// with X509_verify_cert's own defaults. Returns X509_V_OK or the verification error.
inline int verify_chain(X509* leaf, X509* root, const std::vector<X509*>& untrusted = {}) {
  return x509::verify(leaf, untrusted, {root}, {}).error;
}

}  // namespace tlsmatrix::testutil

// The moment certificate dates are judged at, for every verification in this process: the
// engine's X509_verify_cert (both ends' chain checks, every profile) and the real OpenSSL
// verification inside every SSL_CTX this process creates, gRPC's own included.
//
// `--at` on validate, run and rotate sets it, so "would this work on 2027-01-15?" is answered by
// the same handshakes and the same verifier the runner always uses, not by comparing dates.
// Unset (the default), OpenSSL reads the clock as usual.
#pragma once

#include <openssl/x509_vfy.h>

#include <chrono>
#include <optional>

namespace tlsmatrix::ossl {

// Sets (or with nullopt clears) the verification time. Installs, once, an SSL_CTX hook (an
// ex_data constructor, the only way to reach the contexts gRPC creates) that gives every new
// SSL_CTX this time; contexts made before the call keep the time they got. Call it between
// handshakes, not during them.
void set_verification_time(std::optional<std::chrono::sys_seconds> at);
std::optional<std::chrono::sys_seconds> verification_time();

// Applies the verification time to `param` (X509_VERIFY_PARAM_set_time); no-op when unset.
void apply_verification_time(X509_VERIFY_PARAM* param);

// Sets the time for the life of the object and restores the previous one after.
class ScopedVerificationTime {
 public:
  explicit ScopedVerificationTime(std::optional<std::chrono::sys_seconds> at)
      : previous_(verification_time()) {
    set_verification_time(at);
  }
  ~ScopedVerificationTime() { set_verification_time(previous_); }
  ScopedVerificationTime(const ScopedVerificationTime&) = delete;
  ScopedVerificationTime& operator=(const ScopedVerificationTime&) = delete;

 private:
  std::optional<std::chrono::sys_seconds> previous_;
};

}  // namespace tlsmatrix::ossl

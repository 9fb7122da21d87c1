#include "harness/ossl/verify_time.h"

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace tlsmatrix::ossl {

namespace {

// Seconds since the epoch; kUnset when no time is set. One word, so gRPC's threads creating
// contexts read it without a lock.
constexpr std::int64_t kUnset = INT64_MIN;
std::atomic<std::int64_t> g_time{kUnset};

// Runs inside SSL_CTX_new for every context, after its X509_VERIFY_PARAM exists (OpenSSL 3.0
// makes ctx->param before the ex_data). Each SSL inherits the context's param, and
// ssl_verify_cert_chain copies it into the X509_STORE_CTX, USE_CHECK_TIME flag included.
void on_new_ctx(void* parent, void*, CRYPTO_EX_DATA*, int, long, void*) {
  if (X509_VERIFY_PARAM* param = SSL_CTX_get0_param(static_cast<SSL_CTX*>(parent))) {
    apply_verification_time(param);
  }
}

void install_hook() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (SSL_CTX_get_ex_new_index(0, nullptr, on_new_ctx, nullptr, nullptr) < 0) {
      throw std::runtime_error("OpenSSL: cannot register an SSL_CTX hook for the verification time");
    }
  });
}

}  // namespace

void set_verification_time(std::optional<std::chrono::sys_seconds> at) {
  if (at) install_hook();
  g_time = at ? static_cast<std::int64_t>(at->time_since_epoch().count()) : kUnset;
}

std::optional<std::chrono::sys_seconds> verification_time() {
  std::int64_t t = g_time.load();
  if (t == kUnset) return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::seconds(t));
}

void apply_verification_time(X509_VERIFY_PARAM* param) {
  std::int64_t t = g_time.load();
  if (t == kUnset || param == nullptr) return;
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(t));
}

}  // namespace tlsmatrix::ossl

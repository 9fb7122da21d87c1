#include "harness/endpoints/own_cert_level.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

#include "harness/ossl/mem_bio.h"

namespace tlsmatrix {

namespace {

constexpr std::string_view kMark = "tlsmatrix own-certificate security level ";

using SecurityCallback = int (*)(const SSL*, const SSL_CTX*, int, int, int, void*, void*);

// OpenSSL's default callback, as a fresh SSL_CTX has it: the answer for everything unmarked.
std::atomic<SecurityCallback> g_default{nullptr};

// The level a marked certificate names; -1 for any other certificate.
int marked_level(X509* cert) {
  if (cert == nullptr) return -1;
  int len = 0;
  const unsigned char* alias = X509_alias_get0(cert, &len);
  if (alias == nullptr || len != static_cast<int>(kMark.size()) + 1) return -1;
  std::string_view text(reinterpret_cast<const char*>(alias), static_cast<std::size_t>(len));
  if (text.substr(0, kMark.size()) != kMark) return -1;
  char digit = text.back();
  return digit >= '0' && digit <= '5' ? digit - '0' : -1;
}

// SSL_CTX_set_security_level(3): the bits each level asks of keys and signature digests.
bool strong_enough(int bits, int level) {
  static constexpr int kMinBits[] = {0, 80, 112, 128, 192, 256};
  return level <= 0 || bits >= kMinBits[level];
}

int own_cert_aware(const SSL* s, const SSL_CTX* ctx, int op, int bits, int nid, void* other, void* ex) {
  // The own chain's checks only: a peer's chain comes with SSL_SECOP_PEER set and is not ours.
  if (op == SSL_SECOP_EE_KEY || op == SSL_SECOP_CA_KEY || op == SSL_SECOP_CA_MD) {
    // The certificate being checked is the marked leaf itself (key, digest), or a chain
    // certificate of an endpoint whose installed leaf is marked (sent at the handshake).
    int level = marked_level(static_cast<X509*>(other));
    if (level < 0) level = marked_level(s != nullptr ? SSL_get_certificate(s) : SSL_CTX_get0_certificate(ctx));
    if (level >= 0) return strong_enough(bits, level) ? 1 : 0;
  }
  return g_default.load()(s, ctx, op, bits, nid, other, ex);
}

// Runs inside SSL_CTX_new for every context made after the hook is installed, gRPC's included.
void on_new_ctx(void* parent, void*, CRYPTO_EX_DATA*, int, long, void*) {
  auto* ctx = static_cast<SSL_CTX*>(parent);
  SecurityCallback original = SSL_CTX_get_security_callback(ctx);
  if (original == nullptr || original == own_cert_aware) return;
  SecurityCallback none = nullptr;
  g_default.compare_exchange_strong(none, original);
  // Only the callback every fresh context starts with is wrapped; a different one is left alone.
  if (g_default.load() == original) SSL_CTX_set_security_callback(ctx, own_cert_aware);
}

void install_hook() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The ex_data slot itself stays unused: its constructor hook is the only way to reach every
    // SSL_CTX gRPC creates. Registering it cannot fail short of memory exhaustion.
    if (SSL_CTX_get_ex_new_index(0, nullptr, on_new_ctx, nullptr, nullptr) < 0) {
      throw std::runtime_error("OpenSSL: cannot register an SSL_CTX hook");
    }
  });
}

}  // namespace

std::string with_own_cert_level(std::string_view cert_chain_pem, int level) {
  install_hook();
  ossl::BioPtr in = ossl::mem_bio(cert_chain_pem);
  ossl::X509Ptr leaf(PEM_read_bio_X509_AUX(in.get(), nullptr, ossl::refuse_passphrase, nullptr));
  ERR_clear_error();
  if (!leaf || level < 0 || level > 5) return std::string(cert_chain_pem);
  // What the reader left in the BIO is the rest of the file, kept byte for byte.
  char* rest = nullptr;
  long rest_len = BIO_get_mem_data(in.get(), &rest);
  std::string mark = std::string(kMark) + static_cast<char>('0' + level);
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  ossl::check(out && X509_alias_set1(leaf.get(), reinterpret_cast<const unsigned char*>(mark.data()),
                                     static_cast<int>(mark.size())) == 1 &&
                  PEM_write_bio_X509_AUX(out.get(), leaf.get()) == 1,
              "marking the client certificate's security level");
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  std::string marked(data, static_cast<std::size_t>(len));
  if (rest_len > 0) marked.append(rest, static_cast<std::size_t>(rest_len));
  return marked;
}

}  // namespace tlsmatrix

#include "harness/handshake/crypto_bound.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/rsa.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>

namespace tlsmatrix::handshake {

namespace {

using Clock = std::chrono::steady_clock;

// Microseconds per call of `op`, run for at least 60 ms and 5 calls.
double time_op(const std::function<void()>& op) {
  op();  // warm caches and lazy initialisation
  auto start = Clock::now();
  long calls = 0;
  std::chrono::duration<double, std::micro> elapsed{};
  do {
    op();
    ++calls;
    elapsed = Clock::now() - start;
  } while (calls < 5 || elapsed < std::chrono::milliseconds(60));
  return elapsed.count() / static_cast<double>(calls);
}

double cached(const std::string& key, const std::function<double()>& measure) {
  static std::mutex mu;
  static std::map<std::string, double> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  double us = measure();
  cache.emplace(key, us);
  return us;
}

// TLS signs with RSA-PSS (rsa_pss_rsae_sha256), ECDSA with SHA-256, or pure Ed25519.
ossl::EvpMdCtxPtr signing_ctx(EVP_PKEY* key, certs::KeyType type, bool sign) {
  ossl::EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* digest = type == certs::KeyType::ed25519 ? nullptr : EVP_sha256();
  int rc = sign ? EVP_DigestSignInit(md.get(), &pctx, digest, nullptr, key)
                : EVP_DigestVerifyInit(md.get(), &pctx, digest, nullptr, key);
  ossl::check(rc == 1, "initialising a signature");
  if (certs::is_rsa(type)) {
    ossl::check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
                "selecting RSA-PSS");
  }
  return md;
}

// What a TLS 1.3 CertificateVerify signs: 64 spaces, a context string and a transcript hash.
const std::vector<unsigned char>& signed_content() {
  static const std::vector<unsigned char> content(64 + 34 + 32, 0x20);
  return content;
}

double sign_us(EVP_PKEY* key, certs::KeyType type) {
  return cached("sign " + std::string(to_string(type)), [&] {
    return time_op([&] {
      auto md = signing_ctx(key, type, true);
      unsigned char sig[1024];
      size_t len = sizeof sig;
      const auto& msg = signed_content();
      ossl::check(EVP_DigestSign(md.get(), sig, &len, msg.data(), msg.size()) == 1, "signing");
    });
  });
}

double verify_us(EVP_PKEY* key, certs::KeyType type) {
  return cached("verify " + std::string(to_string(type)), [&] {
    auto md = signing_ctx(key, type, true);
    std::vector<unsigned char> sig(1024);
    size_t len = sig.size();
    const auto& msg = signed_content();
    ossl::check(EVP_DigestSign(md.get(), sig.data(), &len, msg.data(), msg.size()) == 1,
                "signing");
    sig.resize(len);
    return time_op([&] {
      auto vmd = signing_ctx(key, type, false);
      ossl::check(EVP_DigestVerify(vmd.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1,
                  "verifying");
    });
  });
}

double cert_signature_us(X509* cert, EVP_PKEY* issuer_key, certs::KeyType type) {
  return cached("x509 verify " + std::string(to_string(type)), [&] {
    return time_op([&] { ossl::check(X509_verify(cert, issuer_key) == 1, "verifying a certificate"); });
  });
}

// One side's ephemeral X25519 (OpenSSL's first group): a key pair and the shared secret.
double key_exchange_us() {
  return cached("x25519", [] {
    ossl::EvpPkeyPtr peer(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    ossl::EvpPkeyCtxPtr gen(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
    ossl::check(peer && gen && EVP_PKEY_keygen_init(gen.get()) == 1, "preparing X25519");
    return time_op([&] {
      EVP_PKEY* raw = nullptr;
      ossl::check(EVP_PKEY_keygen(gen.get(), &raw) == 1, "generating an X25519 key");
      ossl::EvpPkeyPtr mine(raw);
      ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(mine.get(), nullptr));
      unsigned char secret[32];
      size_t len = sizeof secret;
      ossl::check(ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
                      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) == 1 &&
                      EVP_PKEY_derive(ctx.get(), secret, &len) == 1,
                  "X25519 key exchange");
    });
  });
}

// One key-schedule step: HKDF-Expand-Label (TLS 1.3) or the TLS 1.2 PRF.
double kdf_us(TlsVersion tls) {
  bool v13 = tls == TlsVersion::tls13;
  return cached(v13 ? "hkdf" : "tls1-prf", [v13] {
    ossl::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, v13 ? "HKDF" : "TLS1-PRF", nullptr));
    ossl::check(kdf != nullptr, "fetching a KDF");
    ossl::EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
    ossl::check(ctx != nullptr, "creating a KDF context");
    EVP_KDF_CTX* kctx = ctx.get();
    unsigned char secret[48] = {1};
    unsigned char info[64] = {2};
    char digest[] = "SHA256";
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[5];
    int n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    if (v13) {
      params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
      params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret, 32);
      params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof info);
    } else {
      params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, secret, 48);
      params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, info, sizeof info);
    }
    params[n] = OSSL_PARAM_construct_end();
    // Once: both KDFs append seed/info on every set, so per-call parameters would grow.
    ossl::check(EVP_KDF_CTX_set_params(kctx, params) == 1, "setting KDF parameters");
    double us = time_op([&] {
      unsigned char out[48];
      ossl::check(EVP_KDF_derive(kctx, out, v13 ? 32 : 48, nullptr) == 1, "deriving a key");
    });
    return us;
  });
}

}  // namespace

CryptoBound measure_crypto_bound(const certs::CertSet& certs, const HandshakeConfig& config, int cores) {
  const auto& ca = certs.get("ca");
  const auto& server = certs.get("server");
  const auto& client = certs.get("client");
  certs::KeyType k = config.key;
  bool v13 = config.tls == TlsVersion::tls13;
  CryptoBound b;
  if (!config.resume) {
    const char* what = v13 ? "CertificateVerify" : "ServerKeyExchange";
    b.ops.push_back({std::string("server: sign ") + what, sign_us(server.key.get(), k)});
    b.ops.push_back({"client: check the CA's signature on the server certificate",
                     cert_signature_us(server.cert.get(), ca.key.get(), k)});
    b.ops.push_back({std::string("client: verify ") + what, verify_us(server.key.get(), k)});
    if (config.mode == 2) {
      b.ops.push_back({"client: sign CertificateVerify", sign_us(client.key.get(), k)});
      b.ops.push_back({"server: check the CA's signature on the client certificate",
                       cert_signature_us(client.cert.get(), ca.key.get(), k)});
      b.ops.push_back({"server: verify the client's CertificateVerify",
                       verify_us(client.key.get(), k)});
    }
  }
  // TLS 1.3 resumption still runs an ECDHE (psk_dhe_ke); TLS 1.2 resumption runs none.
  if (v13 || !config.resume) {
    b.ops.push_back({"both: X25519 key pair and shared secret", key_exchange_us(), 2});
  }
  // Key-schedule steps per side: TLS 1.3 ~20 HKDF expansions (+4 for the PSK binder); TLS 1.2
  // master secret, key block and two Finished values (no master secret when resuming).
  int kdf_per_side = v13 ? (config.resume ? 24 : 20) : (config.resume ? 3 : 4);
  b.ops.push_back({v13 ? "both: HKDF-Expand-Label" : "both: TLS 1.2 PRF", kdf_us(config.tls),
                   2 * kdf_per_side});
  for (const auto& op : b.ops) b.us_per_handshake += op.us * op.count;
  b.per_s = b.us_per_handshake > 0 ? cores * 1e6 / b.us_per_handshake : 0;
  return b;
}

}  // namespace tlsmatrix::handshake

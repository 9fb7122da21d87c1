#include "harness/certs/key_pool.h"

#include <openssl/evp.h>

#include <string>

namespace tlsmatrix {

ossl::EvpPkeyPtr generate_key(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::rsa1024:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
      break;
    case KeyType::rsa2048:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case KeyType::rsa3072:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
      break;
    case KeyType::rsa4096:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096});
      break;
    case KeyType::ec_p256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::ec_p384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::ed25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  ossl::EvpPkeyPtr key(raw);
  ossl::check(key != nullptr, "generating a " + std::string(to_string(type)) + " key");
  return key;
}

ossl::EvpPkeyPtr KeyPool::get(KeyType type, int slot) {
  // Generation happens under the lock: two threads asking for the same slot must get the same
  // key, and the pool is filled once per process, so serialising that is cheap.
  std::lock_guard<std::mutex> lock(mu_);
  auto& entry = keys_[{type, slot}];
  if (!entry) entry = generate_key(type);
  return ossl::up_ref(entry.get());
}

KeyPool& KeyPool::shared() {
  static KeyPool pool;
  return pool;
}

}  // namespace tlsmatrix

#include "harness/certs/key_pool.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <string>
#include <thread>

namespace tlsmatrix::certs {

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
    case KeyType::rsa_pss: {
      // EVP_PKEY_Q_keygen in OpenSSL 3.0 takes a size only for "RSA"; RSA-PSS goes the long way.
      ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
      if (ctx && EVP_PKEY_keygen_init(ctx.get()) == 1 &&
          EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) == 1) {
        EVP_PKEY_keygen(ctx.get(), &raw);
      }
      break;
    }
    case KeyType::ec_p521:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
  }
  ossl::EvpPkeyPtr key(raw);
  ossl::check(key != nullptr, "generating a " + std::string(to_string(type)) + " key");
  return key;
}

ossl::EvpPkeyPtr KeyPool::insert(KeyType type, int slot, ossl::EvpPkeyPtr key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& entry = keys_[{type, slot}];
  if (!entry) entry = std::move(key);
  return ossl::up_ref(entry.get());
}

ossl::EvpPkeyPtr KeyPool::get(KeyType type, int slot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find({type, slot});
    if (it != keys_.end()) return ossl::up_ref(it->second.get());
  }
  // Generated outside the lock so that other slots stay available meanwhile. If two threads race
  // for the same slot, the first to insert wins and both get that key.
  return insert(type, slot, generate_key(type));
}

void KeyPool::warm(const std::vector<std::pair<KeyType, int>>& wanted) {
  std::vector<std::pair<KeyType, int>> missing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& k : wanted) {
      if (keys_.count(k) == 0 && std::find(missing.begin(), missing.end(), k) == missing.end()) {
        missing.push_back(k);
      }
    }
  }
  if (missing.empty()) return;
  const std::size_t threads = std::min<std::size_t>(
      missing.size(), std::max(1u, std::thread::hardware_concurrency()));
  if (threads == 1) {
    for (const auto& [type, slot] : missing) get(type, slot);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        for (std::size_t i = next++; i < missing.size(); i = next++) {
          get(missing[i].first, missing[i].second);
        }
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

KeyPool& KeyPool::shared() {
  static KeyPool pool;
  return pool;
}

}  // namespace tlsmatrix::certs

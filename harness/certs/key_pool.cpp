#include "harness/certs/key_pool.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <algorithm>
#include <atomic>
#include <exception>
#include <string>
#include <thread>

#include "harness/certs/pem_io.h"
#include "harness/io/file_io.h"

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

namespace {

// Exactly the key `type` generates: algorithm, and size or curve.
bool is_of_type(EVP_PKEY* key, KeyType type) {
  auto rsa = [&](const char* name, int bits) { return EVP_PKEY_is_a(key, name) == 1 && EVP_PKEY_get_bits(key) == bits; };
  auto ec = [&](const char* curve) {
    char group[64] = {};
    size_t len = 0;
    return EVP_PKEY_is_a(key, "EC") == 1 &&
           EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len) == 1 &&
           std::string(group) == curve;
  };
  switch (type) {
    case KeyType::rsa1024: return rsa("RSA", 1024);
    case KeyType::rsa2048: return rsa("RSA", 2048);
    case KeyType::rsa3072: return rsa("RSA", 3072);
    case KeyType::rsa4096: return rsa("RSA", 4096);
    case KeyType::rsa_pss: return rsa("RSA-PSS", 2048);
    case KeyType::ec_p256: return ec("prime256v1");
    case KeyType::ec_p384: return ec("secp384r1");
    case KeyType::ec_p521: return ec("secp521r1");
    case KeyType::ed25519: return EVP_PKEY_is_a(key, "ED25519") == 1;
  }
  return false;
}

}  // namespace

std::optional<std::filesystem::path> KeyPool::default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::filesystem::path(xdg) / "tlsmatrix" / "keys";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::filesystem::path(home) / ".cache" / "tlsmatrix" / "keys";
  }
  return std::nullopt;
}

void KeyPool::use_disk_cache(std::filesystem::path dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  struct stat st {};
  // Our own folder, private: otherwise another user could hand us keys. Not usable: no cache.
  if (ec || ::stat(dir.c_str(), &st) != 0 || st.st_uid != ::geteuid() || !S_ISDIR(st.st_mode)) return;
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  cache_dir_ = std::move(dir);
}

ossl::EvpPkeyPtr KeyPool::load_cached(const std::filesystem::path& dir, KeyType type, int slot) {
  const std::filesystem::path file = dir / (std::string(to_string(type)) + "-" + std::to_string(slot) + ".key");
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      (st.st_mode & 0777) != 0600 || st.st_size > 65536) {
    return nullptr;
  }
  try {
    ossl::EvpPkeyPtr key = parse_private_key(io::read_file(file, 65536), file.string());
    if (!key || !is_of_type(key.get(), type)) return nullptr;
    // A damaged file can still parse: OpenSSL's full key check (RSA: p*q = n, d*e = 1 mod
    // lambda, ...; EC: the point on the curve and matching the scalar) catches what it changed.
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!ctx || EVP_PKEY_check(ctx.get()) != 1) {
      ossl::drain_errors();
      return nullptr;
    }
    return key;
  } catch (const std::exception&) {
    ossl::drain_errors();
    return nullptr;
  }
}

void KeyPool::store_cached(const std::filesystem::path& dir, KeyType type, int slot, EVP_PKEY* key) {
  const std::filesystem::path file = dir / (std::string(to_string(type)) + "-" + std::to_string(slot) + ".key");
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ossl::drain_errors();
    return;
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  try {
    io::write_file_atomic(file, std::string_view(data, static_cast<std::size_t>(len)), io::kPrivateKeyPerms);
  } catch (const std::exception&) {
    // A cache that cannot be written only costs the next run the generation again.
  }
}

ossl::EvpPkeyPtr KeyPool::get(KeyType type, int slot) {
  std::optional<std::filesystem::path> cache;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find({type, slot});
    if (it != keys_.end()) return ossl::up_ref(it->second.get());
    cache = cache_dir_;
  }
  if (cache) {
    if (ossl::EvpPkeyPtr key = load_cached(*cache, type, slot)) return insert(type, slot, std::move(key));
  }
  // Generated outside the lock so that other slots stay available meanwhile. If two threads race
  // for the same slot, the first to insert wins and both get that key.
  ossl::EvpPkeyPtr key = generate_key(type);
  if (cache) store_cached(*cache, type, slot, key.get());
  return insert(type, slot, std::move(key));
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

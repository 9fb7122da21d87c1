// Private keys are the slow part of generating a catalogue (an RSA-2048 key costs tens of
// milliseconds, RSA-4096 close to a second). The pool hands out keys by (type, slot): the k-th
// distinct certificate of a set gets slot k, so keys are distinct within a set and shared across
// sets. Thread-safe; keys are generated lazily on first use.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <mutex>
#include <utility>
#include <vector>

#include "harness/certs/cert_spec.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::certs {

// A fresh key of the given type (no pooling).
ossl::EvpPkeyPtr generate_key(KeyType type);

class KeyPool {
 public:
  // A new reference to the pooled key for (type, slot), generating it the first time.
  ossl::EvpPkeyPtr get(KeyType type, int slot);

  // Generates the missing keys among `wanted` on parallel threads (one per core). A cold
  // catalogue is dominated by RSA key generation, which is CPU-bound and independent per key.
  void warm(const std::vector<std::pair<KeyType, int>>& wanted);

  // The process-wide pool.
  static KeyPool& shared();

  // Keys the pool generates are also kept in `dir` (created 0700; one file per (type, slot),
  // 0600, written whole by rename) and read from there next time, so `run` makes them once per
  // machine. A file is used only when it is ours, 0600, parses, is of exactly the slot's type
  // and size and passes OpenSSL's key check; anything else is regenerated and rewritten, never
  // used. Only `run` turns this on: keys a user deploys (`certs gen`) are always fresh.
  void use_disk_cache(std::filesystem::path dir);

  // $XDG_CACHE_HOME/tlsmatrix/keys, else ~/.cache/tlsmatrix/keys; nullopt when neither is set.
  static std::optional<std::filesystem::path> default_cache_dir();

 private:
  // Stores `key` for (type, slot) unless another thread got there first; returns the stored one.
  ossl::EvpPkeyPtr insert(KeyType type, int slot, ossl::EvpPkeyPtr key);

  // The cached key for (type, slot), or null (absent, unreadable, not exactly right).
  static ossl::EvpPkeyPtr load_cached(const std::filesystem::path& dir, KeyType type, int slot);
  static void store_cached(const std::filesystem::path& dir, KeyType type, int slot, EVP_PKEY* key);

  std::optional<std::filesystem::path> cache_dir_;
  std::mutex mu_;
  std::map<std::pair<KeyType, int>, ossl::EvpPkeyPtr> keys_;
};

}  // namespace tlsmatrix::certs

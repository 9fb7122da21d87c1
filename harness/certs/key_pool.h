// Private keys are the slow part of generating a catalogue (an RSA-2048 key costs tens of
// milliseconds, RSA-4096 close to a second). The pool hands out keys by (type, slot): the k-th
// distinct certificate of a set gets slot k, so keys are distinct within a set and shared across
// sets. Thread-safe; keys are generated lazily on first use.
#pragma once

#include <map>
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

 private:
  // Stores `key` for (type, slot) unless another thread got there first; returns the stored one.
  ossl::EvpPkeyPtr insert(KeyType type, int slot, ossl::EvpPkeyPtr key);

  std::mutex mu_;
  std::map<std::pair<KeyType, int>, ossl::EvpPkeyPtr> keys_;
};

}  // namespace tlsmatrix::certs

// Loading certificates and keys that users hand us: PEM (one or many certificates) or DER.
// Every failure is an InputError naming the file and what is wrong with it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::certs {

// A certificate file holding more than this many certificates is refused: a chain is a handful,
// a CA bundle a few hundred (Debian's has about 140); thousands would make every verification
// slow, and are a mistake or an attack.
inline constexpr std::size_t kMaxCertsPerFile = 1000;

// Parses every certificate in `data` (PEM blocks, or a single DER certificate). `origin` names
// the source in errors. Throws InputError("ORIGIN: ...") when there is no certificate or a block
// does not parse, when there are more than kMaxCertsPerFile, or when one has more than
// kMaxSubjectAltNames subjectAltName entries.
std::vector<ossl::X509Ptr> parse_certs(std::string_view data, std::string_view origin);
std::vector<ossl::X509Ptr> load_certs(const std::filesystem::path& path);

// Parses one private key (PEM: PKCS#8, PKCS#1, SEC1; or DER). Encrypted keys are refused with
// "encrypted key: no passphrase support".
ossl::EvpPkeyPtr parse_private_key(std::string_view data, std::string_view origin);
ossl::EvpPkeyPtr load_private_key(const std::filesystem::path& path);

// A client's certificate chain (leaf first) and its key, as --client-pem / --client-key give
// them: both or neither (nullopt when both are empty), and the key must be the leaf's. Throws
// InputError naming the flag or the file.
struct PemIdentity {
  std::vector<ossl::X509Ptr> chain;
  ossl::EvpPkeyPtr key;
};
std::optional<PemIdentity> load_identity(const std::string& pem_path, const std::string& key_path);

}  // namespace tlsmatrix::certs

// What a certificate should look like, independent of where the description came from (a
// scenario file, `certs gen` flags, a test). The factory turns a spec into a real X509.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix {

enum class KeyType { rsa1024, rsa2048, rsa3072, rsa4096, ec_p256, ec_p384, ed25519 };

// "rsa2048", "ec-p256", "ed25519", ...
std::optional<KeyType> parse_key_type(std::string_view text);
std::string_view to_string(KeyType type);
// Every key type's name, in declaration order (for help texts and error messages).
const std::vector<std::string_view>& key_type_names();

// RSA keys sign differently (PSS in TLS) and may claim keyEncipherment; the others may not.
inline bool is_rsa(KeyType type) {
  return type == KeyType::rsa1024 || type == KeyType::rsa2048 || type == KeyType::rsa3072 ||
         type == KeyType::rsa4096;
}

// More subjectAltName entries than this in one certificate is refused as bad input (scenario
// files and loaded certificates alike). Public CAs issue at most a few hundred; thousands only
// come from a mistake or an attempt to make name matching slow.
inline constexpr std::size_t kMaxSubjectAltNames = 1000;

// X.509's upper bounds on subject attributes, in characters (RFC 5280 appendix A: ub-common-name,
// ub-organization-name and ub-organizational-unit-name are 64; ub-state-name and ub-locality-name
// 128). OpenSSL refuses a longer value when it builds the name, so input is checked against them
// where it names the field.
inline constexpr std::size_t kMaxNameAttributeChars = 64;    // CN, O, OU
inline constexpr std::size_t kMaxPlaceAttributeChars = 128;  // ST, L

struct CertSpec {
  std::string name;    // unique within a set; files are NAME.pem / NAME.key
  std::string issuer;  // name of the issuing cert in the same set; empty = self-signed
  KeyType key_type = KeyType::rsa2048;

  // Subject. CN may be empty (then the subject has no CN).
  std::string cn;
  std::string o, ou, c, st, l;

  // subjectAltName entries as "DNS:host", "IP:127.0.0.1", "URI:spiffe://x". Empty = no SAN
  // extension at all (the "name only in the CN" case).
  std::vector<std::string> sans;

  // Validity as offsets from "now" (the moment the set is generated).
  std::chrono::seconds not_before{-3600};
  std::chrono::seconds not_after{std::chrono::hours(24 * 365)};

  bool ca = false;
  std::optional<int> pathlen;
  // keyUsage names as OpenSSL spells them (digitalSignature, keyEncipherment, keyCertSign,
  // cRLSign, nonRepudiation, keyAgreement). nullopt = the default for the role (CA: keyCertSign,
  // cRLSign; leaf: digitalSignature, keyEncipherment); empty = no keyUsage extension.
  std::optional<std::vector<std::string>> key_usage;
  // extendedKeyUsage: serverAuth, clientAuth. Empty = no EKU extension.
  std::vector<std::string> ext_key_usage;
  std::string digest = "sha256";  // sha256, sha384, sha512, sha1 (ignored for ed25519)
  std::optional<std::uint64_t> serial;

  // The file is deliberately broken: PEM armour around bytes that are not a certificate.
  bool garbage = false;
};

}  // namespace tlsmatrix

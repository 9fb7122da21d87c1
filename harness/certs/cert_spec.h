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

namespace tlsmatrix::certs {

// rsa_pss is an RSA-2048 key of type RSASSA-PSS (id-RSASSA-PSS): it can only sign with PSS.
enum class KeyType { rsa1024, rsa2048, rsa3072, rsa4096, ec_p256, ec_p384, ed25519, rsa_pss, ec_p521 };

// "rsa2048", "ec-p256", "ed25519", ...
std::optional<KeyType> parse_key_type(std::string_view text);
std::string_view to_string(KeyType type);
// Every key type's name, in declaration order (for help texts and error messages).
const std::vector<std::string_view>& key_type_names();

// RSA keys sign differently (PSS in TLS) and may claim keyEncipherment; the others may not.
inline bool is_rsa(KeyType type) {
  return type == KeyType::rsa1024 || type == KeyType::rsa2048 || type == KeyType::rsa3072 ||
         type == KeyType::rsa4096 || type == KeyType::rsa_pss;
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

// An extension the generator does not know, written by OID: its value is DER NULL. `critical`
// decides whether a verifier that does not know it must refuse the certificate.
struct RawExtension {
  std::string oid;  // dotted, e.g. 1.3.6.1.4.1.55555.1
  bool critical = false;
};

// nameConstraints: entries "DNS:example.com", "IP:10.0.0.0/8", "IP:fd00::/8".
struct NameConstraints {
  std::vector<std::string> permitted;
  std::vector<std::string> excluded;
  bool critical = true;  // RFC 5280 4.2.1.10: MUST be critical
};

// The key identifier extensions: written (the default), left out, or (AKI only) naming a key
// that is not the issuer's.
enum class KeyIdForm { present, absent, mismatched };

struct CertSpec {
  std::string name;    // unique within a set; files are NAME.pem / NAME.key
  std::string issuer;  // name of the issuing cert in the same set; empty = self-signed
  KeyType key_type = KeyType::rsa2048;
  // Another certificate of the set whose key this one reuses (a renewed leaf, a re-issued or
  // cross-signed CA); key_type is then that certificate's. Empty = a key of its own.
  std::string key_of;

  // Subject. CN may be empty (then the subject has no CN).
  std::string cn;
  std::string o, ou, c, st, l;
  // Further CN attributes after `cn`, in order (a subject with more than one CN).
  std::vector<std::string> more_cns;

  // subjectAltName entries as "DNS:host", "IP:127.0.0.1", "URI:spiffe://x", "email:a@b". Empty =
  // no SAN extension at all (the "name only in the CN" case).
  std::vector<std::string> sans;
  // nullopt = critical only when the subject is empty (RFC 5280 4.2.1.6).
  std::optional<bool> san_critical;

  // Validity as offsets from "now" (the moment the set is generated).
  std::chrono::seconds not_before{-3600};
  std::chrono::seconds not_after{std::chrono::hours(24 * 365)};

  bool ca = false;
  std::optional<int> pathlen;
  // false = no basicConstraints extension at all (then `ca` must be false and pathlen unset).
  bool basic_constraints = true;
  bool basic_constraints_critical = true;
  // keyUsage names as OpenSSL spells them (digitalSignature, keyEncipherment, keyCertSign,
  // cRLSign, nonRepudiation, keyAgreement). nullopt = the default for the role (CA: keyCertSign,
  // cRLSign; leaf: digitalSignature, keyEncipherment); empty = no keyUsage extension.
  std::optional<std::vector<std::string>> key_usage;
  bool key_usage_critical = true;
  // extendedKeyUsage: OpenSSL's short names (serverAuth, clientAuth, codeSigning,
  // emailProtection, timeStamping, OCSPSigning, anyExtendedKeyUsage) or dotted OIDs, on any
  // certificate (CAs too). Empty = no EKU extension.
  std::vector<std::string> ext_key_usage;
  bool ext_key_usage_critical = false;
  std::optional<NameConstraints> name_constraints;
  std::vector<RawExtension> extra_extensions;
  KeyIdForm subject_key_id = KeyIdForm::present;    // present or absent
  KeyIdForm authority_key_id = KeyIdForm::present;  // present, absent or mismatched
  std::string digest = "sha256";  // sha256, sha384, sha512, sha1 (ignored for ed25519)
  std::optional<std::uint64_t> serial;
  // A serial given as big-endian bytes (zero, or longer than RFC 5280's 20 octets); overrides
  // `serial`. Empty = not given.
  std::vector<unsigned char> serial_bytes;

  // The file is deliberately broken: PEM armour around bytes that are not a certificate.
  bool garbage = false;
};

}  // namespace tlsmatrix::certs

// The next certificate set from the current one, in Milvus layout (ca.pem ca.key server.pem
// server.key client.pem client.key): leaves renewed under the same CA, or a new CA with a
// cross-signed certificate and the transitional bundle. `certs renew` and `certs rotate-ca`
// write what these return; `tlsmatrix rotate` checks the move from one set to the next.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/certs/cert_spec.h"
#include "harness/io/file_io.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::certs {

// The file names of the layout, as Milvus's TLS guide and `certs gen` use them. A set in
// transition also has ca-bundle.pem (old and new roots: what clients and tls.caPemPath trust
// during the move) and cross.pem (the new CA signed by the old one).
inline constexpr const char* kCaPem = "ca.pem";
inline constexpr const char* kCaKey = "ca.key";
inline constexpr const char* kServerPem = "server.pem";
inline constexpr const char* kServerKey = "server.key";
inline constexpr const char* kClientPem = "client.pem";
inline constexpr const char* kClientKey = "client.key";
inline constexpr const char* kCaBundlePem = "ca-bundle.pem";
inline constexpr const char* kCrossPem = "cross.pem";

struct LayoutSet {
  std::filesystem::path dir;
  std::vector<ossl::X509Ptr> ca;        // ca.pem: the issuing CA first
  ossl::EvpPkeyPtr ca_key;              // null when not loaded
  std::vector<ossl::X509Ptr> server;    // leaf, then what it sends along
  ossl::EvpPkeyPtr server_key;
  std::vector<ossl::X509Ptr> client;
  ossl::EvpPkeyPtr client_key;
  // The five files' text as read: what a server or client is given.
  struct Text {
    std::string ca, server, server_key, client, client_key;
  } text;
};

// Reads DIR's ca.pem, server.pem, server.key, client.pem and client.key, each parsed (InputError
// naming the first file that is missing or does not parse), without checking how they relate.
LayoutSet read_layout(const std::filesystem::path& dir);

// Loads DIR's layout (read_layout, then the checks below). `ca_key`: where the CA key is (default DIR/ca.key); needed to issue.
// Throws InputError naming the file: missing, unreadable, a key that is not its certificate's,
// a leaf not issued by ca.pem's first certificate.
LayoutSet load_layout(const std::filesystem::path& dir, bool need_ca_key,
                      const std::optional<std::filesystem::path>& ca_key = std::nullopt);

// The key type of an existing key (RSA by bits, EC P-256/P-384, Ed25519); nullopt for others.
std::optional<KeyType> key_type_of(const EVP_PKEY* key);

struct RenewOptions {
  bool new_keys = false;
  std::optional<int> days;  // leaf validity; default: each leaf's current lifetime
};

// The same CA (ca.pem, and ca.key when loaded, copied as they are), server and client leaves
// re-issued with the same subject, names and usages, the same keys unless new_keys, and the
// certificates each leaf file sent along after its leaf kept (a cross-signed CA stays).
std::vector<io::OutputFile> renew_files(const LayoutSet& in, const RenewOptions& options);

struct RotateCaOptions {
  std::optional<int> ca_days;    // default: the old CA's lifetime
  std::optional<int> leaf_days;  // default: each leaf's current lifetime
  bool cross_sign = true;
};

// A new CA (new key, the old CA's subject with a new CN), cross.pem (the new CA's name and key
// signed by the old CA, valid no longer than the old CA), new server and client leaves with new
// keys issued by the new CA, each sending cross.pem after it so that peers still trusting only
// the old CA accept it, and ca-bundle.pem holding the old and new roots.
std::vector<io::OutputFile> rotate_ca_files(const LayoutSet& in, const RotateCaOptions& options);

}  // namespace tlsmatrix::certs

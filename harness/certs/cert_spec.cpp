#include "harness/certs/cert_spec.h"

#include <array>
#include <utility>

namespace tlsmatrix::certs {

namespace {
constexpr std::array<std::pair<KeyType, std::string_view>, 9> kKeyTypeNames{{
    {KeyType::rsa1024, "rsa1024"},
    {KeyType::rsa2048, "rsa2048"},
    {KeyType::rsa3072, "rsa3072"},
    {KeyType::rsa4096, "rsa4096"},
    {KeyType::ec_p256, "ec-p256"},
    {KeyType::ec_p384, "ec-p384"},
    {KeyType::ed25519, "ed25519"},
    {KeyType::rsa_pss, "rsa-pss"},
    {KeyType::ec_p521, "ec-p521"},
}};
}  // namespace

std::optional<KeyType> parse_key_type(std::string_view text) {
  for (const auto& [type, name] : kKeyTypeNames) {
    if (name == text) return type;
  }
  return std::nullopt;
}

std::string_view to_string(KeyType type) {
  for (const auto& [t, name] : kKeyTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

const std::vector<std::string_view>& key_type_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& entry : kKeyTypeNames) out.push_back(entry.second);
    return out;
  }();
  return names;
}

}  // namespace tlsmatrix::certs

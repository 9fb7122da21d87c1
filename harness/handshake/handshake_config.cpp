#include "harness/handshake/handshake_config.h"

namespace tlsmatrix::handshake {

std::optional<TlsVersion> parse_tls_version(std::string_view text) {
  if (text == "1.2") return TlsVersion::tls12;
  if (text == "1.3") return TlsVersion::tls13;
  return std::nullopt;
}

std::string_view to_string(TlsVersion version) {
  return version == TlsVersion::tls12 ? "1.2" : "1.3";
}

const std::vector<std::string_view>& bench_key_names() {
  static const std::vector<std::string_view> names = {"rsa2048", "rsa3072", "ec-p256", "ed25519"};
  return names;
}

std::string describe(const HandshakeConfig& config) {
  std::string out = "mode " + std::to_string(config.mode) + " " +
                    std::string(certs::to_string(config.key)) + " TLS" +
                    std::string(to_string(config.tls));
  out += config.resume ? " resumed" : " full";
  return out;
}

}  // namespace tlsmatrix::handshake

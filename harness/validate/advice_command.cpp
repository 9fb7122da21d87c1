#include "harness/validate/advice_command.h"

#include "harness/certs/cert_spec.h"
#include "harness/io/input_error.h"
#include "harness/io/shell_word.h"
#include "harness/io/utf8.h"
#include "harness/net/ip_literal.h"

namespace tlsmatrix::validate {

std::string certs_gen_command(const std::string& server_name) {
  const std::string gen = std::string("tlsmatrix certs gen --out ") + kNewCertsFolder;
  if (server_name.empty()) return gen;
  try {
    io::check_utf8(server_name, "server name");
  } catch (const io::InputError&) {
    return "";
  }
  // `--cn=VALUE`, not `--cn VALUE`: a name starting with '-' would be read as an option.
  const auto option = [](const char* name, const std::string& value) {
    return std::string(" ") + name + (value.starts_with("-") ? "=" : " ") + io::shell_word(value);
  };
  if (io::utf8_length(server_name) <= certs::kMaxNameAttributeChars) return gen + option("--cn", server_name);
  if (server_name.find(',') != std::string::npos) return "";
  const std::string san = (net::is_ip_literal(server_name) ? "IP:" : "DNS:") + server_name;
  return gen + option("--san", san);
}

}  // namespace tlsmatrix::validate

// Commands that validate prints as advice, built to run as printed: every option the command
// requires is given, and each argument is one POSIX shell word.
#pragma once

#include <string>

namespace tlsmatrix::validate {

// The folder advised `certs gen` commands write into, relative to where they are run.
inline constexpr const char* kNewCertsFolder = "new-certs";

// `tlsmatrix certs gen --out new-certs`, with a server certificate that holds `server_name`
// when one is given: `--cn NAME`, or `--san DNS:NAME` for a name longer than a CN may be. Empty
// when `certs gen` cannot take the name (not UTF-8, or too long for a CN and holding a comma,
// which --san takes as a separator).
std::string certs_gen_command(const std::string& server_name);

}  // namespace tlsmatrix::validate

#include "harness/certs/pem_io.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>

#include "harness/certs/cert_spec.h"
#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/ossl/mem_bio.h"

namespace tlsmatrix::certs {

namespace {

std::string where(std::string_view origin) { return std::string(origin) + ": "; }

bool looks_like_pem(std::string_view data) {
  return data.find("-----BEGIN ") != std::string_view::npos;
}

// One PEM block as PEM_read_bio returns it.
struct PemBlock {
  std::string name;
  std::string header;
  std::string der;
};

// Reads every PEM block. A block that is not well-formed armour (e.g. cut off before its END
// line) is an InputError; text between blocks is ignored, as OpenSSL itself does.
std::vector<PemBlock> read_pem_blocks(std::string_view data, std::string_view origin) {
  ossl::BioPtr bio = ossl::mem_bio(data);
  std::vector<PemBlock> blocks;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long len = 0;
    ERR_clear_error();
    if (PEM_read_bio(bio.get(), &name, &header, &der, &len) != 1) {
      unsigned long err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();  // the normal end of input
        break;
      }
      std::string queue = ossl::drain_errors();
      throw io::InputError(where(origin) + "malformed PEM block " + std::to_string(blocks.size() + 1) +
                       (queue.empty() ? "" : " (" + queue + ")"));
    }
    ossl::OpensslMemPtr<char> name_owner(name);
    ossl::OpensslMemPtr<char> header_owner(header);
    ossl::OpensslMemPtr<unsigned char> der_owner(der);
    blocks.push_back({name, header ? header : "",
                      std::string(reinterpret_cast<char*>(der), static_cast<std::size_t>(len))});
  }
  return blocks;
}

ossl::X509Ptr der_to_x509(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  // Trailing bytes after the certificate mean it is not what it claims to be.
  if (cert && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) cert.reset();
  return cert;
}

// Certificate `index` (1-based) of `origin`, refused when it carries absurdly many names.
void check_san_count(const X509* cert, int index, std::string_view origin) {
  ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  ERR_clear_error();  // a missing or malformed extension is judged later, by verification
  if (!names) return;
  const auto count = static_cast<std::size_t>(sk_GENERAL_NAME_num(names.get()));
  if (count > kMaxSubjectAltNames) {
    throw io::InputError(where(origin) + "certificate " + std::to_string(index) + " has " +
                     std::to_string(count) + " subjectAltName entries; the limit is " +
                     std::to_string(kMaxSubjectAltNames));
  }
}

}  // namespace

std::vector<ossl::X509Ptr> parse_certs(std::string_view data, std::string_view origin) {
  std::vector<ossl::X509Ptr> out;
  if (!looks_like_pem(data)) {
    if (!data.empty()) {
      ossl::X509Ptr cert = der_to_x509(data);
      ossl::drain_errors();
      if (cert) {
        check_san_count(cert.get(), 1, origin);
        out.push_back(std::move(cert));
      }
    }
    if (out.empty()) throw io::InputError(where(origin) + "no certificate found (neither PEM nor DER)");
    return out;
  }
  int index = 0;
  for (const auto& block : read_pem_blocks(data, origin)) {
    if (block.name != "CERTIFICATE" && block.name != "X509 CERTIFICATE") continue;
    ++index;
    if (static_cast<std::size_t>(index) > kMaxCertsPerFile) {
      throw io::InputError(where(origin) + "too many certificates (the limit is " +
                       std::to_string(kMaxCertsPerFile) + ")");
    }
    ossl::X509Ptr cert = der_to_x509(block.der);
    if (!cert) {
      std::string queue = ossl::drain_errors();
      throw io::InputError(where(origin) + "certificate " + std::to_string(index) +
                       " does not parse" + (queue.empty() ? "" : " (" + queue + ")"));
    }
    check_san_count(cert.get(), index, origin);
    out.push_back(std::move(cert));
  }
  if (out.empty()) throw io::InputError(where(origin) + "no certificate found");
  return out;
}

std::vector<ossl::X509Ptr> load_certs(const std::filesystem::path& path) {
  return parse_certs(io::read_file(path), path.string());
}

ossl::EvpPkeyPtr parse_private_key(std::string_view data, std::string_view origin) {
  const std::string encrypted = where(origin) + "encrypted key: no passphrase support";
  if (!looks_like_pem(data)) {
    if (data.empty()) throw io::InputError(where(origin) + "no private key found");
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    ossl::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(data.size())));
    if (sig) throw io::InputError(encrypted);
    p = reinterpret_cast<const unsigned char*>(data.data());
    ossl::EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(data.size())));
    std::string queue = ossl::drain_errors();
    if (!key) throw io::InputError(where(origin) + "no private key found (neither PEM nor DER)");
    return key;
  }
  // Look at the armour first, so that an encrypted key gets a clear message instead of a
  // decoder error (PKCS#8 "ENCRYPTED PRIVATE KEY" or legacy "Proc-Type: 4,ENCRYPTED").
  bool found = false;
  for (const auto& block : read_pem_blocks(data, origin)) {
    bool is_key = block.name.size() >= 11 &&
                  block.name.compare(block.name.size() - 11, 11, "PRIVATE KEY") == 0;
    if (!is_key) continue;
    if (block.name == "ENCRYPTED PRIVATE KEY" ||
        block.header.find("ENCRYPTED") != std::string::npos) {
      throw io::InputError(encrypted);
    }
    found = true;
    break;
  }
  if (!found) throw io::InputError(where(origin) + "no private key found");
  ossl::BioPtr bio = ossl::mem_bio(data);
  ossl::EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, ossl::refuse_passphrase, nullptr));
  if (!key) {
    std::string queue = ossl::drain_errors();
    throw io::InputError(where(origin) + "private key does not parse" +
                     (queue.empty() ? "" : " (" + queue + ")"));
  }
  return key;
}

ossl::EvpPkeyPtr load_private_key(const std::filesystem::path& path) {
  return parse_private_key(io::read_file(path), path.string());
}

std::optional<PemIdentity> load_identity(const std::string& pem_path, const std::string& key_path) {
  if (pem_path.empty() != key_path.empty()) {
    throw io::InputError(std::string(pem_path.empty() ? "--client-key" : "--client-pem") +
                     ": --client-pem and --client-key go together");
  }
  if (pem_path.empty()) return std::nullopt;
  PemIdentity id;
  id.chain = load_certs(pem_path);
  id.key = load_private_key(key_path);
  if (X509_check_private_key(id.chain.front().get(), id.key.get()) != 1) {
    ossl::drain_errors();
    throw io::InputError(key_path + ": does not match the certificate in " + pem_path);
  }
  return id;
}

}  // namespace tlsmatrix::certs

#include "harness/endpoints/own_cert_level.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "harness/ossl/mem_bio.h"

namespace tlsmatrix::endpoints {

namespace {

constexpr std::string_view kMark = "tlsmatrix own-certificate security level ";

using SecurityCallback = int (*)(const SSL*, const SSL_CTX*, int, int, int, void*, void*);

// OpenSSL's default callback, as a fresh SSL_CTX has it: the answer for everything unmarked.
std::atomic<SecurityCallback> g_default{nullptr};

// The ex_data slot holding a server context's rules (a heap copy, freed with the context).
std::atomic<int> g_rules_index{-1};

// The rules for contexts this thread creates now (ScopedServerContextRules), and how many took them.
thread_local const ServerContextRules* t_rules = nullptr;
thread_local int t_contexts = 0;
thread_local const ClientContextRules* t_client_rules = nullptr;
thread_local int t_client_contexts = 0;

const ServerContextRules* ctx_rules(const SSL_CTX* ctx) {
  int index = g_rules_index.load();
  if (ctx == nullptr || index < 0) return nullptr;
  return static_cast<const ServerContextRules*>(SSL_CTX_get_ex_data(ctx, index));
}

// The level a marked certificate names; -1 for any other certificate.
int marked_level(X509* cert) {
  if (cert == nullptr) return -1;
  int len = 0;
  const unsigned char* alias = X509_alias_get0(cert, &len);
  if (alias == nullptr || len != static_cast<int>(kMark.size()) + 1) return -1;
  std::string_view text(reinterpret_cast<const char*>(alias), static_cast<std::size_t>(len));
  if (text.substr(0, kMark.size()) != kMark) return -1;
  char digit = text.back();
  return digit >= '0' && digit <= '5' ? digit - '0' : -1;
}

// SSL_CTX_set_security_level(3): the bits each level asks of keys and signature digests.
bool strong_enough(int bits, int level) {
  static constexpr int kMinBits[] = {0, 80, 112, 128, 192, 256};
  return level <= 0 || bits >= kMinBits[level];
}

int own_cert_aware(const SSL* s, const SSL_CTX* ctx, int op, int bits, int nid, void* other, void* ex) {
  // The own chain's checks only: a peer's chain comes with SSL_SECOP_PEER set and is not ours.
  if (op == SSL_SECOP_EE_KEY || op == SSL_SECOP_CA_KEY || op == SSL_SECOP_CA_MD) {
    // The certificate being checked is the marked leaf itself (key, digest), or a chain
    // certificate of an endpoint whose installed leaf is marked (sent at the handshake).
    int level = marked_level(static_cast<X509*>(other));
    if (level < 0) level = marked_level(s != nullptr ? SSL_get_certificate(s) : SSL_CTX_get0_certificate(ctx));
    if (level < 0) {
      const ServerContextRules* rules = ctx_rules(s != nullptr ? SSL_get_SSL_CTX(s) : ctx);
      if (rules != nullptr) level = rules->security_level;
    }
    if (level >= 0) return strong_enough(bits, level) ? 1 : 0;
  }
  return g_default.load()(s, ctx, op, bits, nid, other, ex);
}

// The host_name entries of a server_name extension (RFC 6066: a list of type, length, name).
std::vector<std::string> sni_names(const unsigned char* p, std::size_t len) {
  std::vector<std::string> names;
  if (len < 2) return names;
  std::size_t list = (static_cast<std::size_t>(p[0]) << 8) | p[1];
  std::size_t at = 2, end = std::min(len, 2 + list);
  while (at + 3 <= end) {
    unsigned type = p[at];
    std::size_t n = (static_cast<std::size_t>(p[at + 1]) << 8) | p[at + 2];
    at += 3;
    if (at + n > end) break;
    if (type == 0) names.emplace_back(reinterpret_cast<const char*>(p + at), n);
    at += n;
  }
  return names;
}

// The TLS versions a ClientHello offers: its supported_versions list, else its legacy version.
std::vector<int> offered_versions(SSL* s) {
  std::vector<int> out;
  const unsigned char* ext = nullptr;
  std::size_t len = 0;
  if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_supported_versions, &ext, &len) == 1 && len >= 1) {
    const std::size_t n = std::min<std::size_t>(ext[0], len - 1);
    for (std::size_t i = 1; i + 1 <= n; i += 2) out.push_back((ext[i] << 8) | ext[i + 1]);
    return out;
  }
  out.push_back(static_cast<int>(SSL_client_hello_get0_legacy_version(s)));
  return out;
}

std::string version_name(int v) {
  switch (v) {
    case TLS1_VERSION: return "TLS 1.0";
    case TLS1_1_VERSION: return "TLS 1.1";
    case TLS1_2_VERSION: return "TLS 1.2";
    case TLS1_3_VERSION: return "TLS 1.3";
    default: return "version 0x" + [v] {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%04x", static_cast<unsigned>(v) & 0xffff);
      return std::string(hex);
    }();
  }
}

// "TLS 1.2", "TLS 1.2 and TLS 1.1"; GREASE values (RFC 8701: 0x?a?a) are left out.
std::string version_list(const std::vector<int>& versions) {
  std::string out;
  for (int v : versions) {
    if ((v & 0x0f0f) == 0x0a0a) continue;
    out += (out.empty() ? "" : " and ") + version_name(v);
  }
  return out.empty() ? "no version" : out;
}

// A server context with rules applies them to each ClientHello, before the version is chosen;
// every other context (clients never get here) is left alone.
int hello_rules(SSL* s, int* alert, void*) {
  const ServerContextRules* rules = ctx_rules(SSL_get_SSL_CTX(s));
  if (rules == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
  // Go's server sends exactly its file; OpenSSL would complete a chain from the roots gRPC holds
  // for naming CAs (tls_server.cpp).
  SSL_set_mode(s, SSL_MODE_NO_AUTO_CHAIN);
  if (rules->min_tls_version > 0) SSL_set_min_proto_version(s, rules->min_tls_version);
  if (rules->max_tls_version > 0) SSL_set_max_proto_version(s, rules->max_tls_version);
  if (rules->min_tls_version > 0 || rules->max_tls_version > 0) {
    // OpenSSL would refuse a client offering no version in range too, but only the client would
    // hear of it ("Socket closed"): the server says why, as Go's does ("offered only unsupported
    // versions").
    std::vector<int> offered = offered_versions(s);
    const int lo = rules->min_tls_version > 0 ? rules->min_tls_version : TLS1_2_VERSION;
    const int hi = rules->max_tls_version > 0 ? rules->max_tls_version : TLS1_3_VERSION;
    if (std::none_of(offered.begin(), offered.end(), [lo, hi](int v) { return v >= lo && v <= hi; })) {
      if (rules->on_hello_refused) {
        rules->on_hello_refused("the client offers only " + version_list(offered) + "; this server accepts " +
                                (lo == hi ? version_name(lo) : version_name(lo) + " to " + version_name(hi)));
      }
      *alert = SSL_AD_PROTOCOL_VERSION;
      return SSL_CLIENT_HELLO_ERROR;
    }
  }
  if (rules->refuse_sni_trailing_dot) {
    const unsigned char* ext = nullptr;
    std::size_t ext_len = 0;
    if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &ext, &ext_len) == 1) {
      for (const auto& name : sni_names(ext, ext_len)) {
        if (!name.empty() && name.back() == '.') {
          if (rules->on_hello_refused) {
            rules->on_hello_refused("the ClientHello's server_name '" + name +
                                    "' ends with a dot, which Go's crypto/tls refuses (RFC 6066)");
          }
          *alert = SSL_AD_UNEXPECTED_MESSAGE;  // Go: "tls: unexpected message"
          return SSL_CLIENT_HELLO_ERROR;
        }
      }
    }
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

void free_rules(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<ServerContextRules*>(ptr);
}

// Runs inside SSL_CTX_new for every context made after the hook is installed, gRPC's included.
void on_new_ctx(void* parent, void*, CRYPTO_EX_DATA* ad, int index, long, void*) {
  auto* ctx = static_cast<SSL_CTX*>(parent);
  if (t_rules != nullptr) {
    auto copy = std::make_unique<ServerContextRules>(*t_rules);
    if (CRYPTO_set_ex_data(ad, index, copy.get()) == 1) {
      copy.release();  // the context owns it now: free_rules
      ++t_contexts;
    }
  }
  // gRPC sets no ClientHello callback of its own; only a server context ever calls it, and one
  // without rules returns at once.
  if (t_rules != nullptr) SSL_CTX_set_client_hello_cb(ctx, hello_rules, nullptr);
  if (t_client_rules != nullptr) {
    // Options, not a version range: gRPC sets its own range (1.2 to 1.3) on the context after
    // making it, and only ever adds options.
    const ClientContextRules& r = *t_client_rules;
    uint64_t off = 0;
    if (r.min_tls_version > TLS1_2_VERSION) off |= SSL_OP_NO_TLSv1_2;
    if (r.max_tls_version > 0 && r.max_tls_version < TLS1_3_VERSION) off |= SSL_OP_NO_TLSv1_3;
    SSL_CTX_set_options(ctx, off);
    ++t_client_contexts;
  }
  SecurityCallback original = SSL_CTX_get_security_callback(ctx);
  if (original == nullptr || original == own_cert_aware) return;
  SecurityCallback none = nullptr;
  g_default.compare_exchange_strong(none, original);
  // Only the callback every fresh context starts with is wrapped; a different one is left alone.
  if (g_default.load() == original) SSL_CTX_set_security_callback(ctx, own_cert_aware);
}

void install_hook() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The slot's constructor hook is the only way to reach every SSL_CTX gRPC creates; the slot
    // holds a server context's rules. Registering it cannot fail short of memory exhaustion.
    int index = SSL_CTX_get_ex_new_index(0, nullptr, on_new_ctx, nullptr, free_rules);
    if (index < 0) throw std::runtime_error("OpenSSL: cannot register an SSL_CTX hook");
    g_rules_index = index;
  });
}

}  // namespace

std::string with_own_cert_level(std::string_view cert_chain_pem, int level) {
  install_hook();
  ossl::BioPtr in = ossl::mem_bio(cert_chain_pem);
  ossl::X509Ptr leaf(PEM_read_bio_X509_AUX(in.get(), nullptr, ossl::refuse_passphrase, nullptr));
  ERR_clear_error();
  if (!leaf || level < 0 || level > 5) return std::string(cert_chain_pem);
  // What the reader left in the BIO is the rest of the file, kept byte for byte.
  char* rest = nullptr;
  long rest_len = BIO_get_mem_data(in.get(), &rest);
  std::string mark = std::string(kMark) + static_cast<char>('0' + level);
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  ossl::check(out && X509_alias_set1(leaf.get(), reinterpret_cast<const unsigned char*>(mark.data()),
                                     static_cast<int>(mark.size())) == 1 &&
                  PEM_write_bio_X509_AUX(out.get(), leaf.get()) == 1,
              "marking the client certificate's security level");
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  std::string marked(data, static_cast<std::size_t>(len));
  if (rest_len > 0) marked.append(rest, static_cast<std::size_t>(rest_len));
  return marked;
}

ScopedServerContextRules::ScopedServerContextRules(const ServerContextRules& rules) {
  install_hook();
  t_rules = &rules;
  t_contexts = 0;
}

ScopedServerContextRules::~ScopedServerContextRules() { t_rules = nullptr; }

int ScopedServerContextRules::contexts() const { return t_contexts; }

ScopedClientContextRules::ScopedClientContextRules(const ClientContextRules& rules) {
  install_hook();
  t_client_rules = &rules;
  t_client_contexts = 0;
}

ScopedClientContextRules::~ScopedClientContextRules() { t_client_rules = nullptr; }

int ScopedClientContextRules::contexts() const { return t_client_contexts; }

}  // namespace tlsmatrix::endpoints

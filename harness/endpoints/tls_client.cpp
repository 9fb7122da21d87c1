#include "harness/endpoints/tls_client.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <climits>
#include <future>
#include <mutex>
#include <optional>

#include "harness/endpoints/own_cert_level.h"
#include "harness/endpoints/tls_files.h"

namespace tlsmatrix::endpoints {

namespace {

namespace gx = grpc::experimental;

// What the in-handshake profile check decided, shared between the verifier (owned by gRPC) and
// the cell.
struct VerifierRecord {
  std::mutex mu;
  bool called = false;
  verdict::ProfileVerdict verdict;
};

class ProfileVerifier final : public gx::ExternalCertificateVerifier {
 public:
  ProfileVerifier(const verdict::ClientProfile& profile, std::vector<ossl::X509Ptr> roots, std::string name,
                  std::shared_ptr<VerifierRecord> record)
      : profile_(profile), roots_(std::move(roots)), name_(std::move(name)), record_(std::move(record)) {}

  bool Verify(gx::TlsCustomVerificationCheckRequest* request, std::function<void(grpc::Status)>,
              grpc::Status* sync_status) override {
    verdict::PresentedChain chain;
    auto leaf = pem_certs(std::string(request->peer_cert().data(), request->peer_cert().size()));
    if (!leaf.empty()) chain.leaf = std::move(leaf.front());
    for (auto& c : pem_certs(std::string(request->peer_cert_full_chain().data(),
                                         request->peer_cert_full_chain().size()))) {
      // The client-side peer chain starts with the leaf itself.
      if (chain.leaf && X509_cmp(c.get(), chain.leaf.get()) == 0) continue;
      chain.rest.push_back(std::move(c));
    }
    std::vector<X509*> trusted;
    for (const auto& c : roots_) trusted.push_back(c.get());
    verdict::ProfileVerdict v = verdict::verify_server(profile_, chain, trusted, name_);
    *sync_status = v.ok() ? grpc::Status::OK : grpc::Status(grpc::StatusCode::UNAUTHENTICATED, v.detail);
    std::lock_guard lock(record_->mu);
    record_->called = true;
    record_->verdict = std::move(v);
    return true;
  }
  void Cancel(gx::TlsCustomVerificationCheckRequest*) override {}

 private:
  const verdict::ClientProfile& profile_;
  std::vector<ossl::X509Ptr> roots_;
  std::string name_;
  std::shared_ptr<VerifierRecord> record_;
};

}  // namespace

std::string checked_name(const ClientSetup& setup) {
  if (!setup.server_name.empty()) return setup.server_name;
  const std::string& h = setup.dial_host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') return h.substr(1, h.size() - 2);
  return h;
}

std::string client_files_error(const ClientSetup& setup, const verdict::ClientProfile* profile) {
  if (!setup.secure) return "";
  std::string err = roots_error(setup.trust_pem, setup.trust_label);
  if (err.empty() && !setup.cert_chain_pem.empty()) {
    const int level = profile != nullptr ? profile->own_cert_security_level : -1;
    const bool chain_checked = setup.cert_requested || (profile != nullptr && profile->own_chain_checked_at_load);
    err = identity_error(setup.cert_chain_pem, setup.key_pem, setup.cert_label, setup.key_label, level, chain_checked);
  }
  return err;
}

ClientOutcome call_health_check(int port, const ClientSetup& setup, const verdict::ClientProfile& profile,
                                std::chrono::milliseconds deadline) {
  ClientOutcome out;
  const int own_level = profile.own_cert_security_level;
  if (std::string err = setup.files_checked ? std::string() : client_files_error(setup, &profile);
      !err.empty()) {
    out.config_error = true;
    out.message = err;
    return out;
  }
  // The stack's own loading rules, not C-core's level, decide whether its certificate is sent.
  const std::string cert_chain_pem =
      own_level < 0 || setup.cert_chain_pem.empty() ? setup.cert_chain_pem
                                                     : with_own_cert_level(setup.cert_chain_pem, own_level);
  auto record = std::make_shared<VerifierRecord>();
  // The version range goes on the context gRPC makes while the credentials are created.
  const ClientContextRules versions{.min_tls_version = setup.tls_min, .max_tls_version = setup.tls_max};
  std::optional<ScopedClientContextRules> scoped;
  if (setup.secure && versions.any()) scoped.emplace(versions);
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!setup.secure) {
    creds = grpc::InsecureChannelCredentials();
  } else if (profile.native_grpc_core) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = setup.trust_pem;
    ssl.pem_private_key = setup.key_pem;
    ssl.pem_cert_chain = cert_chain_pem;
    creds = grpc::SslCredentials(ssl);
  } else {
    std::vector<gx::IdentityKeyCertPair> identity;
    if (!cert_chain_pem.empty()) identity.push_back({setup.key_pem, cert_chain_pem});
    gx::TlsChannelCredentialsOptions options;
    // The roots go to the profile's verifier only: given to gRPC as well, OpenSSL would complete
    // the client's own chain from them (auto-chaining), which Go and Node clients do not do.
    if (!identity.empty()) {
      options.set_certificate_provider(std::make_shared<gx::StaticDataCertificateProvider>(identity));
      options.watch_identity_key_cert_pairs();
    }
    // gRPC's own chain and name checks are off: the profile's verifier decides instead.
    options.set_verify_server_certs(/*verify_server_certs=*/false);
    options.set_check_call_host(false);
    options.set_certificate_verifier(gx::ExternalCertificateVerifier::Create<ProfileVerifier>(
        profile, pem_certs(setup.trust_pem), checked_name(setup), record));
    creds = gx::TlsCredentials(options);
  }
  grpc::ChannelArguments args;
  if (setup.secure && !setup.server_name.empty()) {
    // The override is the SNI (the profile's verifier checks checked_name(setup), as given). Go
    // sends a name ending with a dot without it (hostnameInSNI); Milvus's Go server refuses one.
    std::string sni = setup.server_name;
    if (profile.sni_strips_trailing_dot && sni.size() > 1 && sni.back() == '.') sni.pop_back();
    args.SetSslTargetNameOverride(sni);
  }
  // A channel of its own: with the global pool, channels with equal arguments share a connection
  // and a cell would reuse another cell's handshake.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // One attempt, one handshake: no transparent retry on another connection.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  // gRPC ends a connection attempt after its minimum connect timeout (20 s), whatever the call's
  // deadline, with UNAVAILABLE ("Handshake read failed"), which names no cause: a handshake slowed
  // past it on a busy machine came out `unclassified` under a longer --timeout. The attempt gets
  // the call's deadline and a second more, so only the deadline ends a slow handshake (`timeout`).
  const auto attempt_ms = std::min<std::chrono::milliseconds::rep>(deadline.count() + 1000, INT_MAX);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(attempt_ms));
  auto channel = grpc::CreateCustomChannel(setup.dial_host + ":" + std::to_string(port), creds, args);

  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  // An empty HealthCheckRequest (service "") serializes to zero bytes.
  grpc::Slice empty;
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (scoped && scoped->contexts() == 0) {
    // gRPC made its context on another thread, which offered its own versions: no verdict.
    out.harness_trouble = "the client's TLS version range did not reach gRPC's TLS context";
    return out;
  }
  out.status_code = static_cast<int>(status.error_code());
  out.message = status.error_message();
  std::lock_guard lock(record->mu);
  out.verifier_called = record->called;
  out.verifier_verdict = record->verdict;
  return out;
}

}  // namespace tlsmatrix::endpoints

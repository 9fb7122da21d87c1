#include "harness/endpoints/tls_server.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/server_interceptor.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "harness/endpoints/own_cert_level.h"
#include "harness/endpoints/tls_files.h"
#include "harness/verdict/classify.h"
#include "harness/verdict/go_x509.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"
#include "harness/x509/verify.h"

namespace tlsmatrix::endpoints {

namespace {

namespace gx = grpc::experimental;

ServerEvent failed(verdict::Reason reason, std::string detail) {
  ServerEvent e;
  e.ok = false;
  e.reason = reason;
  e.detail = std::move(detail);
  return e;
}

// The server's view of a client chain, in the taxonomy's words.
ServerEvent client_cert_event(const x509::VerifyResult& r, X509* leaf) {
  if (r.ok()) {
    ServerEvent e;
    e.detail = "client certificate verified (" + x509::subject(leaf) + ")";
    return e;
  }
  return failed(verdict::client_cert_reason(r.error), "client certificate: " + r.text());
}

// Verifies the client's chain against tls.caPemPath by the server profile's rules: OpenSSL with
// the flags gRPC's own verification uses (PARTIAL_CHAIN | TRUSTED_FIRST, purpose sslclient, the
// security level), or Go's crypto/x509 (go_x509.h); records the precise X509 error, which
// neither end's status message carries.
class ClientChainVerifier final : public gx::ExternalCertificateVerifier {
 public:
  ClientChainVerifier(std::shared_ptr<ClientCertLog> log, std::vector<ossl::X509Ptr> roots, ServerEventSink sink,
                      verdict::ClientChainRules rules)
      : log_(std::move(log)), roots_(std::move(roots)), sink_(std::move(sink)), rules_(rules) {}

  bool Verify(gx::TlsCustomVerificationCheckRequest* request, std::function<void(grpc::Status)>,
              grpc::Status* sync_status) override {
    auto leaf_certs = pem_certs(std::string(request->peer_cert().data(), request->peer_cert().size()));
    auto rest = pem_certs(std::string(request->peer_cert_full_chain().data(), request->peer_cert_full_chain().size()));
    if (leaf_certs.empty()) {
      log_->record(X509_V_ERR_UNSPECIFIED, "no client certificate in the verification request");
      if (sink_) sink_(failed(verdict::Reason::client_cert_missing, "no client certificate"));
      *sync_status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no client certificate");
      return true;
    }
    X509* leaf = leaf_certs.front().get();
    // On the server side OpenSSL's peer chain leaves the leaf out; on some paths it is included.
    std::vector<X509*> untrusted;
    for (const auto& c : rest) {
      if (!x509::same_cert(c.get(), leaf)) untrusted.push_back(c.get());
    }
    std::vector<X509*> trusted;
    for (const auto& c : roots_) trusted.push_back(c.get());
    x509::VerifyResult r = rules_ == verdict::ClientChainRules::go_x509
                               ? verdict::go_verify_chain(leaf, untrusted, trusted, x509::Peer::client)
                               : x509::verify(leaf, untrusted, trusted,
                                              {.peer = x509::Peer::client,
                                               .check_purpose = true,
                                               .partial_chain = true,
                                               .trusted_first = true,
                                               .auth_level = x509::kProcessSecurityLevel});
    log_->record(r.error, r.text());
    if (sink_) sink_(client_cert_event(r, leaf));
    *sync_status = r.ok() ? grpc::Status::OK
                          : grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "client certificate: " + r.text());
    return true;
  }
  void Cancel(gx::TlsCustomVerificationCheckRequest*) override {}

 private:
  std::shared_ptr<ClientCertLog> log_;
  std::vector<ossl::X509Ptr> roots_;
  ServerEventSink sink_;
  verdict::ClientChainRules rules_;
};

// Reports every RPC with its peer: a served RPC is the proof that a handshake succeeded.
class RpcEventInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcEventInterceptor(grpc::experimental::ServerRpcInfo* info, ServerEventSink sink)
      : info_(info), sink_(std::move(sink)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      ServerEvent e;
      e.kind = ServerEvent::Kind::rpc;
      e.peer = peer_address(info_->server_context()->peer());
      e.detail = std::string("RPC ") + info_->method();
      sink_(e);
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  ServerEventSink sink_;
};

class RpcEventFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcEventFactory(ServerEventSink sink) : sink_(std::move(sink)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new RpcEventInterceptor(info, sink_);
  }

 private:
  ServerEventSink sink_;
};

void enable_health_service_once() {
  static std::once_flag once;
  std::call_once(once, [] { grpc::EnableDefaultHealthCheckService(true); });
}

}  // namespace

void ClientCertLog::record(int x509_error, std::string text) {
  std::lock_guard lock(mu_);
  entry_.called = true;
  entry_.x509_error = x509_error;
  entry_.text = std::move(text);
}

void ClientCertLog::record_hello_refused(std::string why) {
  std::lock_guard lock(mu_);
  entry_.hello_refused = std::move(why);
}

ClientCertLog::Entry ClientCertLog::last() const {
  std::lock_guard lock(mu_);
  return entry_;
}

std::unique_ptr<TlsServer> TlsServer::start(int mode, const ServerFiles& files, std::string* config_error,
                                            const ServerHooks& hooks, StartFailure* failure,
                                            const verdict::ServerProfile& profile) {
  enable_health_service_once();
  std::unique_ptr<TlsServer> self(new TlsServer());
  self->mode_ = mode;
  std::shared_ptr<grpc::ServerCredentials> creds;
  // Milvus: any tlsMode other than 1 or 2 is plaintext.
  if (mode != 1 && mode != 2) {
    creds = grpc::InsecureServerCredentials();
  } else {
    std::string err = identity_error(files.cert_chain_pem, files.key_pem, files.cert_label, files.key_label,
                                     profile.own_cert_security_level);
    if (err.empty() && mode == 2) {
      if (files.ca_pem.empty()) {
        err = "tlsMode 2 needs tls.caPemPath, and none is configured";
      } else {
        err = roots_error(files.ca_pem, files.ca_label);
      }
    }
    if (!err.empty()) {
      *config_error = err;
      return nullptr;
    }
    std::vector<gx::IdentityKeyCertPair> identity{{files.key_pem, files.cert_chain_pem}};
    const bool ca_names = mode == 2 && profile.names_client_cas;
    // Named CAs come from gRPC's roots (it hands their subjects to SSL_CTX_set_client_CA_list).
    auto provider = ca_names ? std::make_shared<gx::StaticDataCertificateProvider>(files.ca_pem, identity)
                             : std::make_shared<gx::StaticDataCertificateProvider>(identity);
    gx::TlsServerCredentialsOptions options(provider);
    options.watch_identity_key_cert_pairs();
    if (ca_names) options.watch_root_certs();
    if (mode == 2) {
      // Without names, the CA is deliberately not given to gRPC as roots: OpenSSL would then
      // complete the served chain from that store (auto-chaining), which Milvus's Go server never
      // does, and a missing intermediate would go unnoticed. With names (the milvus profile) it
      // must be, and the ClientHello callback turns auto-chaining off for the connection
      // (own_cert_level.cpp). The client chain is verified by our verifier either way.
      options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
      options.set_certificate_verifier(gx::ExternalCertificateVerifier::Create<ClientChainVerifier>(
          self->log_, pem_certs(files.ca_pem), hooks.on_event, profile.client_chain_rules));
    } else {
      options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    }
    creds = gx::TlsServerCredentials(options);
  }
  // The profile's rules for the SSL_CTX gRPC makes while the server is built (own_cert_level.h).
  ServerContextRules rules{.security_level = profile.own_cert_security_level,
                           .min_tls_version = std::max(mode == 2 ? profile.mode2_min_tls_version : 0, files.tls_min),
                           .max_tls_version = files.tls_max,
                           .refuse_sni_trailing_dot = profile.refuses_sni_trailing_dot,
                           .on_hello_refused = {}};
  const bool tls = mode == 1 || mode == 2;
  const bool with_rules =
      tls && (rules.security_level >= 0 || rules.min_tls_version > 0 || rules.max_tls_version > 0 ||
              rules.refuse_sni_trailing_dot);
  if (with_rules) {
    rules.on_hello_refused = [log = self->log_, sink = hooks.on_event](const std::string& why) {
      log->record_hello_refused(why);
      if (sink) sink(failed(verdict::Reason::protocol_mismatch, why));
    };
  }
  std::optional<ScopedServerContextRules> scoped;
  if (with_rules) scoped.emplace(rules);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(hooks.listen, creds, &self->port_);
  if (hooks.on_event) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<RpcEventFactory>(hooks.on_event));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  self->generic_ = std::make_unique<grpc::CallbackGenericService>();
  builder.RegisterCallbackGenericService(self->generic_.get());
  self->server_ = builder.BuildAndStart();
  if (!self->server_ || self->port_ == 0) {
    if (failure != nullptr) failure->listen = true;
    *config_error = "gRPC could not start a server on " + hooks.listen;
    return nullptr;
  }
  if (with_rules && scoped->contexts() == 0) {
    // The server would judge by the harness's rules while the cell says another profile's.
    if (failure != nullptr) failure->rules = true;
    *config_error = "the " + profile.name + " server profile's rules did not reach gRPC's TLS context";
    return nullptr;
  }
  self->address_ = hooks.listen.substr(0, hooks.listen.rfind(':')) + ":" + std::to_string(self->port_);
  return self;
}

TlsServer::~TlsServer() {
  if (server_) {
    // Cancel whatever is still open instead of waiting for it: the cell is over.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
    server_->Wait();
  }
}

}  // namespace tlsmatrix::endpoints

#include "harness/endpoints/tls_server.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/server_interceptor.h>

#include <chrono>

#include "harness/endpoints/tls_files.h"
#include "harness/verdict/classify.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"
#include "harness/x509/verify.h"

namespace tlsmatrix {

namespace {

namespace gx = grpc::experimental;

ServerEvent failed(Reason reason, std::string detail) {
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
  return failed(client_cert_reason(r.error), "client certificate: " + r.text());
}

// Verifies the client's chain against tls.caPemPath with the flags gRPC's own verification uses
// (PARTIAL_CHAIN | TRUSTED_FIRST, purpose sslclient, the security level) and records the precise
// X509 error, which neither end's status message carries.
class ClientChainVerifier final : public gx::ExternalCertificateVerifier {
 public:
  ClientChainVerifier(std::shared_ptr<ClientCertLog> log, std::vector<ossl::X509Ptr> roots, ServerEventSink sink)
      : log_(std::move(log)), roots_(std::move(roots)), sink_(std::move(sink)) {}

  bool Verify(gx::TlsCustomVerificationCheckRequest* request, std::function<void(grpc::Status)>,
              grpc::Status* sync_status) override {
    auto leaf_certs = pem_certs(std::string(request->peer_cert().data(), request->peer_cert().size()));
    auto rest = pem_certs(std::string(request->peer_cert_full_chain().data(), request->peer_cert_full_chain().size()));
    if (leaf_certs.empty()) {
      log_->record(X509_V_ERR_UNSPECIFIED, "no client certificate in the verification request");
      if (sink_) sink_(failed(Reason::client_cert_missing, "no client certificate"));
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
    x509::VerifyResult r = x509::verify(leaf, untrusted, trusted,
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

ClientCertLog::Entry ClientCertLog::last() const {
  std::lock_guard lock(mu_);
  return entry_;
}

std::unique_ptr<TlsServer> TlsServer::start(int mode, const ServerFiles& files, std::string* config_error,
                                            const ServerHooks& hooks, StartFailure* failure) {
  enable_health_service_once();
  std::unique_ptr<TlsServer> self(new TlsServer());
  self->mode_ = mode;
  std::shared_ptr<grpc::ServerCredentials> creds;
  // Milvus: any tlsMode other than 1 or 2 is plaintext.
  if (mode != 1 && mode != 2) {
    creds = grpc::InsecureServerCredentials();
  } else {
    std::string err = identity_error(files.cert_chain_pem, files.key_pem, files.cert_label, files.key_label);
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
    gx::TlsServerCredentialsOptions options(std::make_shared<gx::StaticDataCertificateProvider>(identity));
    options.watch_identity_key_cert_pairs();
    if (mode == 2) {
      // The CA is deliberately not given to gRPC as roots: OpenSSL would then complete the
      // served chain from that store (auto-chaining), which Milvus's Go server never does, and a
      // missing intermediate would go unnoticed. The client chain is verified by our verifier.
      // Without roots the CertificateRequest names no CA, where Go's ClientCAs names them all:
      // see ServerCaveat::no_ca_names (harness/runner/server_stack_notes.h).
      options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
      options.set_certificate_verifier(
          gx::ExternalCertificateVerifier::Create<ClientChainVerifier>(self->log_, pem_certs(files.ca_pem),
                                                                     hooks.on_event));
    } else {
      options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    }
    creds = gx::TlsServerCredentials(options);
  }
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

}  // namespace tlsmatrix

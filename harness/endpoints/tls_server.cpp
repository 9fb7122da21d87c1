#include "harness/endpoints/tls_server.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <chrono>

#include "harness/endpoints/tls_files.h"
#include "harness/verdict/chain_check.h"

namespace tlsmatrix {

namespace {

namespace gx = grpc::experimental;

// Verifies the client's chain against tls.caPemPath with the flags gRPC's own verification uses
// (PARTIAL_CHAIN | TRUSTED_FIRST, purpose sslclient, the security level) and records the precise
// X509 error, which neither end's status message carries.
class ClientChainVerifier final : public gx::ExternalCertificateVerifier {
 public:
  ClientChainVerifier(std::shared_ptr<ClientCertLog> log, std::vector<ossl::X509Ptr> roots)
      : log_(std::move(log)), roots_(std::move(roots)) {}

  bool Verify(gx::TlsCustomVerificationCheckRequest* request, std::function<void(grpc::Status)>,
              grpc::Status* sync_status) override {
    auto leaf_certs = pem_certs(std::string(request->peer_cert().data(), request->peer_cert().size()));
    auto rest = pem_certs(std::string(request->peer_cert_full_chain().data(), request->peer_cert_full_chain().size()));
    if (leaf_certs.empty()) {
      log_->record(X509_V_ERR_UNSPECIFIED, "no client certificate in the verification request");
      *sync_status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no client certificate");
      return true;
    }
    X509* leaf = leaf_certs.front().get();
    // On the server side OpenSSL's peer chain leaves the leaf out; on some paths it is included.
    std::vector<X509*> untrusted;
    for (const auto& c : rest) {
      if (X509_cmp(c.get(), leaf) != 0) untrusted.push_back(c.get());
    }
    std::vector<X509*> trusted;
    for (const auto& c : roots_) trusted.push_back(c.get());
    ChainCheckResult r = check_chain(
        leaf, untrusted, trusted,
        ChainCheckOptions{.peer = PeerRole::client, .partial_chain = true, .check_purpose = true, .auth_level = -1});
    log_->record(r.error, r.text());
    *sync_status = r.ok() ? grpc::Status::OK
                          : grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "client certificate: " + r.text());
    return true;
  }
  void Cancel(gx::TlsCustomVerificationCheckRequest*) override {}

 private:
  std::shared_ptr<ClientCertLog> log_;
  std::vector<ossl::X509Ptr> roots_;
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

std::unique_ptr<TlsServer> TlsServer::start(int mode, const ServerFiles& files, std::string* config_error) {
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
      options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
      options.set_certificate_verifier(
          gx::ExternalCertificateVerifier::Create<ClientChainVerifier>(self->log_, pem_certs(files.ca_pem)));
    } else {
      options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    }
    creds = gx::TlsServerCredentials(options);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", creds, &self->port_);
  self->generic_ = std::make_unique<grpc::CallbackGenericService>();
  builder.RegisterCallbackGenericService(self->generic_.get());
  self->server_ = builder.BuildAndStart();
  if (!self->server_ || self->port_ == 0) {
    *config_error = "gRPC could not start a server on 127.0.0.1:0";
    return nullptr;
  }
  return self;
}

TlsServer::~TlsServer() {
  if (server_) {
    // Cancel whatever is still open instead of waiting for it: the cell is over.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
    server_->Wait();
  }
}

std::vector<std::string> server_caveats() {
  return {
      "The harness's server is gRPC C++ 1.51 with OpenSSL 3, Milvus's proxy is grpc-go: in "
      "tlsMode 2 Milvus requires TLS 1.3 as minimum, gRPC C++ 1.51 has no public API for a "
      "minimum version, so the harness's server also accepts TLS 1.2 clients.",
      "The harness's server loads its certificate under OpenSSL security level " +
          std::to_string(default_security_level()) +
          " (keys >= 2048-bit RSA, no SHA-1 signatures); Go's crypto/tls loads weaker "
          "certificates, so Milvus's proxy may start where the harness reports server_config_error.",
      "In tlsMode 2 the harness's server checks the client chain with OpenSSL (sslclient purpose, "
      "partial chains allowed); Milvus's proxy uses Go's crypto/x509 (ExtKeyUsageClientAuth).",
  };
}

}  // namespace tlsmatrix

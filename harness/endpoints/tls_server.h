// An in-process gRPC server set up as Milvus sets up its proxy for a tlsMode (docs/milvus-rules.md):
// 0 plaintext, 1 server certificate and key, 2 also a client certificate that is required and
// verified against the CA. It serves grpc.health.v1.Health on 127.0.0.1:0. In mode 2 the
// server verifies the client chain itself (a per-server certificate verifier), so each cell
// knows exactly why its server refused a client, with nothing shared between parallel cells.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/endpoints/server_events.h"
#include "harness/verdict/server_profile.h"

namespace grpc {
class Server;
class CallbackGenericService;
}

namespace tlsmatrix::endpoints {

// Milvus's tls.* files as PEM text.
struct ServerFiles {
  std::string cert_chain_pem;  // tls.serverPemPath: leaf, then any chain
  std::string key_pem;         // tls.serverKeyPath
  std::string ca_pem;          // tls.caPemPath (mode 2)
  std::string cert_label = "tls.serverPemPath";
  std::string key_label = "tls.serverKeyPath";
  std::string ca_label = "tls.caPemPath";
  // Not a Milvus file, but set beside them: the TLS versions the server accepts (TLS1_2_VERSION,
  // TLS1_3_VERSION; 0 = its profile's own). A floor below the profile's own does not lower it.
  int tls_min = 0;
  int tls_max = 0;
};

// What the mode-2 server's client-certificate check saw. Written by gRPC's handshake threads,
// read by the cell after its RPC: guarded.
class ClientCertLog {
 public:
  struct Entry {
    bool called = false;  // false: no client certificate got as far as the verifier
    int x509_error = 0;   // X509_V_OK when the client chain verified
    std::string text;     // "certificate has expired (depth 0, CN=client)"
    // The server refused the ClientHello itself, by its profile's rules (e.g. an SNI ending with
    // a dot, refused by Milvus's Go server): why; empty when it did not.
    std::string hello_refused;
  };
  void record(int x509_error, std::string text);
  void record_hello_refused(std::string why);
  Entry last() const;

 private:
  mutable std::mutex mu_;
  Entry entry_;
};

// Where a server listens and whom it tells what it saw. The runner needs neither; `serve` both.
struct ServerHooks {
  std::string listen = "127.0.0.1:0";
  // Each mode-2 client-certificate check and each RPC served; called from gRPC's threads.
  ServerEventSink on_event;
};

// Why start() returned nullptr, beyond the words.
struct StartFailure {
  // The files were accepted and gRPC still could not listen: the address or the environment
  // (no descriptors, no memory) is at fault, never the TLS configuration.
  bool listen = false;
  // The server profile's rules could not be applied to gRPC's TLS context (own_cert_level.h):
  // the server would judge by other rules than the cell's. A harness error, not a verdict.
  bool rules = false;
};

class TlsServer {
 public:
  // Starts a server for `mode`, or returns nullptr with `config_error` set (files that gRPC would
  // refuse, mode 2 without a CA: Milvus's proxy would not start either; or gRPC could not listen,
  // which `failure` tells apart). `profile` says whose rules it loads its files and judges its
  // clients by (harness/verdict/server_profile.h).
  static std::unique_ptr<TlsServer> start(int mode, const ServerFiles& files, std::string* config_error,
                                          const ServerHooks& hooks = {}, StartFailure* failure = nullptr,
                                          const verdict::ServerProfile& profile = verdict::harness_server_profile());
  ~TlsServer();  // shuts down with a short deadline

  int port() const { return port_; }
  // "HOST:PORT" as listening (the port resolved when the listen address asked for port 0).
  std::string address() const { return address_; }
  int mode() const { return mode_; }
  ClientCertLog::Entry client_cert() const { return log_->last(); }

 private:
  TlsServer() = default;
  int mode_ = 0;
  int port_ = 0;
  std::string address_;
  std::shared_ptr<ClientCertLog> log_ = std::make_shared<ClientCertLog>();
  // Answers any other method with UNIMPLEMENTED; its presence also gives the server the
  // callback completion queue the default (callback-based) health service needs. Declared
  // before server_ so it outlives it.
  std::unique_ptr<grpc::CallbackGenericService> generic_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace tlsmatrix::endpoints

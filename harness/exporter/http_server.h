// The exporter's HTTP front, on libmicrohttpd (a thread per connection, so a slow probe holds
// only its own connection): GET /probe?target=HOST:PORT&module=NAME, GET /metrics, GET / (a
// short index). Probes beyond max_concurrent_probes get 503 at once rather than a queue that
// would outlast Prometheus's scrape timeout.
#pragma once

#include <memory>
#include <string>

#include "harness/exporter/exporter_config.h"

namespace tlsmatrix::exporter {

class HttpServer {
 public:
  // `listen` is IP:PORT (IPv6 as [::1]:PORT; port 0 = any free port). Throws InputError when
  // the address is malformed or cannot be bound.
  static std::unique_ptr<HttpServer> start(ExporterConfig config, const std::string& listen);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::string address() const;  // "127.0.0.1:9219", with the port actually bound

  struct State;

 private:
  explicit HttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tlsmatrix::exporter

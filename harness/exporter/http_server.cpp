#include "harness/exporter/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <vector>

#include "harness/exporter/metrics.h"
#include "harness/exporter/probe_request.h"
#include "harness/io/input_error.h"
#include "harness/net/host_port.h"
#include "harness/net/ip_literal.h"
#include "harness/probe/probe.h"

namespace tlsmatrix::exporter {

namespace {

constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kTextType = "text/plain; charset=utf-8";
// Connections beyond the probes: /metrics, the index, a 503 answered at once.
constexpr unsigned kSpareConnections = 16;
// An idle or dribbling client gives up its thread after this long.
constexpr unsigned kConnectionTimeoutSeconds = 60;

}  // namespace

struct HttpServer::State {
  ExporterConfig config;
  MHD_Daemon* daemon = nullptr;
  std::string host;  // as given, for address()
  bool ipv6 = false;
  int port = 0;

  std::mutex mu;  // guards stats
  ExporterStats stats;
  std::atomic<int> in_flight{0};
};

namespace {

MHD_Result respond(MHD_Connection* c, unsigned code, const std::string& body, const char* type) {
  MHD_Response* r =
      MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                      MHD_RESPMEM_MUST_COPY);
  if (r == nullptr) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_Result ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ret;
}

MHD_Result collect_param(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* out = static_cast<std::vector<QueryParam>*>(cls);
  out->push_back(QueryParam{key != nullptr ? key : "", value != nullptr ? value : ""});
  return MHD_YES;
}

// Holds one of the max_concurrent_probes slots for a probe's lifetime.
class Slot {
 public:
  Slot(std::atomic<int>& counter, int max) : counter_(counter) {
    int n = counter_.load();
    while (n < max && !counter_.compare_exchange_weak(n, n + 1)) {
    }
    held_ = n < max;
  }
  ~Slot() {
    if (held_) --counter_;
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool held() const { return held_; }

 private:
  std::atomic<int>& counter_;
  bool held_ = false;
};

MHD_Result serve_probe(HttpServer::State& s, MHD_Connection* c) {
  std::vector<QueryParam> params;
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, &params);
  std::optional<std::string> scrape_timeout;
  if (const char* h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  "X-Prometheus-Scrape-Timeout-Seconds")) {
    scrape_timeout = h;
  }
  ParsedProbeRequest parsed = parse_probe_request(s.config, params, scrape_timeout);
  if (!parsed.request) {
    {
      std::lock_guard lock(s.mu);
      ++s.stats.bad_requests;
    }
    return respond(c, MHD_HTTP_BAD_REQUEST, parsed.error + "\n", kTextType);
  }
  Slot slot(s.in_flight, s.config.max_concurrent_probes);
  if (!slot.held()) {
    {
      std::lock_guard lock(s.mu);
      ++s.stats.busy_rejections;
    }
    return respond(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                   "too many probes in flight (max_concurrent_probes: " +
                       std::to_string(s.config.max_concurrent_probes) + ")\n",
                   kTextType);
  }
  const ProbeRequest& req = *parsed.request;
  const auto start = std::chrono::steady_clock::now();
  std::string body;
  bool success = false;
  try {
    probe::ProbeReport report =
        probe::run_probe(probe_options(*req.module, req.target, req.budget));
    success = report.passed();
    body = render_probe_metrics(report, std::chrono::steady_clock::now() - start);
  } catch (const std::exception& e) {
    // The harness's own trouble (no descriptors, no memory): say so, and claim nothing about
    // the target.
    std::cerr << "exporter: probe of " << req.target.text() << " (module " << req.module->name
              << ") could not run: " << e.what() << std::endl;
    return respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                   std::string("the probe could not run: ") + e.what() + "\n", kTextType);
  }
  {
    std::lock_guard lock(s.mu);
    auto& counts = s.stats.probes[req.module->name];
    ++(success ? counts.success : counts.failure);
  }
  return respond(c, MHD_HTTP_OK, body, kMetricsType);
}

MHD_Result serve_metrics(HttpServer::State& s, MHD_Connection* c) {
  std::string body;
  {
    std::lock_guard lock(s.mu);
    s.stats.in_flight = s.in_flight.load();
    body = render_exporter_metrics(s.stats);
  }
  return respond(c, MHD_HTTP_OK, body, kMetricsType);
}

MHD_Result serve_index(HttpServer::State& s, MHD_Connection* c) {
  std::string body = "tlsmatrix exporter " TLSMATRIX_VERSION
                     "\n\n/probe?target=HOST:PORT&module=NAME  probe an endpoint\n"
                     "/metrics                             the exporter's own metrics\n\nmodules:";
  for (const auto& [name, m] : s.config.modules) body += " " + name;
  return respond(c, MHD_HTTP_OK, body + "\n", kTextType);
}

MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                      const char*, const char*, size_t* upload_size, void** per_request) {
  auto& s = *static_cast<HttpServer::State*>(cls);
  // libmicrohttpd calls once with the headers, then again per body chunk and at the end: answer
  // on the second call, after refusing any body.
  if (*per_request == nullptr) {
    static int marker;
    *per_request = &marker;
    return MHD_YES;
  }
  if (*upload_size != 0) {
    *upload_size = 0;
    return MHD_YES;
  }
  if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0) {
    return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n", kTextType);
  }
  const std::string path = url;
  if (path == "/probe") return serve_probe(s, c);
  if (path == "/metrics") return serve_metrics(s, c);
  if (path == "/") return serve_index(s, c);
  return respond(c, MHD_HTTP_NOT_FOUND, "not found: try /probe, /metrics or /\n", kTextType);
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() {
  if (state_->daemon != nullptr) MHD_stop_daemon(state_->daemon);
}

std::unique_ptr<HttpServer> HttpServer::start(ExporterConfig config, const std::string& listen) {
  // parse_host_port refuses port 0, which a test needs: check the host and port separately.
  std::string text = listen;
  bool any_port = false;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ":0") == 0) {
    any_port = true;
    text.back() = '1';
  }
  net::HostPort hp = net::parse_host_port(text, "--listen");
  if (any_port) hp.port = 0;
  if (!net::is_ip_literal(hp.host)) {
    throw io::InputError("--listen " + listen + ": give an IP address (127.0.0.1, [::1], 0.0.0.0)");
  }

  auto state = std::make_unique<State>();
  state->config = std::move(config);
  state->host = hp.host;
  state->stats.max_concurrent = state->config.max_concurrent_probes;
  state->stats.start_time_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& [name, m] : state->config.modules) state->stats.probes[name];

  sockaddr_storage addr{};
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                   MHD_USE_ERROR_LOG;
  if (hp.host.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&addr);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(hp.port));
    if (inet_pton(AF_INET6, hp.host.c_str(), &a6->sin6_addr) != 1) {
      throw io::InputError("--listen " + listen + ": not an IPv6 address");
    }
    flags |= MHD_USE_IPv6;
    state->ipv6 = true;
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&addr);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(hp.port));
    if (inet_pton(AF_INET, hp.host.c_str(), &a4->sin_addr) != 1) {
      throw io::InputError("--listen " + listen + ": not an IPv4 address");
    }
  }
  const unsigned limit =
      static_cast<unsigned>(state->config.max_concurrent_probes) + kSpareConnections;
  state->daemon = MHD_start_daemon(
      flags, static_cast<uint16_t>(hp.port), nullptr, nullptr, &on_request, state.get(),
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr), MHD_OPTION_CONNECTION_LIMIT,
      limit, MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeoutSeconds, MHD_OPTION_END);
  if (state->daemon == nullptr) {
    throw io::InputError("--listen " + listen + ": cannot listen there (in use, or not an address "
                     "of this machine)");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(state->daemon, MHD_DAEMON_INFO_BIND_PORT);
  state->port = info != nullptr ? info->port : hp.port;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

std::string HttpServer::address() const {
  net::HostPort hp{state_->host, state_->port};
  return hp.text();
}

}  // namespace tlsmatrix::exporter

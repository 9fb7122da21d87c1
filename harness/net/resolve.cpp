#include "harness/net/resolve.h"

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

#include "harness/io/duration_text.h"
#include "harness/net/ip_literal.h"

namespace tlsmatrix::net {

namespace {

// libc's, not OpenSSL's, so it stays here rather than in ossl_ptr.h.
struct AddrinfoDeleter {
  void operator()(addrinfo* a) const noexcept { freeaddrinfo(a); }
};
using AddrinfoPtr = std::unique_ptr<addrinfo, AddrinfoDeleter>;

struct LookupResult {
  int rc = 0;
  int saved_errno = 0;  // for EAI_SYSTEM
  AddrinfoPtr list;
};

std::string numeric_text(const sockaddr* sa, socklen_t len) {
  char host[NI_MAXHOST];
  if (getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "";
  return host;
}

Resolution collect(const std::string& host, const LookupResult& r) {
  Resolution out;
  if (r.rc != 0) {
    out.error = "cannot resolve " + host + ": " +
                (r.rc == EAI_SYSTEM ? std::strerror(r.saved_errno) : gai_strerror(r.rc));
    return out;
  }
  for (const addrinfo* a = r.list.get(); a != nullptr; a = a->ai_next) {
    if (a->ai_addr == nullptr || a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Address addr;
    std::memcpy(&addr.storage, a->ai_addr, a->ai_addrlen);
    addr.len = a->ai_addrlen;
    addr.text = numeric_text(a->ai_addr, a->ai_addrlen);
    out.addresses.push_back(std::move(addr));
  }
  if (out.addresses.empty()) out.error = "cannot resolve " + host + ": no addresses";
  return out;
}

}  // namespace

Resolution resolve(const std::string& host, int port, std::chrono::milliseconds timeout) {
  return resolve(host, port, timeout, ::getaddrinfo);
}

Resolution resolve(const std::string& host, int port, std::chrono::milliseconds timeout,
                   Lookup lookup) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  const std::string service = std::to_string(port);
  if (is_ip_literal(host)) {
    hints.ai_flags |= AI_NUMERICHOST;  // a conversion, never a query: cannot block
    LookupResult r;
    addrinfo* raw = nullptr;
    r.rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
    r.saved_errno = errno;
    r.list.reset(raw);
    return collect(host, r);
  }
  // The promise's shared state, not this frame, holds the result: when the wait below gives up,
  // the thread still has somewhere to put it, and the list is freed with that state.
  std::promise<LookupResult> promise;
  std::future<LookupResult> future = promise.get_future();
  std::thread([promise = std::move(promise), lookup = std::move(lookup), host, service,
               hints]() mutable {
    LookupResult r;
    addrinfo* raw = nullptr;
    r.rc = lookup(host.c_str(), service.c_str(), &hints, &raw);
    r.saved_errno = errno;
    r.list.reset(raw);
    promise.set_value(std::move(r));
  }).detach();
  if (future.wait_for(timeout) != std::future_status::ready) {
    Resolution out;
    out.timed_out = true;
    out.error = "resolving " + host + " timed out after " + io::seconds_text(timeout);
    return out;
  }
  return collect(host, future.get());
}

}  // namespace tlsmatrix::net

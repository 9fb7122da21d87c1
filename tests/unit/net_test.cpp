// harness/net: the one IP-literal test, the one HOST:PORT parser and the resolver's timeout. The
// timeout is proven with a stand-in lookup that hangs until the test lets it go, so the result
// does not depend on how fast anything runs; the released lookup then finishes after its caller
// has given up, which is the lifetime the resolver has to get right.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "harness/io/input_error.h"
#include "harness/net/host_port.h"
#include "harness/net/ip_literal.h"
#include "harness/net/resolve.h"

namespace tlsmatrix::net {
namespace {

TEST(NetIpLiteral, AddressesAndNames) {
  for (const char* ip : {"10.0.0.1", "127.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
                         "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"}) {
    EXPECT_TRUE(is_ip_literal(ip)) << ip;
  }
  // "123" and "1.2.3" are addresses to inet_aton, but names to inet_pton and to a2i_IPADDRESS,
  // which makes certificate SANs.
  for (const char* name : {"123", "1.2.3", "1.2.3.4.5", "256.1.1.1", "localhost", "milvus.local",
                           "", "[::1]", "::1%lo", "1.2.3.4 ", "x::1"}) {
    EXPECT_FALSE(is_ip_literal(name)) << name;
  }
  EXPECT_FALSE(is_ip_literal(std::string_view("1.2.3.4\0x", 9)));
  EXPECT_EQ(canonical_ip("::0001"), "::1");
  EXPECT_EQ(canonical_ip("localhost"), "");
}

TEST(NetHostPort, ParsesTheThreeForms) {
  HostPort hp = parse_host_port("127.0.0.1:19530");
  EXPECT_EQ(hp.host, "127.0.0.1");
  EXPECT_EQ(hp.port, 19530);
  hp = parse_host_port("[::1]:443");
  EXPECT_EQ(hp.host, "::1");
  EXPECT_EQ(hp.port, 443);
  EXPECT_EQ(hp.text(), "[::1]:443");
  EXPECT_EQ(parse_host_port("milvus.local:1").text(), "milvus.local:1");
  EXPECT_EQ(parse_host_port("h:65535").port, 65535);
}

// Each bad value is refused, and the message names it (and the flag, when given).
TEST(NetHostPort, RefusesAndNamesBadValues) {
  for (const char* bad : {"localhost", "localhost:", ":80", "h:0", "h:65536", "h:80x", "h:-1",
                          "h:https", "::1:80", "[::1]80", "[::1", "[]:80", ""}) {
    try {
      parse_host_port(bad, "--target");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const io::InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--target " + std::string(bad) + ": ", 0), 0u)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("expected HOST:PORT"), std::string::npos) << e.what();
    }
  }
  try {
    parse_host_port("::1:80");
    ADD_FAILURE() << "accepted ::1:80";
  } catch (const io::InputError& e) {
    EXPECT_STREQ(e.what(), "::1:80: IPv6 addresses need brackets (expected HOST:PORT, e.g. 127.0.0.1:19530)");
  }
}

// A lookup that blocks until released; says when it was called and when it has finished.
struct HangingLookup {
  struct State {
    std::mutex m;
    std::condition_variable cv;
    bool released = false;
    bool finished = false;
    std::atomic<int> calls{0};
  };
  std::shared_ptr<State> state = std::make_shared<State>();

  Lookup lookup() const {
    // The lookup holds the state itself: it may run on after the test's frame is gone.
    return [s = state](const char*, const char*, const addrinfo*, addrinfo**) {
      ++s->calls;
      std::unique_lock lock(s->m);
      s->cv.wait(lock, [&] { return s->released; });
      s->finished = true;
      s->cv.notify_all();
      return EAI_AGAIN;
    };
  }
  void release() const {
    std::lock_guard lock(state->m);
    state->released = true;
    state->cv.notify_all();
  }
  // A hang guard, not a speed bound.
  bool wait_finished() const {
    std::unique_lock lock(state->m);
    return state->cv.wait_for(lock, std::chrono::seconds(30), [&] { return state->finished; });
  }
};

TEST(NetResolve, SlowNameTimesOutAndTheLookupFinishesLater) {
  HangingLookup hang;
  Resolution r = resolve("slow.example", 443, std::chrono::milliseconds(50), hang.lookup());
  EXPECT_TRUE(r.timed_out);
  EXPECT_TRUE(r.addresses.empty());
  EXPECT_EQ(r.error, "resolving slow.example timed out after 0.05 s");
  hang.release();
  EXPECT_TRUE(hang.wait_finished());
  EXPECT_EQ(hang.state->calls, 1);
}

// An IP literal is converted without a lookup, so even a lookup that would hang and a zero
// timeout give its address at once.
TEST(NetResolve, IpLiteralNeedsNoLookup) {
  HangingLookup hang;
  Resolution v4 = resolve("127.0.0.1", 19530, std::chrono::milliseconds(0), hang.lookup());
  ASSERT_EQ(v4.addresses.size(), 1u) << v4.error;
  EXPECT_EQ(v4.addresses[0].text, "127.0.0.1");
  EXPECT_EQ(v4.addresses[0].family(), AF_INET);
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in*>(&v4.addresses[0].storage)->sin_port), 19530);
  Resolution v6 = resolve("::1", 443, std::chrono::milliseconds(0), hang.lookup());
  ASSERT_EQ(v6.addresses.size(), 1u) << v6.error;
  EXPECT_EQ(v6.addresses[0].text, "::1");
  EXPECT_EQ(v6.addresses[0].family(), AF_INET6);
  EXPECT_EQ(hang.state->calls, 0);
}

TEST(NetResolve, FailedLookupSaysWhy) {
  Lookup fails = [](const char*, const char*, const addrinfo*, addrinfo**) { return EAI_NONAME; };
  Resolution r = resolve("nosuch.invalid", 80, std::chrono::seconds(30), fails);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.addresses.empty());
  EXPECT_EQ(r.error, std::string("cannot resolve nosuch.invalid: ") + gai_strerror(EAI_NONAME));
}

// The real resolver on a name every host file has.
TEST(NetResolve, LocalhostResolvesToLoopback) {
  Resolution r = resolve("localhost", 80, std::chrono::seconds(30));
  ASSERT_FALSE(r.addresses.empty()) << r.error;
  for (const Address& a : r.addresses) {
    EXPECT_TRUE(a.text == "::1" || a.text.rfind("127.", 0) == 0) << a.text;
  }
}

}  // namespace
}  // namespace tlsmatrix::net

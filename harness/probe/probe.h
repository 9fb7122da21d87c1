// `tlsmatrix probe`: what a live endpoint really does. Infers the tlsMode from how the endpoint
// answers (plaintext HTTP/2, TLS without client auth, TLS that requires a client certificate),
// records the chain it presents, and runs the checks a scanner misses: that a mode-2 endpoint
// turns away clients without a certificate or with one from an unrelated CA, and that a TLS
// endpoint turns away plaintext. Only the given address is contacted (and, for a name, the name
// server). Every wait is bounded by the timeout, the name lookup included (net::resolve).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/findings/finding.h"
#include "harness/ossl/ossl_ptr.h"
#include "harness/probe/cert_info.h"
#include "harness/probe/endpoint.h"
#include "harness/probe/profile_check.h"
#include "harness/probe/tls_attempt.h"
#include "harness/verdict/reason.h"

namespace tlsmatrix::probe {

struct ProbeOptions {
  Endpoint endpoint;
  std::optional<int> expected_mode;       // --tls-mode: check against it instead of only inferring
  std::string server_name;                // empty = the endpoint's host
  std::chrono::milliseconds timeout{5000};
  std::vector<ossl::X509Ptr> trust;       // --trust (empty: the chain is not judged)
  std::string trust_file;
  std::optional<ClientIdentity> client;   // --client-pem/--client-key
  std::string client_pem_file;
  std::string client_key_file;
  // The client profiles the chain is judged for (a subset of probe_profiles()); empty = all.
  std::vector<std::string> profiles;
};

// A check of the probe is a finding (harness/findings/finding.h): its title says what was checked
// ("a client without a certificate is turned away"), its message what was seen, its fix how to
// fix it (errors and warnings). ✓ / ✗ / ! / ? in the terminal; a warning never changes the exit
// code; an inconclusive check is never a pass, and without an error it makes the exit code 2.
using findings::Finding;
using findings::Severity;

struct ProbeReport {
  std::string endpoint;     // "127.0.0.1:19530"
  std::string address;      // the numeric address every connection went to
  std::string server_name;
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds alive_wait{0};  // how long silence after a handshake counts as alive

  std::optional<int> inferred_mode;  // nullopt: the endpoint could not be classified
  std::optional<int> expected_mode;
  bool asks_for_client_cert = false;

  // From the connection whose chain is reported (TLS endpoints only).
  std::string tls_version;
  std::string cipher;
  std::string alpn;
  // The handshake of the first TLS client without a certificate, when it finished.
  std::optional<std::chrono::microseconds> handshake_time;
  std::vector<CertInfo> chain;
  std::vector<std::string> acceptable_ca_names;  // CA names the server lists when it asks

  std::vector<Finding> checks;

  bool passed() const;  // no check failed or was inconclusive
};

// "plaintext gRPC", "TLS, no client certificate", "TLS, client certificate required".
std::string mode_description(int mode);

// `options` is taken by value: the endpoint gets pinned to the first address that answers.
ProbeReport run_probe(ProbeOptions options);

}  // namespace tlsmatrix::probe

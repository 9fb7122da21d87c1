// How the probe words what it saw: one check (what was checked, what was seen, how to fix it)
// and the fixes that only the probe can give, from what a server showed its raw client (an
// alert, the CA names of its CertificateRequest). Fixes any stack shares come from the advice
// table (harness/verdict/advice.h).
#pragma once

#include <optional>
#include <string>

#include "harness/probe/probe.h"

namespace tlsmatrix::probe {

// What a server that should require client certificates needs, in each stack's terms.
extern const char* const kRequireHint;

// One check of the probe: what was checked (`title`), what was seen, how to fix it.
Finding check(std::string id, Severity s, std::string title, std::string detail, std::string hint = {},
              std::optional<verdict::Reason> reason = std::nullopt);

// The same, added to `r`'s checks; a passed check carries no fix.
void add_check(ProbeReport& r, std::string id, Severity s, std::string title, std::string detail,
               std::string hint = {}, std::optional<verdict::Reason> reason = std::nullopt);

// Why the server turned our own client (`client`, from file `pem`) away, as a fix to try.
std::string client_rejection_hint(const TlsAttempt& a, const ClientIdentity& client, const std::string& pem);

// The reason our own client was turned away, from what the server showed: its alert, or the CA
// names of its CertificateRequest. nullopt when it only closed: then it did not say.
std::optional<verdict::Reason> client_reason(const TlsAttempt& a, const ClientIdentity& client);

// Why the probe's own TLS client stopped a handshake, as what to do about it. The server decided
// nothing, so no fix of the server's policy is suggested.
std::string local_failure_hint(const TlsAttempt& a);

}  // namespace tlsmatrix::probe

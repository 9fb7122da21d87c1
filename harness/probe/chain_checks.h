// The checks of the certificate a TLS endpoint presented: its chain as each client profile would
// judge it against --trust (with the advice table's fixes, told what the probe knows about the
// files), and the leaf's validity now.
#pragma once

#include <vector>

#include "harness/ossl/ossl_ptr.h"
#include "harness/probe/probe.h"

namespace tlsmatrix::probe {

// `presented`: what the server presented (r.chain describes it), leaf first.
void chain_checks(const ProbeOptions& o, const std::vector<ossl::X509Ptr>& presented, ProbeReport& r);

// The leaf of r.chain: expired, not yet valid, or within 30 days of expiry.
void validity_checks(ProbeReport& r);

}  // namespace tlsmatrix::probe

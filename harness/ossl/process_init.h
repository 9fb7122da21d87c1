// Process-wide OpenSSL set-up, called first thing in every main() of ours.
#pragma once

namespace tlsmatrix::ossl {

// Initializes OpenSSL without its atexit clean-up. gRPC's own threads can still be finishing a
// handshake while the process exits; OPENSSL_cleanup() running under them frees state they use
// (a use-after-free) and orphans their per-thread error queues (LeakSanitizer reports those as
// leaks). Process exit reclaims everything anyway. Must run before anything else touches OpenSSL:
// the first initialization decides whether the atexit handler is registered.
void init_for_process();

}  // namespace tlsmatrix::ossl

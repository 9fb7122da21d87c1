// One call on a non-blocking SSL (SSL_connect, SSL_read, SSL_write, ...) and what the caller
// needs to decide what comes next. bench's socket client, its HTTP/2 call and the probe's TLS
// attempt all step their connections through it.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>

namespace tlsmatrix::ossl {

struct SslCall {
  int rc = 0;           // what the call returned
  int err = 0;          // SSL_get_error's code for it
  int saved_errno = 0;  // errno as the call left it, before anything else can change it
  // The call waits for the socket (readable or writable, as `err` says), not a failure.
  bool wants_io() const { return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE; }
};

// Runs `call` (which returns an SSL_* function's result) on a cleared error queue and errno, so
// that what is left in them afterwards is this call's own.
template <class Call>
SslCall ssl_call(SSL* ssl, Call&& call) {
  ERR_clear_error();
  errno = 0;
  SslCall out;
  out.rc = call();
  out.err = SSL_get_error(ssl, out.rc);
  out.saved_errno = errno;
  return out;
}

}  // namespace tlsmatrix::ossl

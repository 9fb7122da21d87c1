// Feeding PEM or DER held in memory to OpenSSL's readers, the same way everywhere.
#pragma once

#include <string_view>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::ossl {

// A read-only BIO over `data`, which must outlive it (no copy is made). Throws ossl::Error when
// the BIO cannot be allocated.
BioPtr mem_bio(std::string_view data);

// The pem_password_cb for every PEM read: never let OpenSSL ask for a passphrase on the
// terminal, since a harness run must not block; an encrypted key fails to load instead.
int refuse_passphrase(char* buf, int size, int rwflag, void* userdata);

}  // namespace tlsmatrix::ossl

#include "harness/ossl/mem_bio.h"

namespace tlsmatrix::ossl {

BioPtr mem_bio(std::string_view data) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  check(bio != nullptr, "allocating a memory BIO");
  return bio;
}

int refuse_passphrase(char*, int, int, void*) { return -1; }

}  // namespace tlsmatrix::ossl

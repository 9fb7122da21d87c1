// What a CertSpec puts into a certificate, field by field: the subject, the serial number, the
// validity period and each extension (basicConstraints, keyUsage/extendedKeyUsage, key
// identifiers, subjectAltName, nameConstraints, raw extensions by OID). cert_factory assembles a
// certificate from these and signs it; `reissue` reuses the serial, validity and key identifiers.
// Each throws (ossl::check, std::invalid_argument) naming the certificate and the field.
#pragma once

#include <openssl/x509.h>

#include <chrono>

#include "harness/certs/cert_spec.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::certs {

ossl::X509NamePtr make_subject(const CertSpec& spec);
void set_serial(X509* x, const CertSpec& spec);  // spec's serial, or 63 random bits
void set_validity(X509* x, const CertSpec& spec, std::chrono::system_clock::time_point now);

void add_basic_constraints(X509* x, const CertSpec& spec);
void add_key_usages(X509* x, const CertSpec& spec);
// `issuer`: null for a self-signed certificate (its authorityKeyIdentifier is its own key's).
void add_key_identifiers(X509* x, const X509* issuer, const CertSpec& spec);
void add_san(X509* x, const CertSpec& spec);
void add_name_constraints(X509* x, const CertSpec& spec);
void add_raw_extensions(X509* x, const CertSpec& spec);

}  // namespace tlsmatrix::certs

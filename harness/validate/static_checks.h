// The individual static checks of `tlsmatrix validate`. Each appends its results to `out`;
// none throws for a faulty certificate (that is a finding, not bad input).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/validate/check_result.h"
#include "harness/validate/deployment.h"
#include "harness/x509/names.h"

namespace tlsmatrix::validate {

// How a finding names a certificate: its CN, the name a user recognises ("CN=localhost").
inline std::string cert_label(const X509* cert) { return x509::subject(cert, x509::SubjectForm::cn); }

// The role a certificate file plays, for messages and fixes ("server.pem ... the server").
enum class Role { server, client, ca, trust };

// The key file holds the private key of the file's first certificate.
void check_key_matches(const CertFile& cert, const KeyFile& key, Role role, Findings& out);

// Every certificate in the file is inside its validity window at `now`; one expiring within
// `warn_days` is a warning. Certificates already in `seen` are skipped (a CA listed in two files
// is reported once); the file's certificates are added to it.
void check_validity(const CertFile& file, std::chrono::system_clock::time_point now, int warn_days,
                    std::vector<const X509*>& seen, Findings& out);

// Keys of at least 112 security bits and no MD5/SHA-1 signatures (OpenSSL 3 at Debian's
// security level 2 refuses both). A self-signed root's own signature is not checked: verifiers
// trust it by its presence, not by its signature. Certificates in `seen` are skipped, as in
// check_validity.
void check_strength(const CertFile& file, std::vector<const X509*>& seen, Findings& out);

// The leaf is fit for its role: EKU (if present) names serverAuth / clientAuth, keyUsage (if
// present) has digitalSignature. Certificates after the leaf must be CAs.
void check_leaf_role(const CertFile& file, Role role, Findings& out);

// Every certificate in a CA or trust file can issue (basicConstraints CA:TRUE, keyUsage
// keyCertSign if keyUsage is present). `pinned` (may be null) is a server leaf that clients
// trust directly, as the Milvus pages tell one-way clients to do; it is not held to CA rules.
void check_is_ca(const CertFile& file, Role role, const X509* pinned, Findings& out);

// The server chain (leaf + what server.pem sends) verifies to the client's trust file, under
// each profile's rule for non-self-signed trust roots.
void check_server_chain_to_trust(const CertFile& server, const CertFile& trust,
                                 const std::vector<std::string>& profiles, Findings& out);

// The server chain verifies to caPemPath. `if_broken` is the severity when it does not.
void check_server_chain_to_ca(const CertFile& server, const CertFile& ca, Severity if_broken,
                              const std::string& ca_setting, Findings& out);

// What the server sends: order of server.pem, and intermediates that only the trust side has.
void check_server_intermediates(const CertFile& server, const std::vector<const CertFile*>& anchors,
                                Findings& out);

// `server_name` is covered by a SAN under each profile's hostname rules.
void check_server_name(const CertFile& server, const std::string& server_name,
                       const std::vector<std::string>& profiles, Findings& out);

// Mode 2: the client chain verifies to caPemPath, as the Go proxy checks it.
void check_client_chain_to_ca(const CertFile& client, const CertFile& ca,
                              const std::string& ca_setting, Findings& out);

}  // namespace tlsmatrix::validate

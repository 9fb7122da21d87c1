// What to do about a failed handshake: one table, keyed by the reason and the client profile that
// failed, refined by what the caller knows about the files (what the trust file is to the server's
// chain, whether the name is only in the CN). `run` (portability notes), `validate` (the dynamic
// check) and `probe` (the chain checks) all ask it, so one situation gets one piece of advice, and
// a rule that depends on the stack comes from the profile's data (ClientProfile), not from its name.
//
// Each caller prints the advice in its own terms: a portability note speaks of "the stacks",
// validate of the deployment's files and flags, probe of the live server and the user's --trust
// file. A table row holds the three wordings of one situation side by side.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

#include "harness/verdict/profile.h"
#include "harness/verdict/reason.h"

namespace tlsmatrix::verdict {

// Where the advice is printed.
enum class AdviceFor {
  run_note,  // `tlsmatrix run`: a portability note, when profiles disagree about a scenario
  validate,  // `tlsmatrix validate`: the fix of a dynamic-check finding
  probe,     // `tlsmatrix probe`: the fix of a failed check against a live server
};

// What the client's trust file is to the chain the server presents.
enum class TrustRole {
  unknown,         // the caller did not work it out
  unrelated,       // the chain leads to nothing in it, even taking any certificate as an anchor
  root,            // the chain leads to a self-signed CA in it
  ca_signed_leaf,  // it holds the server's own certificate, which a CA signed (the pages' recipe)
  intermediate,    // the chain leads to a CA in it that is not self-signed
};

struct AdviceContext {
  std::string server_name;         // the name the client checked
  bool server_name_given = true;   // false: the client checked the address it dialled
  bool name_only_in_cn = false;    // the server certificate has a CN and no subjectAltName
  std::vector<std::string> sans;   // the server certificate's SANs, "DNS:a", "IP:b"
  std::string trust_file;          // the file the clients trust, as the user named it
  TrustRole trust = TrustRole::unknown;
  std::string trust_instead;       // subject of the CA clients should trust instead, when known
  // Where the server's tlsMode was set, as the user wrote it ("common.security.tlsMode" in a
  // milvus.yaml, "--tls-mode"); empty when unknown.
  std::string mode_setting;
  // A command that checks the suggested fix, built by the caller and runnable as printed
  // (e.g. the same probe with --server-name NAME); empty when there is none.
  std::string retry_command;
};

// One line of advice for `reason` as `profile` met it (nullptr: for the stacks at large, as a
// portability note speaks), worded for `where`. Empty when the table has nothing to say.
std::string advice(Reason reason, const ClientProfile* profile, AdviceFor where,
                   const AdviceContext& context);

struct TrustFinding {
  TrustRole role = TrustRole::unknown;
  std::string trust_instead;  // for unrelated / ca_signed_leaf / intermediate: the CA to trust
};

// The role of `trusted` for `presented` (leaf first, as the server sends it). Dates, key usage and
// key sizes are not looked at: only which certificate, if any, the chain leads to.
TrustFinding find_trust_role(const std::vector<X509*>& presented,
                             const std::vector<X509*>& trusted);

}  // namespace tlsmatrix::verdict

// The dynamic check: start a local Milvus-like gRPC server (harness/endpoints) with exactly the
// deployment's files in its mode, and connect with the client's files under each profile, as
// `tlsmatrix run` does for a scenario cell.
#pragma once

#include <chrono>
#include <vector>

#include "harness/runner/cell_result.h"
#include "harness/validate/check_result.h"
#include "harness/validate/deployment.h"

namespace tlsmatrix::validate {

// One result per profile (merged when profiles agree). Nothing when the server files are not
// configured (the static checks already said so). The client trusts --trust, else caPemPath;
// in mode 2 it presents --client-pem when given (pymilvus rule 3), otherwise nothing (rule 2).
// In a plaintext mode the server is plaintext, as Milvus's would be, and a client is tried only
// when it was given TLS files: it connects with TLS (and fails with tls_to_plaintext).
// `cells`, when given, receives each profile's cell (the timeline compares them date by date).
// The verification time (harness/ossl/verify_time.h) is the caller's: `--at` sets it.
std::vector<Finding> run_dynamic_check(const DeploymentInput& input,
                                           const LoadedDeployment& files,
                                           std::chrono::milliseconds timeout,
                                           std::vector<runner::CellResult>* cells = nullptr);

}  // namespace tlsmatrix::validate

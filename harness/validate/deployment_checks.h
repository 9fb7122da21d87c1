// All static checks of a deployment, in report order.
#pragma once

#include <vector>

#include "harness/validate/check_result.h"
#include "harness/validate/deployment.h"

namespace tlsmatrix::validate {

std::vector<Finding> run_static_checks(const DeploymentInput& input,
                                           const LoadedDeployment& files);

}  // namespace tlsmatrix::validate

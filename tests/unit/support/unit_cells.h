// One cell run end to end from a scenario built in code: the layout most cell tests start from,
// and the run that checks the harness agreed with itself.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/runner/runner.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix::testutil {

// A scenario on `certs` in the pages' mutual-TLS layout: the server presents "server" and trusts
// "ca"; the client trusts "ca", presents "client" and asks for "localhost"; every mode is expected
// to pass (tests change what they probe).
inline scenario::Scenario mutual_tls_scenario(std::string name, std::vector<certs::CertSpec> certs) {
  scenario::Scenario s;
  s.name = std::move(name);
  s.file = "unit";
  s.certs = std::move(certs);
  s.server = {.cert = "server", .chain = {}, .key = "", .ca = {"ca"}};
  s.client.ca_pem_path = {"ca"};
  s.client.client_pem_path = "client";
  s.client.server_name = "localhost";
  for (int m : scenario::kModes) s.expect[m] = scenario::Expectation{};
  return s;
}

// Runs one cell of `s` on freshly made certificates, with a generous deadline as a hang guard;
// a HARNESS DISAGREEMENT in its detail fails the test.
inline runner::CellResult run_unit_cell(const scenario::Scenario& s, int mode, const char* profile,
                                const verdict::ServerProfile& server = verdict::harness_server_profile()) {
  certs::CertSet certs = certs::build_cert_set(s.certs);
  runner::CellResult c = runner::run_cell(s, certs, mode, *verdict::find_profile(profile), std::chrono::milliseconds(30000),
                          runner::kDescriptorWait, server);
  EXPECT_EQ(c.detail.find("DISAGREEMENT"), std::string::npos) << c.detail;
  return c;
}

}  // namespace tlsmatrix::testutil

// promtool (Debian package prometheus) for the tests: whether it can run here, and its verdict
// on a text in the Prometheus exposition format. A test without promtool skips, unless
// LABCTL_REQUIRE_PROMTOOL=1 (CI) makes that a failure.
#pragma once

#include <string>

#include "support/test_skip.h"

namespace labctl::ops {

// Skips (or fails under LABCTL_REQUIRE_PROMTOOL=1) the calling test when promtool is absent.
#define LABCTL_NEED_PROMTOOL()                                                              \
  do {                                                                                      \
    if (!::labctl::ops::HavePromtool()) {                                                   \
      if (::labctl::ops::PromtoolRequired()) FAIL() << "promtool missing (apt prometheus)"; \
      LABCTL_SKIP() << "promtool not installed (Debian package prometheus)";                \
    }                                                                                       \
  } while (0)

bool HavePromtool();
bool PromtoolRequired();
// "" when `promtool check metrics` accepts `exposition`, else its complaints.
std::string PromtoolProblems(const std::string& exposition);

}  // namespace labctl::ops

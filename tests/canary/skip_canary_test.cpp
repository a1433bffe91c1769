// The canary of the suite's skip rule (tests/gtest_run.sh, cmake/labctl.cmake): a test counts
// as skipped only through LABCTL_SKIP, never because a suite's SetUpTestSuite failed. With
// LABCTL_SKIP_CANARY=1 (set only by skip_check.sh, which runs these under a nested ctest) one
// suite's set-up fails and another test skips; otherwise both skip, saying why.
#include <cstdlib>
#include <string>

#include "support/test_skip.h"

namespace {

bool CanaryMode() {
  const char* v = std::getenv("LABCTL_SKIP_CANARY");
  return v && std::string(v) == "1";
}

class SkipCanaryFailedSetUp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!CanaryMode()) return;
    FAIL() << "this set-up fails on purpose: ctest must report the test as failed";
  }
};

TEST_F(SkipCanaryFailedSetUp, IsAFailureNotASkip) {
  if (!CanaryMode()) LABCTL_SKIP() << "run only by canary.skip_check";
  SUCCEED();
}

TEST(SkipCanary, LabctlSkipIsASkip) {
  LABCTL_SKIP() << (CanaryMode() ? "skipped on purpose" : "run only by canary.skip_check");
}

}  // namespace

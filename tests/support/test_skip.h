// LABCTL_SKIP: the only way a labctl test skips. ctest counts a test as skipped only when its
// output carries this marker (cmake/labctl.cmake), so a failure gtest reports as "skipped" — an
// ASSERT in SetUpTestSuite, say — fails the run instead of passing it silently.
#pragma once

#include <gtest/gtest.h>

#define LABCTL_SKIP() GTEST_SKIP() << "LABCTL_SKIPPED: "

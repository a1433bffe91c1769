#!/bin/bash
# Runs a labctl gtest binary for ctest: every test binary's CROSSCOMPILING_EMULATOR
# (cmake/labctl.cmake), so both test discovery and each test go through it.
#
# gtest_discover_tests marks every test skipped when its output matches "[  SKIPPED ]", and
# ctest cannot take that expression back. gtest prints that tag for a LABCTL_SKIP, but also for
# every test of a suite whose SetUpTestSuite failed, so such a failure would pass as skipped.
# The tag is renamed here, and a test counts as skipped only by LABCTL_SKIP's own marker
# (tests/support/test_skip.h). The exit status is the binary's.
"$@" 2>&1 | sed -u 's/\[  SKIPPED \]/[  skipped ]/'
exit "${PIPESTATUS[0]}"

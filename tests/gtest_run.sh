#!/bin/bash
# Runs a labctl gtest binary for ctest: every test binary's CROSSCOMPILING_EMULATOR
# (cmake/labctl.cmake), so both test discovery and each test go through it.
#
# gtest_discover_tests gives every test SKIP_REGULAR_EXPRESSION "[  SKIPPED ]", and ctest adds
# each later value of that property to the expressions it has instead of replacing them, so it
# cannot be taken back. gtest prints that tag for a LABCTL_SKIP, but also for every test of a
# suite whose SetUpTestSuite failed, which would then pass as skipped. The tag is renamed here,
# and a test counts as skipped only by LABCTL_SKIP's own marker (tests/support/test_skip.h).
# The binary is exec'd: ctest sees its own exit status or signal. Discovery runs it untouched.
for arg in "$@"; do
  [[ $arg == --gtest_list_tests ]] && exec "$@"
done
exec "$@" > >(sed -u 's/\[  SKIPPED \]/[  skipped ]/') 2>&1

#!/bin/bash
# canary.skip_check: runs the skip canaries (skip_canary_test.cpp) under a nested ctest, as the
# suite runs every test, and checks that the test whose SetUpTestSuite failed is reported as
# failed and the LABCTL_SKIP test as skipped. The nested ctest runs in a scratch directory that
# only names this directory's tests, so it neither records nor checks host hygiene nor writes
# over the outer run's logs under Testing/. Usage: skip_check.sh BUILD_DIR
set -u
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "subdirs(\"$build/tests/canary\")" > "$scratch/CTestTestfile.cmake"
out=$(cd "$scratch" && LABCTL_SKIP_CANARY=1 ctest -R '^SkipCanary' --output-on-failure 2>&1)
status=0
expect() {
  if ! grep -Eq "$1" <<<"$out"; then
    echo "skip_check: expected /$1/ in the nested ctest output" >&2
    status=1
  fi
}
expect 'SkipCanaryFailedSetUp\.IsAFailureNotASkip \.+\*+Failed'
expect 'SkipCanary\.LabctlSkipIsASkip \.+\*+Skipped'
[ "$status" = 0 ] || printf '%s\n' "$out"
exit "$status"

#!/usr/bin/env bash
# `cmake --install` (what scripts/install runs) into a temporary prefix: labd and labctl run from
# there, the systemd unit names that prefix's labd and passes `systemd-analyze verify`, and the
# sample flags file and the docs the unit points to are installed.
#
#   tests/ops/install_check.sh BUILD_DIR
set -uo pipefail
build=$1
prefix=$(mktemp -d /tmp/labctl-install-check.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "FAIL: cmake --install"; exit 1; }
"$prefix/bin/labd" --version || fail "installed labd does not run"
"$prefix/bin/labctl" version --client || fail "installed labctl does not run"
unit=$prefix/lib/systemd/system/labctl-labd.service
grep -qx "ExecStart=$prefix/bin/labd --data-dir /var/lib/labctl \$LABD_FLAGS" "$unit" ||
  fail "the unit does not start $prefix/bin/labd"
grep -qx "Restart=on-failure" "$unit" || fail "the unit does not restart labd on failure"
grep -q "^After=.*docker.service" "$unit" || fail "the unit does not start after docker.service"
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
[ -f "$prefix/share/labctl/labd.env.example" ] || fail "no sample flags file"
[ -f "$prefix/share/doc/labctl/operations.md" ] || fail "no docs"
grep -q "complete -F _labctl labctl" "$prefix/share/bash-completion/completions/labctl" ||
  fail "no bash completion"
exit $failed

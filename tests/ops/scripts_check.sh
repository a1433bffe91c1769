#!/usr/bin/env bash
# Every script under scripts/ stays usable: it parses (bash -n / sh -n), shellcheck finds no
# warning in it, and `SCRIPT --help` prints its usage and exits 0 without doing anything — so a
# documented command cannot rot unnoticed.
#
#   tests/ops/scripts_check.sh SOURCE_DIR
set -uo pipefail
root=$1
failed=0
fail() { echo "FAIL: $*"; failed=1; }

command -v shellcheck >/dev/null || fail "shellcheck is not installed (scripts/lib.sh PACKAGES)"
for script in "$root"/scripts/*; do
  name=${script#"$root"/}
  shell=bash
  head -1 "$script" | grep -q '^#!/bin/sh' && shell=sh
  "$shell" -n "$script" || fail "$name does not parse"
  command -v shellcheck >/dev/null && { shellcheck -x -S warning "$script" || fail "shellcheck: $name"; }
  [ "$name" = scripts/lib.sh ] && continue
  [ -x "$script" ] || fail "$name is not executable"
  usage=$(cd "$root" && timeout 10 "$script" --help) || fail "$name --help exited $?"
  [ "$(printf '%s\n' "$usage" | grep -c .)" -ge 2 ] || fail "$name --help printed no usage"
  echo "ok: $name"
done
exit $failed

#!/usr/bin/env bash
# `labctl completion bash` loaded into bash completes commands, global flags, a command's flags
# (read from its --help), kinds, lab subcommands and -o formats; `completion zsh` loads in zsh
# when zsh is installed; an unknown shell is a usage error.
#
#   tests/ops/completion_check.sh LABCTL_BINARY
set -uo pipefail
labctl=$1
export PATH="$(dirname "$labctl"):$PATH"
export LABCTL_SERVER=http://127.0.0.1:1  # names: no labd here, so none (and no waiting)
failed=0

# shellcheck disable=SC1090
source <(labctl completion bash) || { echo "FAIL: the bash script does not load"; exit 1; }

# Completes the words given (the last is the one being typed); prints the candidates.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _labctl
  echo "${COMPREPLY[*]}"
}

expect() {
  local want=$1
  shift
  local got
  got=" $(complete_words "$@") "
  if [[ $got == *" $want "* ]]; then
    echo "ok: '$*' -> $want"
  else
    echo "FAIL: '$*' completes to [$got], want $want"
    failed=1
  fi
}

expect get labctl ge
expect completion labctl comp
expect --server labctl --ser
expect --output labctl get --ou
expect --watch labctl --server http://x get --wa
expect labs labctl get l
expect sessions labctl describe s
expect recreate labctl lab rec
expect reset labctl lab re
expect yaml labctl get labs -o y
expect bash labctl completion b
expect --for labctl wait --f

labctl completion fish >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: an unknown shell is not a usage error"; failed=1; }
if command -v zsh >/dev/null; then
  zsh -c 'source <(labctl completion zsh) && whence -w _labctl' | grep -q function ||
    { echo "FAIL: the zsh script does not load"; failed=1; }
fi
exit $failed

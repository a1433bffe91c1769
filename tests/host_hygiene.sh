#!/usr/bin/env bash
# Host hygiene of the test suite: `record STATE BUILD_DIR` (a ctest FIXTURES_SETUP test, run
# before every other test) notes the host's docker0 bridge and the system dockerd; `check STATE
# BUILD_DIR` (the FIXTURES_CLEANUP test, run after all of them) fails if they changed — docker0
# appeared, vanished or changed address, the system dockerd is another process (restarted) — or
# if this build's suite left private dockerds behind: processes of a /tmp/labctl-dockerd-*
# directory whose test process is gone (tests/docker/private_dockerd.h), or its lbtest<pid>
# bridge, or Docker containers and networks of its test labds (instance label "test-..." holding
# the build's tag: the first four hex digits of the SHA-256 of BUILD_DIR, as
# tests/support/labd_process.h names them; a second run of the same BUILD_DIR path on a shared
# dockerd would count as this one). Leftovers of other checkouts' private dockerds, and anything
# already there at `record`, are only reported. It never changes anything on the host.
set -euo pipefail

usage="usage: host_hygiene.sh record|check STATE_FILE BUILD_DIR"
mode=${1:?$usage}
state=${2:?$usage}
build_dir=${3:?$usage}

docker0() {
  if ip link show docker0 >/dev/null 2>&1; then
    echo "present $(ip -o -4 addr show dev docker0 | awk '{print $4}' | sort | tr '\n' ' ')"
  else
    echo "absent"
  fi
}

# The system dockerd as pid and start time (a restarted daemon differs in both or the latter).
system_dockerd() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  if [[ -n $pid && -r /proc/$pid/stat ]]; then
    echo "pid $pid started $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $20}')"
  else
    echo "not running"
  fi
}

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# "mine" for a private dockerd directory of this build's suite, "other" otherwise.
whose() {
  [[ $(cat "$1/build-dir" 2>/dev/null || true) == "$build_dir" ]] && echo mine || echo other
}

# Private dockerds (their containerd and shims) and bridges whose test process is gone, each as
# "mine|other description".
leftovers() {
  local file pid dir owner cmdline bridge
  for file in $(grep -las 'labctl-dockerd-' /proc/[0-9]*/cmdline || true); do
    pid=${file#/proc/}
    pid=${pid%/cmdline}
    cmdline=$( { tr '\0' ' ' <"$file"; } 2>/dev/null || true)
    # The daemon, its containerd and shims name its exec root (a labd only its socket).
    dir=$(grep -oE '/[^ ]*/labctl-dockerd-[A-Za-z0-9]{6}/exec' <<<"$cmdline" | head -n1 || true)
    dir=${dir%/exec}
    [[ -z $dir ]] && continue
    owner=$(cat "$dir/owner" 2>/dev/null || true)
    alive "$owner" || echo "$(whose "$dir") process $pid (${cmdline:0:80})"
  done
  for bridge in $(ip -o link show type bridge | awk -F': ' '{print $2}' | grep -E '^lbtest[0-9]+$'); do
    alive "${bridge#lbtest}" && continue
    dir=$(grep -lx "$bridge" /tmp/labctl-dockerd-*/bridge 2>/dev/null | head -n1 || true)
    # A bridge whose directory is gone too can only be told apart by when it appeared.
    echo "$( [[ -n $dir ]] && whose "${dir%/bridge}" || echo mine) bridge $bridge"
  done
}

# This build's tests' Docker containers and networks, each as "mine docker <kind> <name>": those
# labelled with a labd instance "test-..." that holds this build's tag. Nothing when no dockerd
# answers.
lab_objects() {
  command -v docker >/dev/null || return 0
  timeout 20 docker info >/dev/null 2>&1 || return 0
  local tag
  tag=$(printf '%s' "$build_dir" | sha256sum | cut -c1-4)
  {
    timeout 20 docker ps -a --filter label=dev.labctl.instance \
      --format 'container {{.Names}} {{.Label "dev.labctl.instance"}}' || true
    timeout 20 docker network ls --filter label=dev.labctl.instance \
      --format 'network {{.Name}} {{.Label "dev.labctl.instance"}}' || true
  } | awk -v tag="$tag" '$3 ~ /^test-/ && index($3, tag) { print "mine docker " $1 " " $2 }'
}

case $mode in
  record)
    {
      echo "docker0=$(docker0)"
      echo "dockerd=$(system_dockerd)"
      { leftovers; lab_objects; } | sed 's/^/leftover=/'
    } >"$state"
    echo "recorded host state in $state:"
    cat "$state"
    ;;
  check)
    [[ -r $state ]] || { echo "no recorded state $state"; exit 1; }
    failures=0
    was_docker0=$(sed -n 's/^docker0=//p' "$state")
    was_dockerd=$(sed -n 's/^dockerd=//p' "$state")
    if [[ $(docker0) != "$was_docker0" ]]; then
      echo "FAIL docker0 changed: was '$was_docker0', now '$(docker0)'"
      failures=$((failures + 1))
    fi
    if [[ $(system_dockerd) != "$was_dockerd" ]]; then
      echo "FAIL system dockerd changed: was '$was_dockerd', now '$(system_dockerd)'"
      failures=$((failures + 1))
    fi
    while read -r who left; do
      [[ -z $left ]] && continue
      if grep -qxF "leftover=$who $left" "$state"; then
        echo "note: $left (already there before the suite)"
      elif [[ $who != mine ]]; then
        echo "note: $left (another checkout's suite)"
      else
        echo "FAIL left behind: $left"
        failures=$((failures + 1))
      fi
    done < <(leftovers; lab_objects)
    echo "docker0: $(docker0); system dockerd: $(system_dockerd); failures: $failures"
    exit $((failures == 0 ? 0 : 1))
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac

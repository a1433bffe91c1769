#!/usr/bin/env bash
# Host hygiene of the test suite: `record STATE` (a ctest FIXTURES_SETUP test, run before every
# other test) notes the host's docker0 bridge and the system dockerd; `check STATE` (the
# FIXTURES_CLEANUP test, run after all of them) fails if they changed — docker0 appeared,
# vanished or changed address, the system dockerd is another process (restarted) — or if the
# suite left private dockerds behind: processes naming a /tmp/labctl-dockerd-* directory, or
# lbtest<pid> bridges, whose test process is gone. Leftovers already there at `record` are only
# reported. It never changes anything on the host.
set -euo pipefail

mode=${1:?usage: host_hygiene.sh record|check STATE_FILE}
state=${2:?usage: host_hygiene.sh record|check STATE_FILE}

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

# Private dockerds (and their containerd and shims) and bridges whose test process is gone.
leftovers() {
  local file pid dir owner cmdline
  for file in $(grep -las 'labctl-dockerd-' /proc/[0-9]*/cmdline || true); do
    pid=${file#/proc/}
    pid=${pid%/cmdline}
    cmdline=$( { tr '\0' ' ' <"$file"; } 2>/dev/null || true)
    # The daemon, its containerd and shims name its exec root (a labd only its socket).
    dir=$(grep -oE '/[^ ]*/labctl-dockerd-[A-Za-z0-9]{6}/exec' <<<"$cmdline" | head -n1 || true)
    dir=${dir%/exec}
    [[ -z $dir ]] && continue
    owner=$(cat "$dir/owner" 2>/dev/null || true)
    alive "$owner" || echo "process $pid (${cmdline:0:80})"
  done
  for bridge in $(ip -o link show type bridge | awk -F': ' '{print $2}' | grep -E '^lbtest[0-9]+$'); do
    alive "${bridge#lbtest}" || echo "bridge $bridge"
  done
}

case $mode in
  record)
    {
      echo "docker0=$(docker0)"
      echo "dockerd=$(system_dockerd)"
      leftovers | sed 's/^/leftover=/'
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
    while IFS= read -r left; do
      [[ -z $left ]] && continue
      if grep -qxF "leftover=$left" "$state"; then
        echo "note: $left (already there before the suite)"
      else
        echo "FAIL left behind: $left"
        failures=$((failures + 1))
      fi
    done < <(leftovers)
    echo "docker0: $(docker0); system dockerd: $(system_dockerd); failures: $failures"
    exit $((failures == 0 ? 0 : 1))
    ;;
  *)
    echo "usage: host_hygiene.sh record|check STATE_FILE" >&2
    exit 2
    ;;
esac

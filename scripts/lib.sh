# shellcheck shell=bash
# Shared by the scripts under scripts/: install what is missing, start dockerd, build.
# Every step is idempotent: re-running on a machine that has it all does nothing but check.

LABCTL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$LABCTL_ROOT/build}
PACKAGES=(cmake ninja-build g++ pkg-config git curl
  libcpp-httplib-dev libssl-dev libsqlitecpp-dev libsqlite3-dev nlohmann-json3-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev libboost-dev libgtest-dev libgmock-dev libmnl-dev libcli11-dev
  docker.io busybox-static iproute2 iptables tcpdump conntrack
  # tests/ops: every script is shellchecked, the systemd unit verified (systemd-analyze)
  shellcheck systemd
  # the TLS tests make a throw-away CA with the openssl command
  openssl
  # the topology picture (Graphviz as a library) and the dashboard's browser test
  libgraphviz-dev chromium
  # promtool checks labd's /metrics in the tests
  prometheus
  # the libFuzzer build (scripts/fuzz): clang and its runtime libraries (libFuzzer, ASan, UBSan)
  clang libclang-rt-dev
  # netlab (its Python dependencies; netlab runs `sudo ip netns exec` even as root) and the
  # FRR image build (scripts/build-frr-image)
  python3-jinja2 python3-yaml python3-netaddr python3-rich python3-filelock python3-packaging
  python3-typing-extensions python3-requests python3-importlib-resources sudo debootstrap)

# Only the Docker lab benchmark (scripts/bench-labs) needs these; tests and labd do not.
# shellcheck disable=SC2034  # used by scripts/bench-labs
BENCH_PACKAGES=(docker-compose)

log() { printf '==> %s\n' "$*" >&2; }

# `SCRIPT --help` (or -h) prints the script's header comment and exits: every script under
# scripts/ has one (tests/ops/scripts_check.sh).
print_usage_on_help() {
  local script=$1
  shift
  case ${1:-} in
    -h | --help) sed -n '2,/^[^#]/p' "$script" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
  esac
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

docker_socket() { local h=${DOCKER_HOST:-unix:///var/run/docker.sock}; echo "${h#unix://}"; }

docker_up() { curl -sf --max-time 2 --unix-socket "$(docker_socket)" http://docker/_ping >/dev/null 2>&1; }

start_dockerd() {
  docker_up && return 0
  log "starting dockerd (log: /var/log/labctl-dockerd.log)"
  as_root sh -c 'nohup dockerd >/var/log/labctl-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker_up && return 0; sleep 0.5; done
  log "dockerd did not come up; see /var/log/labctl-dockerd.log"; return 1
}

# build [TARGET...]: configures once, then builds the given targets (default: everything).
build() {
  log "building ${*:-everything} in $BUILD_DIR"
  [ -f "$BUILD_DIR/build.ninja" ] ||
    cmake -S "$LABCTL_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  cmake --build "$BUILD_DIR" -j2 "${targets[@]}"
}

build_labbox() {
  local extra=()
  [ -x "$BUILD_DIR/tests/images/reflector/udp_reflector" ] &&
    extra+=("$BUILD_DIR/tests/images/reflector/udp_reflector")
  "$LABCTL_ROOT/scripts/build-labbox" "${extra[@]}"
}

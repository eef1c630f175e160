#!/usr/bin/env bash
# NetworkTwin build plumbing. Everything a fresh Debian machine with the .NET 10 SDK needs:
#   ./build.sh demo   build, then run the whole fronthaul job on a generated capture
#   ./build.sh test   build, then run every test (prints "tests: N passed, N failed")
#   ./build.sh bench  build, then print the speed figures (uses ../shared/data/fronthaul if present)
#   ./build.sh ns3    build, then hold the real capture's link sizing and Abilene's worst failure against ns-3
#                     (Debian libns3-dev; options as networktwin lab validate fronthaul)
#   ./build.sh soak   build, then run the 30-minute soak with failing parts (bench tooling; options as
#                     networktwin-lab soak; also installs Debian faketime)
#   ./build.sh package  self-contained publishes (linux-x64, linux-arm64, win-x64) and .deb packages (amd64,
#                       arm64), each checked (packaging/build.sh)
# It installs what it needs when missing: Debian mosquitto, mosquitto-clients, postgresql and systemd
# (for systemd-analyze); ONNX Runtime comes with the Microsoft.ML.OnnxRuntime NuGet package; for the
# tests also Debian libonnx-testdata (conformance models),
# the npm @grpc/grpc-js peer (and Node.js) used by the gRPC interop tests, Debian chromium for the
# dashboard test and Debian prometheus for promtool.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet not on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi
major="$(dotnet --version | cut -d. -f1)"
if [ "$major" -lt 10 ]; then
  echo "error: the .NET 10 SDK is required, found $(dotnet --version)" >&2
  exit 1
fi

# Debian packages the demo, tests and benchmarks use as real components (MQTT broker and its CLI
# client, PostgreSQL).
ensure_debian_packages() {
  local missing=()
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
  command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
  # PostgreSQL: the coordinator's production repository; tests and benchmarks start throw-away clusters.
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  # systemd-analyze checks the shipped service units.
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
  if [ "${#missing[@]}" -eq 0 ]; then
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${missing[*]} missing and apt-get not available; install them with your package manager" >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing ${missing[*]} (Debian packages)..."
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The C compiler the agent's native build (Native AOT) links with: clang, or Debian 12's clang-14 when that is there.
ensure_clang() {
  if ! command -v clang >/dev/null 2>&1 && ! command -v clang-14 >/dev/null 2>&1; then
    ensure_command clang clang "the agent's native build"
  fi
}

# Debian package(s), installed when a command is missing: ensure_command COMMAND "PACKAGE..." WHAT-FOR.
ensure_command() {
  if ! command -v "$1" >/dev/null 2>&1; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing $2 (Debian package, $3)..."
    $sudo apt-get update -qq >/dev/null
    # shellcheck disable=SC2086 # $2 may name several packages
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $2 >/dev/null
  fi
}

# Debian's chromium: the dashboard test loads the coordinator's page in it, headless.
ensure_browser() { ensure_command chromium chromium "for the dashboard test"; }

# Node.js and npm from Debian when missing (the npm registry serves the gRPC peer and the benchmarks' references).
ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing nodejs and npm (Debian packages)..."
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
}

# Debian's HAProxy: the replica tests put two coordinators behind it in TCP mode, as production does.
ensure_haproxy() {
  if [ ! -x /usr/sbin/haproxy ] && ! command -v haproxy >/dev/null 2>&1; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing haproxy (Debian package, for the replica tests)..."
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends haproxy >/dev/null
  fi
}

# Debian's prometheus package for promtool: the tests lint both services' /metrics pages and the alert rules with it.
ensure_promtool() { ensure_command promtool prometheus "for promtool"; }

# Debian's ONNX conformance models (operators with inputs and expected outputs) for the binding's tests.
ensure_onnx_testdata() {
  if [ ! -d /usr/share/libonnx-testdata/data/node ]; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing libonnx-testdata (Debian package, ONNX conformance models)..."
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libonnx-testdata >/dev/null
  fi
}

# The real gRPC peer the interop tests talk to: @grpc/grpc-js from npm (Node.js from Debian if missing).
ensure_interop_peer() {
  local dir=tests/NetworkTwin.Contracts.Tests/Grpc/Interop
  ensure_node
  if [ ! -d "$dir/node_modules/@grpc/grpc-js" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "installing the grpc-js interop peer (npm ci)..."
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

# ns-3, the packet-level simulator the twin's answers are checked against: Debian's libns3-dev (3.37) and g++, and
# the repository's two small ns-3 programs (tools/NetworkTwin.Ns3), each compiled when missing or older than its source.
ensure_ns3_programs() {
  if [ ! -f /usr/include/ns3/point-to-point-module.h ] || ! command -v g++ >/dev/null 2>&1; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing libns3-dev and g++ (Debian packages, the ns-3 validation)..."
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libns3-dev g++ >/dev/null
  fi
  local program
  for program in fronthaul-queue backbone-ecmp; do
    local src="tools/NetworkTwin.Ns3/$program.cc" out="tools/NetworkTwin.Ns3/bin/$program"
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
      mkdir -p "$(dirname "$out")"
      # Linked by name: Debian's ns3 .pc files also list libgsl.so, which only the -dev package of GSL ships.
      g++ -O2 -std=c++17 -Wall -o "$out" "$src" -lns3-point-to-point -lns3-network -lns3-core
    fi
  done
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cli="central/NetworkTwin.Console/bin/Release/net10.0/networktwin.dll"
lab="tools/NetworkTwin.Lab/bin/Release/net10.0/networktwin-lab.dll"
agent="agent/NetworkTwin.Agent/bin/Release/net10.0/networktwin-agent.dll"

build() {
  dotnet build NetworkTwin.sln -c Release -nologo -v quiet "$@"
}

command="${1:-}"
shift || true
case "$command" in
  demo)
    ensure_debian_packages
    build
    # NETWORKTWIN_AGENT runs the demo on another build of the agent (CI: the packaged native one).
    dotnet "$lab" demo --agent "${NETWORKTWIN_AGENT:-$agent}" "$@"
    ;;
  test)
    ensure_debian_packages
    ensure_interop_peer
    ensure_browser
    ensure_promtool
    ensure_onnx_testdata
    ensure_ns3_programs
    ensure_haproxy
    build
    log="$(mktemp)"
    status=0
    # A test that hangs for 5 minutes fails with its name (and a dump) instead of eating CI's time.
    # One test project at a time (-m:1): on 2 cores the end-to-end projects (agent processes, mosquitto,
    # PostgreSQL, chromium) starved the timing-sensitive tests of the others when they ran together.
    dotnet test NetworkTwin.sln -c Release --no-build -nologo -m:1 --blame-hang-timeout 5m "$@" 2>&1 | tee "$log" || status=$?
    passed="$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')"
    failed="$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')"
    rm -f "$log"
    echo "tests: ${passed} passed, ${failed} failed"
    exit "$status"
    ;;
  bench)
    ensure_debian_packages
    build
    data=()
    if [ -d ../shared/data/fronthaul ]; then
      data=(--data ../shared/data/fronthaul)
      # numpy's loadtxt is the reference the parse rate is measured against (Debian python3-numpy).
      if ! /usr/bin/python3 -c "import numpy" >/dev/null 2>&1; then
        sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-numpy >/dev/null || true
      fi
    fi
    dotnet "$lab" bench fronthaul "${data[@]}" "$@"
    # The agent as the package ships it (native code), then the JIT build's memory beside it.
    case "$(uname -m)" in aarch64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
    ensure_clang
    native="out/bench/agent-native"
    bash packaging/native-agent.sh "$rid" "$native"
    dotnet "$lab" bench agent --agent "$native/networktwin-agent"
    dotnet "$lab" bench agent --agent "$agent" --only memory
    ensure_interop_peer
    if [ ! -d tools/NetworkTwin.Lab/Bench/grpcjs/node_modules/@grpc/grpc-js ]; then
      npm ci --prefix tools/NetworkTwin.Lab/Bench/grpcjs --no-audit --no-fund --loglevel=error >/dev/null
    fi
    dotnet "$lab" bench rpc
    dotnet "$lab" bench sync
    # The forecast model's latency next to onnxruntime-node (installed without its postinstall, which only fetches GPU extras).
    if [ ! -d tools/NetworkTwin.Lab/Bench/ortnode/node_modules/onnxruntime-node ]; then
      npm ci --ignore-scripts --prefix tools/NetworkTwin.Lab/Bench/ortnode --no-audit --no-fund --loglevel=error >/dev/null
    fi
    dotnet "$lab" bench onnx
    if [ -f ../shared/data/traffic/abilene_tm_5min_20040301_20040314.csv ]; then
      dotnet "$cli" lab forecast abilene
    fi
    if [ -f ../shared/data/topology_zoo/graphml/Kdl.graphml ]; then
      # networkx is the reference the design twin is measured against (Debian python3-networkx).
      if ! /usr/bin/python3 -c "import networkx" >/dev/null 2>&1; then
        sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-networkx >/dev/null || true
      fi
      dotnet "$lab" bench design --network ../shared/data/topology_zoo/graphml/Kdl.graphml
    fi
    ;;
  soak)
    # The 30-minute soak with failing parts (bench tooling, not CI): it needs the broker and PostgreSQL, and
    # libfaketime for the clock step. It runs from a copy of the binaries, so a rebuild meanwhile cannot pull them away.
    ensure_debian_packages
    if ! compgen -G "/usr/lib/*-linux-gnu/faketime/libfaketime.so.1" >/dev/null; then
      ensure_command faketime faketime "the soak's clock step"
    fi
    build
    bin="out/soak-bin"
    rm -rf "$bin" && mkdir -p "$bin"
    cp -r agent/NetworkTwin.Agent/bin/Release/net10.0 "$bin/agent"
    cp -r central/NetworkTwin.Central/bin/Release/net10.0 "$bin/central"
    cp -r tools/NetworkTwin.Lab/bin/Release/net10.0 "$bin/lab"
    NETWORKTWIN_AGENT="$bin/agent/networktwin-agent.dll" NETWORKTWIN_CENTRAL="$bin/central/networktwin-central.dll" \
      dotnet "$bin/lab/networktwin-lab.dll" soak "$@"
    ;;
  ns3)
    # The twin against ns-3, the full runs (the tests run short ones): the real capture's links as the analysis finds
    # them, then Abilene's busiest matrix of day 8 with its worst single-link failure.
    ensure_debian_packages
    ensure_ns3_programs
    build
    dotnet "$cli" lab validate fronthaul --data ../shared/data/fronthaul --links 3 --pin 1=2 --pin 2=3 "$@"
    dotnet "$cli" lab validate backbone --network ../shared/data/sndlib/abilene/abilene.txt \
      --traffic ../shared/data/traffic/abilene_tm_5min_20040301_20040314.csv --day 8
    ;;
  docs)
    # The generated pages (docs/configuration.md from the options classes), rewritten by the test that checks them.
    build
    NETWORKTWIN_WRITE_DOCS=1 dotnet test tests/NetworkTwin.Central.Tests -c Release --no-build -nologo \
      --filter "FullyQualifiedName~ConfigurationReferenceTests.DocsConfigurationMd" >/dev/null
    echo "docs/configuration.md rewritten; git diff shows what changed"
    ;;
  package)
    ensure_debian_packages
    if ! command -v dpkg-deb >/dev/null 2>&1; then
      sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
    fi
    # The agent's native build (Native AOT) links with clang (Debian 12: clang-14 is enough); the arm64 one is
    # cross-compiled against Debian's aarch64 toolchain and run under qemu-aarch64 to check that it starts.
    ensure_clang
    if [ "$(uname -m)" != aarch64 ]; then
      ensure_command aarch64-linux-gnu-gcc "gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross" "the arm64 agent's native build"
      ensure_command qemu-aarch64 qemu-user "running the arm64 agent"
    fi
    bash packaging/build.sh
    ;;
  *)
    echo "usage: ./build.sh demo|test|bench|ns3|soak|docs|package [options passed to the command]" >&2
    exit 2
    ;;
esac

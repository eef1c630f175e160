#!/usr/bin/env bash
# Publishes the agent as native code (Native AOT) for one runtime: packaging/native-agent.sh <rid> <destination>.
# Used by packaging/build.sh (the linux-x64 and linux-arm64 packages) and `./build.sh bench` (the agent the bench
# measures), so both measure and ship the same build. Links with clang, or Debian 12's clang-14 when only that is on
# PATH (build.sh installs one). Every trimming or AOT warning is listed (not one per assembly), and any outside the one library known
# to reflect (Serilog.Settings.Configuration, whose sinks the agent keeps whole) fails the build: it would be a
# feature that works in the tests' JIT build and not in the shipped one. The full log is <destination>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="$1" dest="$2"
log="$dest.log"
linker=()
if ! command -v clang >/dev/null 2>&1 && command -v clang-14 >/dev/null 2>&1; then linker=(-p:CppCompilerAndLinker=clang-14); fi

echo "publishing NetworkTwin.Agent for $rid (native)..."
mkdir -p "$(dirname "$dest")"
dotnet publish agent/NetworkTwin.Agent/NetworkTwin.Agent.csproj -c Release -r "$rid" -p:DebugType=none -p:StripSymbols=true \
  -p:GenerateDocumentationFile=false -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false "${linker[@]}" \
  -o "$dest" -nologo >"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "the agent's native build failed (log: $log)" >&2; exit 1; }
unexpected="$(grep -E 'warning IL[0-9]+' "$log" | grep -vE 'warning IL[0-9]+: (Serilog\.Settings\.Configuration|Microsoft\.Extensions\.DependencyModel)\.' | sort -u || true)"
if [ -n "$unexpected" ]; then
  echo "$unexpected" >&2
  echo "the agent's native build has trimming/AOT warnings outside Serilog.Settings.Configuration (above; log: $log)" >&2
  exit 1
fi
rm -f "$dest"/*.dbg "$dest"/*.pdb "$dest"/*.xml

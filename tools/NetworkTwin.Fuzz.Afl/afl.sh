#!/usr/bin/env bash
# Coverage-guided fuzzing with afl-fuzz (Debian afl++) and SharpFuzz:
#   tools/NetworkTwin.Fuzz.Afl/afl.sh [--seconds N] TARGET...     (all: every target; --seconds defaults to 600)
# publishes networktwin-afl and instruments the product's assemblies once, then for each target writes its seeds,
# runs afl-fuzz for N seconds and prints its figures. Findings stay in out/afl/TARGET/findings/default/{crashes,hangs}/;
# each is replayed by `networktwin-lab fuzz`'s runner once copied under
# tests/NetworkTwin.Console.Tests/Fuzz/Regressions/TARGET/ (as .bin).
set -euo pipefail
seconds=600
if [ "${1:-}" = --seconds ]; then seconds="$2"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: afl.sh [--seconds N] TARGET... | all" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/out/afl"
bin="$out/bin"

if ! command -v afl-fuzz >/dev/null; then
  sudo_="$( [ "$(id -u)" = 0 ] || echo sudo )"
  $sudo_ apt-get install -y -q afl++ >/dev/null
fi
if [ ! -x "$out/tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$out/tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

rm -rf "$bin"
dotnet publish "$root/tools/NetworkTwin.Fuzz.Afl" -c Release -o "$bin" -nologo -v quiet
if [ "$*" = all ]; then
  set -- $(dotnet "$bin/networktwin-afl.dll" --list | awk '{ print $1 }')
fi

# Seeds first: instrumented code may only run under afl-fuzz (it writes to afl's shared memory).
for target in "$@"; do
  rm -rf "${out:?}/$target"
  dotnet "$bin/networktwin-afl.dll" --seeds "$target" "$out/$target/in" >/dev/null
done

# The product's assemblies (the CLI's is networktwin.dll); not test support, not the harness.
for dll in "$bin"/NetworkTwin.*.dll "$bin/networktwin.dll"; do
  case "$dll" in *NetworkTwin.Testing.dll) continue ;; esac
  "$out/tools/sharpfuzz" "$dll" >/dev/null
done
echo "instrumented: $(cd "$bin" && ls NetworkTwin.*.dll networktwin.dll | grep -v Testing | tr '\n' ' ')"

failed=0
for target in "$@"; do
  work="$out/$target"
  # afl++ on a .NET program: no afl-compiled binary to check, and the machine's CPU governor is not ours to set.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -V "$seconds" -i "$work/in" -o "$work/findings" -t 5000 -m none -- dotnet "$bin/networktwin-afl.dll" "$target" \
    > "$work/afl.log" 2>&1 || { echo "target $target: afl-fuzz failed"; tail -20 "$work/afl.log"; failed=1; continue; }
  stats="$work/findings/default/fuzzer_stats"
  field() { awk -F: -v k="$1" '$1 ~ "^"k" *$" { gsub(/ /, "", $2); print $2 }' "$stats"; }
  echo "target $target: $(field execs_done) executions in $(field run_time) s ($(field execs_per_sec)/s), corpus $(field corpus_count) inputs, coverage $(field bitmap_cvg), crashes $(field saved_crashes), hangs $(field saved_hangs)"
  if [ "$(field saved_crashes)" != 0 ] || [ "$(field saved_hangs)" != 0 ]; then failed=1; fi
done
exit "$failed"

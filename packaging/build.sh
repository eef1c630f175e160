#!/usr/bin/env bash
# Builds the NetworkTwin packages into out/packages:
#   - self-contained publishes of the agent, the coordinator and the CLI for linux-x64, linux-arm64 and win-x64 (the
#     Linux agents as native code, Native AOT; the others JIT);
#   - networktwin-agent_<version>_<arch>.deb and networktwin-central_<version>_<arch>.deb for amd64 and
#     arm64 (binaries in /usr/lib/networktwin/<service>, settings in /etc/networktwin, state in
#     /var/lib/networktwin, logs in /var/log/networktwin, systemd units), and networktwin_<version>_<arch>.deb,
#     the operators' CLI (/usr/lib/networktwin/cli, on PATH as /usr/bin/networktwin);
# then checks each .deb: the amd64 ones installed into a fresh root with `dpkg --root`, inspected (files,
# owner of the state directories, the service user, the unit with systemd-analyze, the binary running
# --validate-config on the installed settings), and purged again; the arm64 ones by their contents, their control file
# and the ELF machine of their binaries and native libraries, and the arm64 agent run under qemu-aarch64 (user-mode
# emulation) with --version and --validate-config.
# Called by `./build.sh package`; needs dpkg-dev and systemd (systemd-analyze), which build.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=packaging/common.sh
. packaging/common.sh
out="$PWD/out/packages"
rm -rf "$out"
mkdir -p "$out"

publish() { # project runtime destination [extra properties...]
  local project="$1" rid="$2" dest="$3"
  shift 3
  echo "publishing $(basename "$project" .csproj) for $rid..."
  dotnet publish "$project" -c Release -r "$rid" --self-contained true -p:DebugType=none -p:GenerateDocumentationFile=false \
    "$@" -o "$dest" -nologo -v quiet >/dev/null
}

# The Linux agents are native code (Native AOT: no JIT, 60 MB less resident with 24 cells on an edge box); arm64 is
# cross-compiled with clang and Debian's aarch64 C toolchain (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross), which
# `./build.sh package` installs. Linking natively for Windows needs its linker (MSVC), so that agent is a JIT build.
bash packaging/native-agent.sh linux-x64 "$out/linux-x64/agent"
if [ "$(uname -m)" != aarch64 ] && ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
  echo "the arm64 agent is cross-compiled: install gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (./build.sh package does)" >&2
  exit 1
fi
bash packaging/native-agent.sh linux-arm64 "$out/linux-arm64/agent"
publish agent/NetworkTwin.Agent/NetworkTwin.Agent.csproj win-x64 "$out/win-x64/agent" -p:PublishAot=false
for rid in linux-x64 linux-arm64 win-x64; do
  publish central/NetworkTwin.Central/NetworkTwin.Central.csproj "$rid" "$out/$rid/central"
  publish central/NetworkTwin.Console/NetworkTwin.Console.csproj "$rid" "$out/$rid/cli"
done

# Every assembly is built with InvariantGlobalization (Directory.Build.props), so no package needs ICU; libssl3 is
# for TLS, libstdc++6 for ONNX Runtime.
control() { # stage package arch extra-depends summary description
  cat > "$1/DEBIAN/control" <<EOF
Package: $2
Version: $version
Architecture: $3
Maintainer: NetworkTwin team <team@networktwin.invalid>
Section: net
Priority: optional
Depends: $4libc6, libgcc-s1, libstdc++6, zlib1g, libssl3
Installed-Size: $(du -sk "$1" | cut -f1)
Description: $5
$6
EOF
}

deb() { # service package binary summary rid arch
  local svc="$1" name="$2" bin="$3" summary="$4" rid="$5" arch="$6"
  local stage="$out/stage/$name-$arch"
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/usr/lib/networktwin/$svc" "$stage/lib/systemd/system" "$stage/etc/networktwin" "$stage/usr/share/doc/$name"
  cp -a "$out/$rid/$svc/." "$stage/usr/lib/networktwin/$svc/"
  cp "packaging/systemd/$name.service" "$stage/lib/systemd/system/"
  cp "packaging/deb/$svc.json" "$stage/etc/networktwin/$svc.json"
  # It will hold tokens: not readable by every account (postinst gives it to the networktwin group).
  chmod 0640 "$stage/etc/networktwin/$svc.json"
  cp packaging/README.md "$stage/usr/share/doc/$name/README.md"
  if [ "$svc" = agent ]; then
    mkdir -p "$stage/usr/share/networktwin/mosquitto"
    cp packaging/mosquitto/networktwin.conf "$stage/usr/share/networktwin/mosquitto/networktwin.conf"
  fi
  control "$stage" "$name" "$arch" "adduser | passwd, " "$summary" \
    " Part of NetworkTwin, a network digital twin for 5G RAN fronthaul, transport and enterprise
 networks. Self-contained .NET build; runs as the networktwin user under systemd (Type=notify)."
  echo "/etc/networktwin/$svc.json" > "$stage/DEBIAN/conffiles"
  for script in postinst prerm postrm; do
    sed -e "s|@SVC@|$svc|g" -e "s|@NAME@|$name|g" -e "s|@BIN@|/usr/lib/networktwin/$svc/$bin|g" "packaging/deb/$script" > "$stage/DEBIAN/$script"
    chmod 0755 "$stage/DEBIAN/$script"
  done
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/${name}_${version}_${arch}.deb" >/dev/null
  echo "built $out/${name}_${version}_${arch}.deb ($(du -h "$out/${name}_${version}_${arch}.deb" | cut -f1))"
}

# The operators' CLI: no service, no user; the binary on PATH as /usr/bin/networktwin. Installed beside the agent
# (field engineers: `networktwin agent status`), on the coordinator host, or on an operator's workstation.
deb_cli() { # rid arch
  local rid="$1" arch="$2" name=networktwin
  local stage="$out/stage/$name-$arch"
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/usr/lib/networktwin/cli" "$stage/usr/bin" "$stage/usr/share/doc/$name"
  cp -a "$out/$rid/cli/." "$stage/usr/lib/networktwin/cli/"
  ln -s ../lib/networktwin/cli/networktwin "$stage/usr/bin/networktwin"
  # Bash completion, as the CLI prints it (a shell script: the same for every architecture, made by the x64 build).
  mkdir -p "$stage/usr/share/bash-completion/completions"
  "$out/linux-x64/cli/networktwin" completion bash > "$stage/usr/share/bash-completion/completions/networktwin"
  cp packaging/README.md "$stage/usr/share/doc/$name/README.md"
  control "$stage" "$name" "$arch" "" "NetworkTwin operators' CLI: agents, links, decisions, what-ifs, design" \
    " The networktwin command of NetworkTwin, a network digital twin for 5G RAN fronthaul, transport and
 enterprise networks: the coordinator's operators' API (agents, links, topology, commands, decisions,
 audit), the local agent's status, offline analysis, what-if scenarios and network design."
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/${name}_${version}_${arch}.deb" >/dev/null
  echo "built $out/${name}_${version}_${arch}.deb ($(du -h "$out/${name}_${version}_${arch}.deb" | cut -f1))"
}

for target in "linux-x64 amd64" "linux-arm64 arm64"; do
  set -- $target
  deb agent networktwin-agent networktwin-agent "NetworkTwin edge agent: telemetry ingest, live twin, sync to the coordinator" "$1" "$2"
  deb central networktwin-central networktwin-central "NetworkTwin coordinator: repository, topology across agents, operators' API" "$1" "$2"
  deb_cli "$1" "$2"
done

fail() { echo "package check failed: $*" >&2; exit 1; }

# The ELF machine of a file: x86-64 or aarch64 (e_machine, bytes 18-19 of the header, little-endian).
elf_machine() {
  [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = "177ELF" ] || { echo "not-elf"; return; }
  case "$(od -An -tx1 -j18 -N2 "$1" | tr -d ' \n')" in
    3e00) echo x86-64 ;;
    b700) echo aarch64 ;;
    *) echo other ;;
  esac
}


check() { # service package binary
  local svc="$1" name="$2" bin="$3"
  local root="$out/root-$svc"
  fresh_root "$root"
  dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$out/${name}_${version}_amd64.deb" >/dev/null 2>"$out/dpkg-$svc.err" \
    || { cat "$out/dpkg-$svc.err" >&2; fail "$name did not install into a fresh root"; }
  [ "$(dpkg --root="$root" -s "$name" | sed -n 's/^Version: //p')" = "$version" ] || fail "$name is not version $version"

  dpkg --root="$root" -s "$name" | grep -q '^Status: install ok installed' || fail "$name is not recorded as installed"
  [ -x "$root/usr/lib/networktwin/$svc/$bin" ] || fail "$bin is not installed executable"
  [ -f "$root/lib/systemd/system/$name.service" ] || fail "the systemd unit is missing"
  # ONNX Runtime (the agent predicts with it, the coordinator judges models with it): the NuGet package's library, beside the binary.
  [ "$(elf_machine "$root/usr/lib/networktwin/$svc/libonnxruntime.so")" = x86-64 ] || fail "libonnxruntime.so (x86-64) is missing beside $bin"
  [ -f "$root/etc/networktwin/$svc.json" ] || fail "the settings file is missing"
  if [ "$svc" = agent ]; then
    grep -q '^max_queued_messages' "$root/usr/share/networktwin/mosquitto/networktwin.conf" || fail "the broker settings are missing"
  fi
  grep -q '^networktwin:' "$root/etc/passwd" || fail "the networktwin user was not created"
  local uid
  uid="$(awk -F: '$1 == "networktwin" { print $3 }' "$root/etc/passwd")"
  for dir in "$root/var/lib/networktwin/$svc" "$root/var/log/networktwin/$svc"; do
    [ "$(stat -c %u "$dir")" = "$uid" ] || fail "$dir is not owned by networktwin"
    [ "$(stat -c %a "$dir")" = "750" ] || fail "$dir is not mode 750"
  done

  # The unit as installed, with ExecStart pointing into the root (systemd-analyze checks it exists).
  sed "s|^ExecStart=|ExecStart=$root|" "$root/lib/systemd/system/$name.service" > "$out/$name.service"
  local warnings
  warnings="$(systemd-analyze verify "$out/$name.service" 2>&1)" || fail "systemd-analyze verify: $warnings"
  [ -z "$warnings" ] || fail "systemd-analyze verify warns: $warnings"

  # The installed binary runs, on the installed settings (state pointed at a scratch folder).
  NETWORKTWIN_CONFIG_FILE="$root/etc/networktwin/$svc.json" \
    NETWORKTWIN_Agent__DataDirectory="$out/scratch-$svc" NETWORKTWIN_Agent__Logging__Directory="$out/scratch-$svc/logs" \
    NETWORKTWIN_Coordinator__DataDirectory="$out/scratch-$svc" \
    "$root/usr/lib/networktwin/$svc/$bin" --validate-config >"$out/validate-$svc.txt" 2>&1 \
    || { cat "$out/validate-$svc.txt" >&2; fail "$bin --validate-config failed on the installed settings"; }

  # Asking what it is answers without starting the service or writing state.
  local reported
  reported="$("$root/usr/lib/networktwin/$svc/$bin" --version)" || fail "$bin --version failed"
  [ "${reported%%+*}" = "$version" ] || fail "$bin --version says $reported, not $version"
  NETWORKTWIN_Agent__DataDirectory="$out/help-$svc" NETWORKTWIN_Coordinator__DataDirectory="$out/help-$svc" \
    "$root/usr/lib/networktwin/$svc/$bin" --help >"$out/help-$svc.txt" 2>&1 || fail "$bin --help failed"
  grep -q -- '--validate-config' "$out/help-$svc.txt" || fail "$bin --help does not describe --validate-config"
  [ ! -e "$out/help-$svc" ] || fail "$bin --help wrote state"

  local files
  files="$(dpkg --root="$root" -L "$name" | wc -l)"
  # (dpkg notes that /etc stays: the base accounts are in it.)
  dpkg --root="$root" --force-script-chrootless --log=/dev/null -P "$name" >/dev/null 2>"$out/purge-$svc.err" \
    || { cat "$out/purge-$svc.err" >&2; fail "$name did not purge"; }
  [ ! -e "$root/usr/lib/networktwin/$svc/$bin" ] || fail "purge left the binary"
  [ ! -e "$root/etc/networktwin/$svc.json" ] || fail "purge left the settings file"
  [ ! -e "$root/var/lib/networktwin/$svc" ] || fail "purge left the state directory"
  echo "checked $name: installs into a fresh root ($files paths), user networktwin, state and logs owned by it, unit verified, $(cut -d';' -f1 "$out/validate-$svc.txt"); --version $reported and --help answer without starting it; purge removes it"
}

check agent networktwin-agent networktwin-agent
check central networktwin-central networktwin-central

# The CLI beside the agent, as on an edge box: on PATH, the one version, and `agent status` without flags looks
# where the packaged agent keeps its state (nothing runs here, so it must say it found no status there).
check_cli() {
  local root="$out/root-cli"
  fresh_root "$root"
  local deb
  for deb in "$out/networktwin-agent_${version}_amd64.deb" "$out/networktwin_${version}_amd64.deb"; do
    dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >/dev/null 2>"$out/dpkg-cli.err" \
      || { cat "$out/dpkg-cli.err" >&2; fail "$(basename "$deb") did not install into a fresh root"; }
  done
  [ -L "$root/usr/bin/networktwin" ] && [ -x "$root/usr/bin/networktwin" ] || fail "/usr/bin/networktwin is not an executable link"
  grep -q 'complete -o default -F _networktwin_complete networktwin' "$root/usr/share/bash-completion/completions/networktwin" || fail "the bash completion is missing"
  local reported
  reported="$("$root/usr/bin/networktwin" --version)" || fail "networktwin --version failed"
  [ "${reported%%+*}" = "$version" ] || fail "networktwin --version says $reported, not $version"
  local status rc=0
  status="$(NETWORKTWIN_CONFIG_FILE="$root/etc/networktwin/agent.json" COLUMNS=400 "$root/usr/bin/networktwin" agent status 2>&1)" || rc=$?
  [ "$rc" = 3 ] || fail "networktwin agent status exited $rc without an agent (expected 3): $status"
  case "$status" in
    *"/var/lib/networktwin/agent/status.json (from Agent:DataDirectory in $root/etc/networktwin/agent.json)"*) ;;
    *) fail "networktwin agent status did not look in the packaged agent's state directory: $status" ;;
  esac
  local files
  files="$(dpkg --root="$root" -L networktwin | wc -l)"
  dpkg --root="$root" --force-script-chrootless --log=/dev/null -P networktwin networktwin-agent >/dev/null 2>"$out/purge-cli.err" \
    || { cat "$out/purge-cli.err" >&2; fail "networktwin did not purge"; }
  [ ! -e "$root/usr/bin/networktwin" ] || fail "purge left /usr/bin/networktwin"
  echo "checked networktwin: installs beside the agent ($files paths), /usr/bin/networktwin --version $reported, 'agent status' looks in /var/lib/networktwin/agent by itself; purge removes it"
}
check_cli

# arm64 (DUs and gateways): not runnable here, so its contents, control file and the machine of every ELF file.
check_arm64() { # service package binary
  local svc="$1" name="$2" bin="$3"
  local deb="$out/${name}_${version}_arm64.deb" tree="$out/arm64-$svc"
  rm -rf "$tree"
  dpkg-deb -x "$deb" "$tree"
  [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$deb is not Architecture: arm64"
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb is not version $version"
  [ -f "$tree/lib/systemd/system/$name.service" ] && [ -f "$tree/etc/networktwin/$svc.json" ] || fail "$deb lacks its unit or settings"
  local machine
  for f in "$tree/usr/lib/networktwin/$svc/$bin" "$tree/usr/lib/networktwin/$svc/libonnxruntime.so" "$tree/usr/lib/networktwin/$svc/libe_sqlite3.so"; do
    [ -f "$f" ] || fail "$deb lacks $(basename "$f")"
    machine="$(elf_machine "$f")"
    [ "$machine" = aarch64 ] || fail "$(basename "$f") in $deb is $machine, not aarch64"
  done
  local elves=0 others=0 f m
  while IFS= read -r f; do
    m="$(elf_machine "$f")"
    if [ "$m" != not-elf ]; then
      elves=$((elves + 1))
      if [ "$m" != aarch64 ]; then
        echo "  $f is $m" >&2
        others=$((others + 1))
      fi
    fi
  done < <(find "$tree/usr/lib/networktwin/$svc" -type f)
  [ "$others" -eq 0 ] || fail "$deb carries $others ELF file(s) for another machine"
  echo "checked ${name}_${version}_arm64.deb: $(dpkg-deb -c "$deb" | wc -l) paths, $elves ELF files all aarch64 ($bin, libonnxruntime.so, libe_sqlite3.so among them)"
}

# The arm64 agent is native code cross-compiled here: run it (user-mode emulation) to see that it starts, reads its
# settings and answers, as it would on a DU.
run_arm64_agent() {
  local exe="$out/arm64-agent/usr/lib/networktwin/agent/networktwin-agent" said
  if [ "$(uname -m)" = aarch64 ]; then set -- "$exe"; elif command -v qemu-aarch64 >/dev/null 2>&1; then set -- qemu-aarch64 -L /usr/aarch64-linux-gnu "$exe"; else
    echo "the arm64 agent was not run: no qemu-aarch64 (./build.sh package installs qemu-user)" >&2
    return
  fi
  said="$("$@" --version)" || fail "the arm64 agent did not answer --version"
  [ "${said%%+*}" = "$version" ] || fail "the arm64 agent says it is $said, not $version"
  NETWORKTWIN_CONFIG_FILE="$out/arm64-agent/etc/networktwin/agent.json" NETWORKTWIN_Agent__DataDirectory="$out/arm64-agent-state" \
    NETWORKTWIN_Agent__Logging__Directory="$out/arm64-agent-state/logs" "$@" --validate-config >"$out/arm64-agent.out" 2>&1 || { cat "$out/arm64-agent.out" >&2; fail "the arm64 agent refused its packaged settings"; }
  echo "ran the arm64 agent ($([ "$1" = qemu-aarch64 ] && echo "under qemu-aarch64" || echo natively)): version $said; $(head -n 1 "$out/arm64-agent.out")"
}
check_arm64 agent networktwin-agent networktwin-agent
run_arm64_agent
check_arm64 central networktwin-central networktwin-central
cli_deb="$out/networktwin_${version}_arm64.deb"
[ "$(dpkg-deb -f "$cli_deb" Architecture)" = arm64 ] || fail "$cli_deb is not Architecture: arm64"
rm -rf "$out/arm64-cli"
dpkg-deb -x "$cli_deb" "$out/arm64-cli"
for f in networktwin libe_sqlite3.so; do
  [ "$(elf_machine "$out/arm64-cli/usr/lib/networktwin/cli/$f")" = aarch64 ] || fail "$f in $cli_deb is not aarch64"
done
echo "checked networktwin_${version}_arm64.deb: $(dpkg-deb -c "$cli_deb" | wc -l) paths, networktwin and libe_sqlite3.so aarch64"
# Windows: the publish folders plus the service install script beside them.
cp packaging/windows/install-agent.ps1 "$out/win-x64/"
for exe in "$out/win-x64/agent/networktwin-agent.exe" "$out/win-x64/central/networktwin-central.exe"; do
  [ "$(head -c 2 "$exe")" = "MZ" ] || fail "$exe is not a Windows executable"
  [ "$(head -c 2 "$(dirname "$exe")/onnxruntime.dll")" = "MZ" ] || fail "onnxruntime.dll is missing beside $exe"
done
[ "$(head -c 2 "$out/win-x64/cli/networktwin.exe")" = "MZ" ] || fail "networktwin.exe is not a Windows executable"
echo "windows: $out/win-x64/ (agent/, central/, cli/networktwin.exe, install-agent.ps1: run it elevated to register the NetworkTwinAgent service)"

# The README's operator quick start, done literally with these packages (transcript in out/packages/quickstart.txt).
bash packaging/quickstart.sh

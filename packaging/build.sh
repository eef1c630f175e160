#!/usr/bin/env bash
# Builds the NetworkTwin packages into out/packages:
#   - self-contained publishes of the agent and the coordinator for linux-x64 and win-x64;
#   - networktwin-agent_<version>_amd64.deb and networktwin-central_<version>_amd64.deb
#     (binaries in /usr/lib/networktwin/<service>, settings in /etc/networktwin, state in
#     /var/lib/networktwin, logs in /var/log/networktwin, systemd units);
# then checks each .deb: installed into a fresh root with `dpkg --root`, inspected (files, owner of
# the state directories, the service user, the unit with systemd-analyze, the binary running
# --validate-config on the installed settings), and purged again.
# Called by `./build.sh package`; needs dpkg-dev and systemd (systemd-analyze), which build.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${NETWORKTWIN_VERSION:-0.4.0}"
out="$PWD/out/packages"
rm -rf "$out"
mkdir -p "$out"

publish() { # project runtime destination
  echo "publishing $(basename "$1" .csproj) for $2..."
  dotnet publish "$1" -c Release -r "$2" --self-contained true -p:DebugType=none -p:GenerateDocumentationFile=false \
    -o "$3" -nologo -v quiet >/dev/null
}

for rid in linux-x64 win-x64; do
  publish agent/NetworkTwin.Agent/NetworkTwin.Agent.csproj "$rid" "$out/$rid/agent"
  publish central/NetworkTwin.Central/NetworkTwin.Central.csproj "$rid" "$out/$rid/central"
done

deb() { # service package binary summary
  local svc="$1" name="$2" bin="$3" summary="$4"
  local stage="$out/stage/$name"
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/usr/lib/networktwin/$svc" "$stage/lib/systemd/system" "$stage/etc/networktwin" "$stage/usr/share/doc/$name"
  cp -a "$out/linux-x64/$svc/." "$stage/usr/lib/networktwin/$svc/"
  cp "packaging/systemd/$name.service" "$stage/lib/systemd/system/"
  cp "packaging/deb/$svc.json" "$stage/etc/networktwin/$svc.json"
  cp packaging/README.md "$stage/usr/share/doc/$name/README.md"
  local size
  size="$(du -sk "$stage" | cut -f1)"
  cat > "$stage/DEBIAN/control" <<EOF
Package: $name
Version: $version
Architecture: amd64
Maintainer: NetworkTwin team <team@networktwin.invalid>
Section: net
Priority: optional
Depends: adduser | passwd, libc6, libgcc-s1, libstdc++6, zlib1g, libssl3, libicu72 | libicu74 | libicu76
Installed-Size: $size
Description: $summary
 Part of NetworkTwin, a network digital twin for 5G RAN fronthaul, transport and enterprise
 networks. Self-contained .NET build; runs as the networktwin user under systemd (Type=notify).
EOF
  echo "/etc/networktwin/$svc.json" > "$stage/DEBIAN/conffiles"
  for script in postinst prerm postrm; do
    sed -e "s|@SVC@|$svc|g" -e "s|@NAME@|$name|g" -e "s|@BIN@|/usr/lib/networktwin/$svc/$bin|g" "packaging/deb/$script" > "$stage/DEBIAN/$script"
    chmod 0755 "$stage/DEBIAN/$script"
  done
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/${name}_${version}_amd64.deb" >/dev/null
  echo "built $out/${name}_${version}_amd64.deb ($(du -h "$out/${name}_${version}_amd64.deb" | cut -f1))"
}

deb agent networktwin-agent networktwin-agent "NetworkTwin edge agent: telemetry ingest, live twin, sync to the coordinator"
deb central networktwin-central networktwin-central "NetworkTwin coordinator: repository, topology across agents, operators' API"

fail() { echo "package check failed: $*" >&2; exit 1; }

check() { # service package binary
  local svc="$1" name="$2" bin="$3"
  local root="$out/root-$svc"
  rm -rf "$root"
  # A fresh root: an empty dpkg database and the base accounts, nothing else.
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
  touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\n' > "$root/etc/group"
  printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
  printf 'root:*::\n' > "$root/etc/gshadow"
  dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$out/${name}_${version}_amd64.deb" >/dev/null 2>"$out/dpkg-$svc.err" \
    || { cat "$out/dpkg-$svc.err" >&2; fail "$name did not install into a fresh root"; }

  dpkg --root="$root" -s "$name" | grep -q '^Status: install ok installed' || fail "$name is not recorded as installed"
  [ -x "$root/usr/lib/networktwin/$svc/$bin" ] || fail "$bin is not installed executable"
  [ -f "$root/lib/systemd/system/$name.service" ] || fail "the systemd unit is missing"
  # ONNX Runtime (the agent predicts with it, the coordinator judges models with it): the checked library, beside the binary.
  cmp -s "$root/usr/lib/networktwin/$svc/libonnxruntime.so.1" .cache/onnxruntime-1.30.0/linux-x64/libonnxruntime.so.1 \
    || fail "libonnxruntime.so.1 is missing from the package or is not the sha256-checked one"
  [ -f "$root/etc/networktwin/$svc.json" ] || fail "the settings file is missing"
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

  local files
  files="$(dpkg --root="$root" -L "$name" | wc -l)"
  # (dpkg notes that /etc stays: the base accounts are in it.)
  dpkg --root="$root" --force-script-chrootless --log=/dev/null -P "$name" >/dev/null 2>"$out/purge-$svc.err" \
    || { cat "$out/purge-$svc.err" >&2; fail "$name did not purge"; }
  [ ! -e "$root/usr/lib/networktwin/$svc/$bin" ] || fail "purge left the binary"
  [ ! -e "$root/etc/networktwin/$svc.json" ] || fail "purge left the settings file"
  [ ! -e "$root/var/lib/networktwin/$svc" ] || fail "purge left the state directory"
  echo "checked $name: installs into a fresh root ($files paths), user networktwin, state and logs owned by it, unit verified, $(cut -d';' -f1 "$out/validate-$svc.txt"); purge removes it"
}

check agent networktwin-agent networktwin-agent
check central networktwin-central networktwin-central
# Windows: the publish folders plus the service install script beside them.
cp packaging/windows/install-agent.ps1 "$out/win-x64/"
for exe in "$out/win-x64/agent/networktwin-agent.exe" "$out/win-x64/central/networktwin-central.exe"; do
  [ "$(head -c 2 "$exe")" = "MZ" ] || fail "$exe is not a Windows executable"
  cmp -s "$(dirname "$exe")/onnxruntime.dll" .cache/onnxruntime-1.30.0/win-x64/onnxruntime.dll || fail "onnxruntime.dll is missing beside $exe"
done
echo "windows: $out/win-x64/ (agent/, central/, install-agent.ps1: run it elevated to register the NetworkTwinAgent service)"

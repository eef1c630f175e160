#!/usr/bin/env bash
# The README's operator quick start, done literally with the built packages: the coordinator's, the agent's and the
# CLI's .deb installed into one fresh root; TLS and tokens from `networktwin dev-ca`; the coordinator listening
# beyond loopback (so its exposure rule must be satisfied); both services started as their systemd units would
# start them (the unit's user and group, its Environment= lines with paths inside the root, its ExecStart); a
# Debian mosquitto as the site's broker; a capture replayed to it; and the links read back with
# `networktwin -o json links` over TLS with an operator token. Every command and its output go to a transcript
# (out/packages/quickstart.txt). systemd is not PID 1 here, so the processes are started directly.
#
# Called by packaging/build.sh after the packages are built and checked; needs root (to take the units' user),
# otherwise it runs the services as the calling user and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

out="out/packages"
# shellcheck source=packaging/common.sh
. packaging/common.sh
# Under /tmp, not the clone: the units' user must be able to reach the root's files (a clone under /root is not).
scratch="$(mktemp -d /tmp/networktwin-quickstart.XXXXXX)"
chmod 755 "$scratch"
root="$scratch/root"
work="$scratch/work"
transcript="$out/quickstart.txt"
pids=()

fail() { echo "quick start failed: $*" >&2; tail -n 90 "$transcript" >&2 || true; exit 1; }
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Every step is written as `$ command` then what it printed.
step() {
  printf '\n$ %s\n' "$*" >>"$transcript"
  "$@" >>"$transcript" 2>&1
}

mkdir -p "$work" "$root"
: >"$transcript"
echo "# NetworkTwin $version operator quick start, $(date -u +%FT%TZ), $(uname -m)" >>"$transcript"

# 1. Install the three packages into a fresh root.
fresh_root "$root"
for name in networktwin-central networktwin-agent networktwin; do
  step dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$out/${name}_${version}_amd64.deb" \
    || fail "$name did not install"
done
cli="$root/usr/bin/networktwin"
step "$cli" version -o yaml --coordinator http://127.0.0.1:1 || true

# 2. TLS and tokens.
pki="$root/etc/networktwin/pki"
step "$cli" dev-ca --out "$pki" --host 127.0.0.1 --agent-id du-paris-1 || fail "dev-ca"
agent_token="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
operator_token="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
printf '%s\n' "$operator_token" >"$work/noc.token"
chmod 600 "$work/noc.token"

grpc="$(free_port)"
web="$(free_port)"
broker="$(free_port)"

# 3. The coordinator: beyond loopback, so TLS, the agents' and the operators' identity are required.
cat >"$root/etc/networktwin/central.json" <<EOF
{
  "Coordinator": {
    "Address": "0.0.0.0", "Port": $grpc,
    "DataDirectory": "/var/lib/networktwin/central",
    "Repository": { "Provider": "sqlite" },
    "Tls": { "CertificateFile": "$pki/server.pem", "KeyFile": "$pki/server.key" },
    "AgentTokens": { "du-paris-1": "$agent_token" },
    "OperatorTokens": { "noc": "$operator_token" },
    "Metrics": { "Address": "127.0.0.1", "Port": $web }
  }
}
EOF
printf '\n$ cat /etc/networktwin/central.json   (tokens elided)\n' >>"$transcript"
sed -e "s/$agent_token/<agent token>/" -e "s/$operator_token/<operator token>/" "$root/etc/networktwin/central.json" >>"$transcript"

# 4. The agent: the broker, and the coordinator with its CA and this agent's token.
cat >"$root/etc/networktwin/agent.json" <<EOF
{
  "Agent": {
    "Site": "paris",
    "DataDirectory": "/var/lib/networktwin/agent",
    "Logging": { "Directory": "/var/log/networktwin/agent", "ConsoleLevel": "Warning" },
    "Coordinator": { "Address": "https://127.0.0.1:$grpc", "AgentId": "du-paris-1", "CaFile": "$pki/ca.pem", "Token": "$agent_token" },
    "Window": { "EvaluateEverySeconds": 1 },
    "Metrics": { "Address": "127.0.0.1", "Port": 0 }
  },
  "Mqtt": { "Host": "127.0.0.1", "Port": $broker }
}
EOF
printf '\n$ cat /etc/networktwin/agent.json   (token elided)\n' >>"$transcript"
sed -e "s/$agent_token/<agent token>/" "$root/etc/networktwin/agent.json" >>"$transcript"

# The units' user owns the settings and keys it reads (the package made it, in the root).
uid="$(awk -F: '$1 == "networktwin" { print $3 }' "$root/etc/passwd")"
gid="$(awk -F: '$1 == "networktwin" { print $3 }' "$root/etc/group")"
as_unit=()
chmod 640 "$root/etc/networktwin/central.json" "$root/etc/networktwin/agent.json"
if [ "$(id -u)" = 0 ]; then
  chown -R "$uid:$gid" "$root/etc/networktwin"
  as_unit=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
  echo "# services run as the units' user networktwin (uid $uid)" >>"$transcript"
else
  echo "# not root: services run as $(id -un), not as the units' user" >>"$transcript"
fi

# Start a service the way its unit does: its user, its Environment= lines (paths inside the root), its ExecStart.
start_unit() { # unit log
  local unit="$root/lib/systemd/system/$1.service" env=()
  local line
  while IFS= read -r line; do
    env+=("$(printf '%s' "${line#Environment=}" | sed "s|=/|=$root/|")")
  done < <(grep '^Environment=' "$unit")
  local exec
  exec="$root$(sed -n 's/^ExecStart=//p' "$unit")"
  local config="$root/etc/networktwin/${1#networktwin-}.json"
  # The site file's absolute paths point inside the root, as /etc and /var would on a real host.
  sed -i "s|\"/var/|\"$root/var/|g" "$config"
  printf '\n$ systemctl start %s   (as: %s %s)\n' "$1" "${as_unit[*]:-}" "$(sed -n 's/^ExecStart=//p' "$unit")" >>"$transcript"
  (cd "$root$(sed -n 's/^WorkingDirectory=//p' "$unit")" && exec "${as_unit[@]}" env -i PATH=/usr/bin:/bin HOME=/nonexistent \
    NETWORKTWIN_CONFIG_FILE="$config" "${env[@]}" "$exec") >"$work/$2.log" 2>&1 &
  pids+=($!)
}

start_unit networktwin-central central
ready=""
for _ in $(seq 1 60); do
  if "$cli" version --coordinator "https://127.0.0.1:$grpc" --ca "$pki/ca.pem" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 1
done
[ -n "$ready" ] || { cat "$work/central.log" >>"$transcript"; fail "the coordinator did not answer on https://127.0.0.1:$grpc"; }
step "$cli" version --coordinator "https://127.0.0.1:$grpc" --ca "$pki/ca.pem"

# The site's broker, with the settings the agent's package ships for it (README step 4).
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\ninclude_dir %s\n' "$broker" "$work/mosquitto.d" >"$work/mosquitto.conf"
mkdir -p "$work/mosquitto.d"
step cp "$root/usr/share/networktwin/mosquitto/networktwin.conf" "$work/mosquitto.d/" || fail "the agent's package has no broker settings"
mosquitto_bin="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
"$mosquitto_bin" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)

start_unit networktwin-agent agent

# 5. See it: a context, then the agent at the coordinator, a capture replayed, the links read back.
export NETWORKTWIN_CLI_CONFIG="$work/cli-config.yaml"
export COLUMNS=200
step "$cli" context set prod --coordinator "https://127.0.0.1:$grpc" --token-file "$work/noc.token" --ca "$pki/ca.pem" || fail "context set"
registered=""
for _ in $(seq 1 60); do
  if "$cli" -o json agents 2>/dev/null | grep -q '"agentId": "du-paris-1"'; then registered=yes; break; fi
  sleep 1
done
[ -n "$registered" ] || { cat "$work/agent.log" >>"$transcript"; fail "the agent did not register over TLS with its token"; }
step "$cli" agents

step "$cli" lab generate fronthaul --out "$work/capture" --cells 8 --links 2 --cells-per-ru 4 --seconds 16 --seed 3 || fail "generate"
step "$cli" lab replay --data "$work/capture" --broker "127.0.0.1:$broker" --site paris --speed 1 --format binary || fail "replay"

# The agent's links reach the coordinator; its link map (rediscovered here at once, not at its 30 s round) names them.
links=""
for _ in $(seq 1 60); do
  "$cli" topology --refresh >/dev/null 2>&1 || true
  links="$("$cli" -o json links 2>/dev/null || true)"
  last="$links"
  if printf '%s' "$links" | python3 -c 'import json,sys; d=json.load(sys.stdin)["links"]; sys.exit(0 if d and all(l["agentId"]=="du-paris-1" and l["link"]["capacityGbps"]>0 and l["discoveredLinkId"]>0 for l in d) else 1)' 2>/dev/null; then break; fi
  links=""
  sleep 1
done
if [ -z "$links" ]; then
  # What an operator would look at: the coordinator's view, the agent's own view and logs, the broker's log.
  {
    printf '\n# the last answer of networktwin -o json links:\n%s\n' "$last"
    "$cli" topology 2>&1 || true
    env NETWORKTWIN_CONFIG_FILE="$root/etc/networktwin/agent.json" COLUMNS=160 "$cli" agent status 2>&1 || true
    echo "# agent log:"; cat "$root"/var/log/networktwin/agent/*.log 2>/dev/null | tail -n 30
    echo "# coordinator log:"; cat "$root"/var/log/networktwin/central/*.log 2>/dev/null | tail -n 15
    echo "# broker log:"; grep -v -i 'new client\|new connection\|disconnect' "$work/mosquitto.log" || true
  } >>"$transcript"
  fail "the links of du-paris-1 did not reach the coordinator's link map (diagnostics at the end of $transcript)"
fi
# The broker held everything for the agent (its settings from the package, step 4), so the links rest on all of it.
if grep -q 'being dropped' "$work/mosquitto.log"; then
  grep 'being dropped' "$work/mosquitto.log" >>"$transcript"
  fail "the broker dropped telemetry meant for the agent despite the package's broker settings"
fi
step "$cli" topology
step "$cli" -o json links
step "$cli" links
step env NETWORKTWIN_CONFIG_FILE="$root/etc/networktwin/agent.json" COLUMNS=160 "$cli" agent status || true

# README step 6: with the context, a design run goes to the coordinator and lands in the team's shared history.
intent="$(find "$root" -name metro-8.yaml -print -quit)"
[ -n "$intent" ] || fail "the CLI's package has no example intents"
step "$cli" design recommend --intent "$intent" || fail "design recommend at the coordinator"
grep -q "in the history at https://127.0.0.1:$grpc" "$transcript" || fail "design recommend did not run at the context's coordinator"
step "$cli" design report || fail "design report"

count="$(printf '%s' "$links" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["links"]))')"
echo "quick start done literally: 3 packages installed into a fresh root, coordinator on 0.0.0.0:$grpc with TLS and tokens, agent registered over TLS with its token, a generated capture replayed through mosquitto, $count link(s) read back with networktwin -o json links, a design recommended at the coordinator and its learning report read back; transcript $transcript"

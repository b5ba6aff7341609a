#!/usr/bin/env bash
# Host tier: alcove as a rootless OCI runtime. A non-root user (uid 65534)
# writes a config with `alcove spec --rootless`, then runs it and drives
# create/start/state/kill/delete: root inside maps to the caller outside,
# no cgroup is made (this host delegates none), a limit is refused in one
# line, and nothing is left. Needs root to drop to that user; prints TAP.
#   tests/oci/rootless.sh BINARY [LABEL]
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
TAP_NAME="oci-rootless[${2:-$(basename "$bin")}]"
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root (to drop to uid 65534)"
  exit 0
fi
tmp=$(mktemp -d /tmp/oci-rootless.XXXXXX)
chmod 755 "$tmp"
install -m 755 "$bin" "$tmp/alcove"
cp "$here/../lib/bundle.sh" "$tmp/bundle.sh"
mkdir -m 777 "$tmp/home"
cleanup() {
  pkill -KILL -u 65534 -f "$tmp/" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# as_user SCRIPT: runs SCRIPT with bash as uid/gid 65534 in $tmp/home.
as_user() {
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    env HOME="$tmp/home" A="$tmp/alcove --root $tmp/home/state" B="$tmp/home/b" \
    bash -c "cd '$tmp/home' && . '$tmp/bundle.sh' && $1"
}
groups_named() { find /sys/fs/cgroup -maxdepth 3 -name "$1" 2>/dev/null | tr '\n' ' '; }

out=$(as_user 'bundle_rootfs "$B" && $A spec --rootless --bundle "$B" && jq -c ".linux.uidMappings, .linux.namespaces" "$B/config.json"' 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [[ $out == *'"hostID":65534'* ]] && [[ $out == *'"type":"user"'* ]]
report $? "spec --rootless maps the caller's uid (65534) in a user namespace" "rc=$rc out=$out"
as_user 'jq ".process.args = [\"sh\", \"-c\", \"id -u; cat /proc/self/uid_map; exit 6\"] | .process.terminal = false" "$B/config.json" >c && mv c "$B/config.json"'
out=$(as_user '$A run --bundle "$B" r1' 2>&1)
rc=$?
map=$(echo "$out" | sed -n 2p | tr -s ' ' | sed 's/^ //')
[ "$rc" -eq 6 ] && [ "$(echo "$out" | head -1)" = 0 ] && [ "$map" = "0 65534 1" ] && [ -z "$(groups_named r1)" ]
report $? "run as uid 65534: root inside, 65534 outside, status passed through, no cgroup made" \
  "rc=$rc out=$out groups=$(groups_named r1)"
as_user 'jq ".process.args = [\"sleep\", \"300\"]" "$B/config.json" >c && mv c "$B/config.json"'
out=$(as_user '$A create --bundle "$B" c1 </dev/null >/dev/null 2>&1 && $A start c1 && $A state c1 | jq -r .status' 2>&1)
pid=$(as_user '$A state c1 | jq -r .pid' 2>/dev/null)
owner=$(stat -c %u "/proc/$pid" 2>/dev/null)
[ "$out" = running ] && [ "$owner" = 65534 ]
report $? "create, start and state work rootless; the process is the caller's on the host" "out=$out pid=$pid owner=$owner"
out=$(as_user '$A kill c1 KILL; for i in $(seq 50); do [ "$($A state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done; $A delete c1 && ls state' 2>&1)
rc=$?
# dead: gone, or a zombie that whoever adopted alcove create's orphans has
# not reaped yet
dead() { [ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
[ "$rc" -eq 0 ] && [ -z "$out" ] && dead "$pid"
report $? "kill and delete work rootless and leave no state" \
  "rc=$rc out=$out $(grep State: "/proc/$pid/status" 2>/dev/null)"
as_user 'jq ".linux.resources = {memory: {limit: 67108864}}" "$B/config.json" >c && mv c "$B/config.json"'
out=$(as_user '$A create --bundle "$B" l1 </dev/null' 2>&1)
rc=$?
left=$(as_user 'ls state 2>/dev/null')
[ "$rc" -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && [ -z "$left" ] && [ -z "$(groups_named l1)" ]
report $? "a memory limit without a delegated cgroup is refused in one line, nothing left" \
  "rc=$rc out=$out left=$left groups=$(groups_named l1)"

echo "1..$n"
[ "$failed" -eq 0 ]

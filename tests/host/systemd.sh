#!/usr/bin/env bash
# Host tier: the systemd unit for alcove sched verifies with systemd's own
# checker, and its example configuration parses (the daemon then stops only
# because this machine has no such slices: exit 1, not the config error 2).
#   tests/host/systemd.sh BINARY        Prints TAP.
set -u
bin=$(readlink -f "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TAP_NAME="systemd"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# Verify a copy whose ExecStart names the binary under test.
sed "s|/usr/bin/alcove|$bin|" "$top/board/systemd/alcove-sched.service" >"$tmp/alcove-sched.service"
out=$(systemd-analyze verify --man=no "$tmp/alcove-sched.service" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
report $? "systemd-analyze verify accepts alcove-sched.service without a warning" "rc=$rc $out"
args=$(sed -n 's/^ExecStart=[^ ]* //p' "$top/board/systemd/alcove-sched.service")
[[ $args == "sched --config /etc/alcove/sched.conf --socket /run/alcove/sched.sock" ]]
report $? "ExecStart runs alcove sched with its config and socket" "got '$args'"
"$bin" sched --config "$top/board/systemd/sched.conf.example" --socket "$tmp/s.sock" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^alcove sched: managed group /sys/fs/cgroup/.*system.slice/audio.service' "$tmp/err" &&
  [ ! -e "$tmp/s.sock" ]
report $? "the example config parses; without those slices the daemon exits 1, leaving no socket" "rc=$rc $(cat "$tmp/err")"
[ "$failed" -eq 0 ]

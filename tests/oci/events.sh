#!/usr/bin/env bash
# Host tier: alcove events, its statistics checked against the cgroup files
# read directly, the streaming form's pace and its end with the container,
# an OOM kill reported as an "oom" line, and bad input. Root; prints TAP.
#   tests/oci/events.sh BINARY [LABEL]
set -u
bin=$(realpath "$1")
NAME=events
TAP_NAME="oci-events[${2:-$(basename "$bin")}]"
# shellcheck source=../lib/ocitest.sh
. "$(cd "$(dirname "$0")" && pwd)/../lib/ocitest.sh"
if [ -d /sys/fs/cgroup/unified ]; then
  mem() { cat "/sys/fs/cgroup/memory/$cgp/$1/memory.usage_in_bytes"; }
  pids() { cat "/sys/fs/cgroup/pids/$cgp/$1/pids.current"; }
  usage_ns() { echo $(($(sed -n 's/^usage_usec //p' "/sys/fs/cgroup/unified/$cgp/$1/cpu.stat") * 1000)); }
else
  mem() { cat "/sys/fs/cgroup/$cgp/$1/memory.current"; }
  pids() { cat "/sys/fs/cgroup/$cgp/$1/pids.current"; }
  usage_ns() { echo $(($(sed -n 's/^usage_usec //p' "/sys/fs/cgroup/$cgp/$1/cpu.stat") * 1000)); }
fi

# --stats: one line whose numbers are the cgroup's.
mkb e1 sh -c 'sleep 300 & sleep 300 & while :; do :; done'
A run --detach --bundle "$tmp/e1" e1 </dev/null >/dev/null 2>&1
for _ in $(seq 50); do [ "$(pids e1 2>/dev/null)" = 3 ] && break; sleep 0.05; done
m0=$(mem e1) u0=$(usage_ns e1)
A events --stats e1 >"$tmp/s1" 2>"$tmp/err"
rc=$?
m1=$(mem e1) u1=$(usage_ns e1)
A events --stats e1 >"$tmp/s2" 2>/dev/null
j() { jq -r "$1" "$2"; }
lo=$((m0 < m1 ? m0 : m1)) hi=$((m0 > m1 ? m0 : m1))
got_mem=$(j .data.memory.usage.usage "$tmp/s1") got_u=$(j .data.cpu.usage.total "$tmp/s1")
[ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/s1")" -eq 1 ] && [ "$(j .type "$tmp/s1")" = stats ] &&
  [ "$(j .id "$tmp/s1")" = e1 ] && [ "$(j .data.pids.current "$tmp/s1")" = 3 ] &&
  [ "$(j .data.pids.limit "$tmp/s1")" = 64 ] && [ "$(j .data.memory.usage.limit "$tmp/s1")" = 67108864 ]
report $? "events --stats: one stats line; pids current 3 and limit 64, memory limit 64 MiB, as the cgroup says" \
  "rc=$rc $(head -c 300 "$tmp/s1") $(cat "$tmp/err")"
[ "$got_mem" -ge $((lo / 2)) ] && [ "$got_mem" -le $((hi * 2)) ] && [ "$got_u" -ge "$u0" ] && [ "$got_u" -le "$u1" ] &&
  [ "$(j .data.cpu.usage.total "$tmp/s2")" -ge "$got_u" ]
report $? "events --stats: memory usage near the cgroup's, cpu usage between two direct reads and growing" \
  "mem $got_mem in $lo..$hi, cpu $got_u in $u0..$u1"
# The streaming form: a line per interval, ending with the container.
A events --interval 200ms e1 >"$tmp/stream" 2>&1 &
ev=$!
sleep 1.1
A kill e1 KILL
for _ in $(seq 60); do kill -0 "$ev" 2>/dev/null || break; sleep 0.05; done
! kill -0 "$ev" 2>/dev/null
ended=$?
wait "$ev"
rc=$?
lines=$(grep -c '"type":"stats"' "$tmp/stream")
[ "$ended" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$lines" -ge 4 ] && [ "$lines" -le 9 ]
report $? "events --interval 200ms: a stats line about every 200 ms ($lines in ~1.2 s), exit 0 when the container stops" \
  "ended=$ended rc=$rc lines=$lines"
A delete e1 >/dev/null 2>&1

# OOM: a child of the init is killed in the container's memory limit.
mkb o1 sh -c 'sleep 1; head -c 268435456 /dev/zero | sort >/dev/null; exec sleep 300'
edit o1 '.linux.resources.memory.limit = 16777216 | .linux.resources.memory.swap = 16777216'
A run --detach --bundle "$tmp/o1" o1 </dev/null >/dev/null 2>&1
A events --interval 5s o1 >"$tmp/oom" 2>&1 &
ev=$!
for _ in $(seq 100); do grep -q '"type":"oom"' "$tmp/oom" && break; sleep 0.1; done
grep -q '{"type":"oom","id":"o1"}' "$tmp/oom" && kill -0 "$ev" 2>/dev/null
report $? "an OOM kill in the container's cgroup gives an oom line while it keeps running" "$(cat "$tmp/oom")"
kill "$ev" 2>/dev/null
wait "$ev" 2>/dev/null
A delete --force o1 >/dev/null 2>&1

# Bad input.
run_cmd A events --stats nosuch
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *nosuch* ]]
report $? "events of an unknown id: one line naming it, exit 1" "rc=$rc err=$err"
run_cmd A events --interval 5 nosuch
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *"--interval 5"* ]]
report $? "a duration without a unit: one line naming --interval, exit 1" "rc=$rc err=$err"

echo "1..$n"
[ "$failed" -eq 0 ]

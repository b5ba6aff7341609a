#!/usr/bin/env bash
# Host tier: tini mode ("alcove init -- CMD" when alcove is not PID 1).
# Prints TAP. LAUNCHER is what runs a command under the reaper, e.g.
#   tests/host/init_reaper.sh build/native/tests/host/reaper_driver --
#   tests/host/init_reaper.sh build/x86_64-musl/alcove init --
# Checks: exit status propagation (N, 128+signal, 126/127), signals
# forwarded to the command, the command in its own process group, orphaned
# grandchildren reaped while the command runs (no Z left in /proc), the exit
# when the command exits while grandchildren linger (they get SIGTERM, then
# SIGKILL after the grace), no fd leaked into the command, no busy loop.
set -u
[ $# -ge 1 ] || { echo "usage: $0 LAUNCHER..." >&2; exit 2; }
launcher=("$@")
tmp=$(mktemp -d /tmp/alcove-init-svc-reaper.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
TAP_NAME="init-reaper"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds.
wait_for() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -le "$end" ] || return 1
    sleep 0.02
  done
}
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
gone() { [ ! -e "/proc/$1" ]; }
field() { sed 's/.*) //' "/proc/$1/stat" | awk -v f="$2" '{print $(f - 2)}'; } # field PID N of stat
has_lines() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

# run_rc CMD...: runs CMD under the reaper in the foreground; sets rc, err.
run_rc() { "${launcher[@]}" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; err=$(cat "$tmp/err"); }

run_rc sh -c 'exit 3'
[ "$rc" -eq 3 ] && [ -z "$err" ]
report $? "the command's exit status is alcove's" "rc=$rc err=$err"

run_rc true
[ "$rc" -eq 0 ]
report $? "exit 0 stays 0" "rc=$rc"

run_rc sh -c 'kill -KILL $$'
[ "$rc" -eq 137 ]
report $? "death by SIGKILL exits 128+9" "rc=$rc"

run_rc /nonexistent/cmd
[ "$rc" -eq 127 ] && [ "$err" = "alcove init: exec /nonexistent/cmd: No such file or directory" ]
report $? "a missing command exits 127 with one line" "rc=$rc err=$err"

run_rc "$tmp"
[ "$rc" -eq 126 ] && [ "$err" = "alcove init: exec $tmp: Permission denied" ]
report $? "a command that cannot run (a directory) exits 126" "rc=$rc err=$err"

# Signal forwarding: the command records each signal it gets.
cat >"$tmp/trapper.sh" <<'EOF'
log=$1
for s in HUP INT QUIT USR1 USR2 WINCH ALRM CONT; do trap "echo $s >>$log" $s; done
trap 'echo TERM >>$log; exit 7' TERM
echo "$$" >"$log.pid"
while :; do sleep 0.05; done
EOF
set -m # background jobs keep SIGINT and SIGQUIT (not ignored), as a terminal would
"${launcher[@]}" sh "$tmp/trapper.sh" "$tmp/sig" >"$tmp/out" 2>"$tmp/err" &
reaper=$!
set +m
pids+=("$reaper")
wait_for 10 test -s "$tmp/sig.pid"
child=$(cat "$tmp/sig.pid" 2>/dev/null)
sent=(HUP INT QUIT USR1 USR2 WINCH ALRM CONT)
for i in "${!sent[@]}"; do
  kill -s "${sent[$i]}" "$reaper"
  wait_for 5 has_lines "$tmp/sig" $((i + 1)) || break
done
[ "$(tr '\n' ' ' <"$tmp/sig" 2>/dev/null)" = "${sent[*]} " ]
report $? "HUP INT QUIT USR1 USR2 WINCH ALRM CONT reach the command" "got: $(tr '\n' ' ' <"$tmp/sig" 2>/dev/null)"

[ -n "$child" ] && [ "$(field "$child" 5)" = "$child" ] && [ "$(field "$child" 5)" != "$(field "$reaper" 5)" ] &&
  [ "$(field "$child" 4)" = "$reaper" ]
report $? "the command leads its own process group, as alcove's child" \
  "child=$child pgrp=$(field "$child" 5) reaper pgrp=$(field "$reaper" 5)"

fds=$(for f in /proc/"$child"/fd/*; do readlink "$f"; done | grep -c -e signalfd -e eventpoll)
[ "$fds" -eq 0 ]
report $? "no alcove fd (signalfd) leaks into the command" "$(ls -l /proc/"$child"/fd/ 2>&1 | tr '\n' '|')"

sleep 1 # idle: the reaper blocks in poll
ticks=$(($(field "$reaper" 14) + $(field "$reaper" 15)))
[ "$ticks" -le 20 ]
report $? "the reaper uses no CPU while it waits (no busy loop)" "utime+stime=$ticks ticks"

kill -TERM "$reaper"
wait "$reaper"
rc=$?
[ "$rc" -eq 7 ] && [ "$(tail -n 1 "$tmp/sig")" = TERM ]
report $? "SIGTERM is forwarded and the command's exit status (7) returned" "rc=$rc"

"${launcher[@]}" sleep 100 >"$tmp/out" 2>&1 &
reaper=$!
pids+=("$reaper")
wait_for 5 pgrep -P "$reaper" -x sleep >/dev/null
kill -TERM "$reaper"
wait "$reaper"
rc=$?
[ "$rc" -eq 143 ]
report $? "a command killed by the forwarded SIGTERM exits 128+15" "rc=$rc"

# An orphaned grandchild: its parent exits at once, it lives 0.3 s more.
cat >"$tmp/orphan.sh" <<'EOF'
dir=$1
sh -c "sleep 0.3 & echo \$! >$dir/gc"
while [ ! -e "$dir/stop" ]; do sleep 0.02; done
exit 4
EOF
"${launcher[@]}" sh "$tmp/orphan.sh" "$tmp" >"$tmp/out" 2>&1 &
reaper=$!
pids+=("$reaper")
wait_for 5 test -s "$tmp/gc"
gc=$(cat "$tmp/gc")
ppid=$(field "$gc" 4)
wait_for 5 gone "$gc"
reaped=$?
alive "$reaper"
still=$?
touch "$tmp/stop"
wait "$reaper"
rc=$?
[ "$ppid" = "$reaper" ] && [ "$reaped" -eq 0 ] && [ "$still" -eq 0 ] && [ "$rc" -eq 4 ]
report $? "an orphaned grandchild is adopted and reaped while the command runs (no zombie)" \
  "ppid=$ppid reaper=$reaper reaped=$reaped reaper_alive=$still rc=$rc"

# The command exits while a grandchild lingers in its own session.
rm -f "$tmp/gc"
start=$(date +%s%N)
run_rc sh -c "setsid sleep 100 & echo \$! >$tmp/gc; exit 5"
ms=$((($(date +%s%N) - start) / 1000000))
gc=$(cat "$tmp/gc")
gone "$gc" && [ "$rc" -eq 5 ] && [ "$ms" -lt 1500 ]
report $? "exits with the command's status when it exits; a lingering grandchild gets SIGTERM" \
  "rc=$rc ms=$ms gc=$gc state=$(field "$gc" 3 2>/dev/null)"

rm -f "$tmp/gc"
start=$(date +%s%N)
run_rc sh -c "setsid sh -c 'trap \"\" TERM; echo \$\$ >$tmp/gc; exec sleep 100' & while [ ! -s $tmp/gc ]; do sleep 0.01; done; exit 6"
ms=$((($(date +%s%N) - start) / 1000000))
gc=$(cat "$tmp/gc")
gone "$gc" && [ "$rc" -eq 6 ] && [ "$ms" -ge 1500 ] && [ "$ms" -lt 6000 ]
report $? "a grandchild that ignores SIGTERM is killed after the 2 s grace" "rc=$rc ms=$ms gc=$gc"

echo "1..$n"
[ "$failed" -eq 0 ]

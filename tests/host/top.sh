#!/bin/sh
# alcove top against a running alcove sched on real cgroups: a CPU hog in a
# batch group next to an idle latency group. --once's frame is checked
# against the cgroup files; the interactive view runs in a detached tmux
# pane, quits on q and leaves the terminal as it found it.
#   tests/host/top.sh          needs root and ALCOVE (default: alcove in PATH)
# Prints TAP; exit 1 on a failure. Leaves nothing under /sys/fs/cgroup.
set -u
ALCOVE=${ALCOVE:-alcove}
ALCOVE=$(cd "$(dirname "$ALCOVE")" && pwd)/$(basename "$ALCOVE")
T=$(mktemp -d /tmp/alcove-top-tests.XXXXXX)
G=alcove-top-test
TAP_NAME=top
SESSION=alcove-top-test-$$
dpid=""
# shellcheck source=../lib/schedgroups.sh
. "$(dirname "$0")/../lib/schedgroups.sh"

cleanup() {
  command -v tmux >/dev/null && tmux kill-session -t "$SESSION" 2>/dev/null
  if [ -n "$dpid" ]; then kill -TERM "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; fi
  rmgroups
  rm -rf "$T"
}
trap cleanup EXIT

# Without a daemon: one line naming the socket, exit 1.
"$ALCOVE" top --once --socket "$T/none.sock" >"$T/out" 2>"$T/err"
rc=$?
check "without a daemon it exits 1 with one line naming the socket" "rc=$rc $(cat "$T/err")" \
  sh -c "[ $rc -eq 1 ] && [ \"\$(wc -l <'$T/err')\" -eq 1 ] && grep -q '$T/none.sock' '$T/err' && [ ! -s '$T/out' ]"

# A bad flag: exit 2 with the usage line.
"$ALCOVE" top --bogus >"$T/out" 2>"$T/err"
rc=$?
check "a bad flag exits 2 with the usage line" "rc=$rc $(cat "$T/err")" \
  sh -c "[ $rc -eq 2 ] && grep -q '^usage: alcove top ' '$T/err'"
"$ALCOVE" top --interval 0 >"$T/out" 2>"$T/err"
rc=$?
check "a bad --interval exits 2" "rc=$rc $(cat "$T/err")" [ $rc -eq 2 ]

mkgroups
"$ALCOVE" sched --group $G/lat=latency --group $G/batch=batch --budget 1.5 \
  --socket "$T/s.sock" 2>"$T/daemon.err" &
dpid=$!
wait_for 5 test -S "$T/s.sock"
check "the daemon starts" "$(cat "$T/daemon.err")" test -S "$T/s.sock"
spawn batch

# --once: one frame with both groups, the hog's bar filled, the file's quota.
# The daemon may move the quota while top reads it: retry until the file
# held one value across the whole frame.
frame_ok() {
  q0=$(quota batch)
  COLUMNS=120 "$ALCOVE" top --once --interval 500 --socket "$T/s.sock" >"$T/frame" 2>"$T/err" || return 1
  [ "$(quota batch)" = "$q0" ] || return 1
  awk -v g="$G/batch" -v q="$q0" '$1 == g && $8 == q { f = 1 } END { exit !f }' "$T/frame"
}
wait_for 10 frame_ok
check "--once shows the batch group with the quota its cgroup file holds" \
  "file $(quota batch); $(cat "$T/frame" "$T/err")" frame_ok
check "--once shows the latency group" "$(cat "$T/frame")" grep -q "^$G/lat  *latency " "$T/frame"
check "--once starts with a header naming the socket" "$(head -1 "$T/frame")" \
  sh -c "head -1 '$T/frame' | grep -q '^alcove top .*socket $T/s.sock'"
hog_bar() { # the batch row's bar has a '#' and its usage is above 0.01 CPU
  awk -v g="$G/batch" '$1 == g { split($4, u, "/"); if ($3 ~ /#/ && u[1] + 0 > 0.01) f = 1 } END { exit !f }' "$T/frame"
}
check "the hog's group shows a nonzero usage bar" "$(grep "$G/batch" "$T/frame")" hog_bar
idle_bar() { awk -v g="$G/lat" '$1 == g && $3 == "[..........]" { f = 1 } END { exit !f }' "$T/frame"; }
check "the idle latency group's bar is empty" "$(grep "$G/lat" "$T/frame")" idle_bar
check "--once writes no terminal control" "$(od -c "$T/frame" | head -3)" \
  sh -c "! grep -q \"\$(printf '\\033')\" '$T/frame'"

# Interactive, in a real terminal: tmux.
if ! command -v tmux >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux) >/dev/null 2>&1
fi
if command -v tmux >/dev/null; then
  tmux new-session -d -s "$SESSION" -x 120 -y 30 "sh"
  tmux send-keys -t "$SESSION" "$ALCOVE top --interval 200 --socket $T/s.sock; echo top-exit=\$?" Enter
  shows_groups() {
    tmux capture-pane -p -t "$SESSION" >"$T/pane"
    grep -q "^$G/batch " "$T/pane" && grep -q "^$G/lat " "$T/pane"
  }
  wait_for 5 shows_groups
  check "the live view shows both groups in a tmux pane" "$(cat "$T/pane")" shows_groups
  top_pid=$(pgrep -f "alcove top --interval 200 --socket $T/s.sock" | head -1)
  check "alcove top runs in the pane" "no process" [ -n "$top_pid" ]
  tmux send-keys -t "$SESSION" q
  gone() { ! kill -0 "$top_pid" 2>/dev/null; }
  wait_for 5 gone
  check "q makes it exit" "pid $top_pid still there" gone
  tmux send-keys -t "$SESSION" "stty -a | tr ';' '\n' | grep -o -- '-\?icanon\|-\?echo\b' | tr '\n' ' '; echo" Enter
  restored() {
    tmux capture-pane -p -t "$SESSION" >"$T/pane"
    grep -q "top-exit=0" "$T/pane" && grep -q "^icanon echo *$" "$T/pane"
  }
  wait_for 5 restored
  check "after q it exits 0 and stty shows icanon echo again" "$(cat "$T/pane")" restored
  # Ctrl-C restores the terminal too.
  tmux send-keys -t "$SESSION" "clear; $ALCOVE top --interval 200 --socket $T/s.sock; echo top-exit=\$?" Enter
  wait_for 5 shows_groups
  top_pid=$(pgrep -f "alcove top --interval 200 --socket $T/s.sock" | head -1)
  tmux send-keys -t "$SESSION" C-c
  wait_for 5 gone
  tmux send-keys -t "$SESSION" "stty -a | tr ';' '\n' | grep -o -- '-\?icanon\|-\?echo\b' | tr '\n' ' '; echo" Enter
  wait_for 5 restored
  check "Ctrl-C exits 0 and restores icanon echo" "$(cat "$T/pane")" restored
  tmux kill-session -t "$SESSION"
else
  not_ok "tmux is available for the interactive checks" "apt-get install tmux failed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]

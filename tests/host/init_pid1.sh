#!/bin/bash
# alcove init as PID 1 of a new pid+mount+uts namespace on this host (in a
# child pid namespace reboot(2) ends the namespace, not the machine), with
# a temporary services directory and its own cgroup subtree. Asserted from
# what the services see (/proc/self/cgroup, their signals), the cgroup
# files, alcove ctl and the namespace's end.
#   tests/host/init_pid1.sh     needs root and ALCOVE (default: alcove in PATH)
# Prints TAP; exit 1 on a failure. Leaves no cgroup, process or file behind.
set -u
ALCOVE=${ALCOVE:-alcove}
ALCOVE=$(cd "$(dirname "$ALCOVE")" && pwd)/$(basename "$ALCOVE")
T=$(mktemp -d /tmp/alcove-init-pid1.XXXXXX)
chmod 755 "$T"
G=init-pid1-test-$$
CG=/sys/fs/cgroup
TAP_NAME=init-pid1
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
if grep -q " $CG/unified cgroup2 " /proc/mounts; then V2=$CG/unified MEM=$CG/memory PIDS=$CG/pids CPU=$CG/cpu
else V2=$CG MEM=$CG PIDS=$CG CPU=$CG; fi
upid="" ipid=""

check() { # check NAME DETAIL COMMAND...: one TAP line from COMMAND's status
  local name=$1 detail=$2
  shift 2
  "$@"
  report $? "$name" "$detail"
}
wait_for() { # wait_for SECONDS COMMAND...: polls COMMAND every 50 ms
  local end=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$end" ] || return 1
    sleep 0.05
  done
}
ctl() { "$ALCOVE" ctl --socket "$T/init.sock" "$@"; }
state() { ctl status | awk -v s="$1" '$1 == s { print $2 }'; }
nspid() { ctl status | awk -v s="$1" '$1 == s { print $3 }'; }
is_state() { [ "$(state "$1")" = "$2" ]; }
stray_groups() { find "$CG" -maxdepth 3 -name "$G*" 2>/dev/null; }
boot() { # boot: alcove init as PID 1 of a new namespace; sets upid and ipid
  rm -f "$T/init.sock"
  unshare -fpmu --propagation private "$ALCOVE" init --services "$T/svc" \
    --socket "$T/init.sock" --cgroup "$G" ${BOOTCONF:+--config "$BOOTCONF"} >"$T/init.log" 2>&1 &
  upid=$!
  wait_for 10 test -S "$T/init.sock"
  ipid=$(pgrep -P "$upid")
}
ended() { ! kill -0 "$upid" 2>/dev/null; }
cleanup() {
  [ -n "$ipid" ] && kill -KILL "$ipid" 2>/dev/null
  [ -n "$upid" ] && wait "$upid" 2>/dev/null
  for d in $(stray_groups | sort -r); do rmdir "$d/"* "$d" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT

# Outside PID 1: refused, nothing done.
"$ALCOVE" init --services "$T/svc" >"$T/out" 2>"$T/err"
rc=$?
check "outside PID 1 alcove init exits 1 with one line" "rc=$rc $(cat "$T/err")" \
  eval '[ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "not PID 1" "$T/err"'
"$ALCOVE" init --bogus >"$T/out" 2>"$T/err"
rc=$?
check "a bad flag exits 2 with the usage line" "rc=$rc" eval '[ $rc -eq 2 ] && grep -q "^usage: alcove" "$T/err"'
"$ALCOVE" ctl --socket "$T/none.sock" status >"$T/out" 2>"$T/err"
rc=$?
check "ctl without init exits 1 naming the socket" "rc=$rc $(cat "$T/err")" \
  eval '[ $rc -eq 1 ] && grep -q "$T/none.sock" "$T/err"'

mkdir -p "$T/svc"
cat >"$T/svc/prep.conf" <<EOF
type = oneshot
exec = /bin/sh -c 'echo prep-start >>$T/order; sleep 0.4; echo prep-done >>$T/order'
EOF
cat >"$T/svc/web.conf" <<EOF
exec = /bin/sh -c 'trap "echo TERM >>$T/web.term; echo web >>$T/stops; exit 0" TERM; echo web >>$T/order; echo \$\$ >$T/web.pid; cat /proc/self/cgroup >$T/web.cgroup; echo hello from web; while :; do sleep 0.05; done'
requires = prep
memory = 64M
pids = 32
cpus = 0.5
log = ring
EOF
cat >"$T/svc/worker.conf" <<EOF
exec = /bin/sh -c 'trap "echo TERM >>$T/worker.term; exit 0" TERM; sleep 0.3; echo ready >&3; exec 3>&-; while :; do sleep 0.05; done'
after = web
ready = fd:3
class = latency
EOF
cat >"$T/svc/crash.conf" <<EOF
exec = /bin/sh -c 'date +%s%N >>$T/crash.starts; exit 3'
restart = always
restart-limit = 3
restart-delay = 100ms
EOF
# A finished oneshot that required web must not hold web up at shutdown.
cat >"$T/svc/announce.conf" <<EOF
type = oneshot
requires = web
exec = /bin/true
EOF
cat >"$T/svc/orphan.conf" <<EOF
type = oneshot
exec = /bin/sh -c '(sleep 0.2 &) ; exit 0'
EOF
printf 'exec = /bin/true\nbogus = 1\n' >"$T/svc/bad.conf"
cat >"$T/svc/stubborn.conf" <<EOF
exec = /bin/sh -c 'trap "" TERM; while :; do sleep 0.05; done'
stop-timeout = 300ms
EOF
cat >"$T/svc/missing.conf" <<EOF
exec = $T/no-such-command
restart = no
EOF
cat >"$T/svc/badcwd.conf" <<EOF
exec = /bin/true
workdir = $T/no-such-dir
restart = no
EOF

boot
check "init boots as PID 1 and answers on its control socket" "$(cat "$T/init.log")" \
  eval '[ -n "$ipid" ] && grep -q "^NSpid:.*[[:space:]]1$" /proc/$ipid/status'
wait_for 15 is_state worker ready
check "services come up: web running, worker ready (fd:3)" "$(ctl status 2>&1)" \
  eval 'is_state web running && is_state worker ready && is_state prep exited'
check "the oneshot finished before its dependant started" "$(cat "$T/order")" \
  eval '[ "$(cat "$T/order")" = "$(printf "prep-start\nprep-done\nweb")" ]'
wait_for 10 eval 'is_state missing failed && is_state badcwd failed'
check "a command that is not there fails its start (exec's error), leaving no cgroup" \
  "$(ctl status missing; grep missing: "$T/init.log")" \
  eval 'is_state missing failed && grep -q "missing: cannot start: exec $T/no-such-command: No such file or directory" "$T/init.log" && [ ! -d "$V2/$G/missing" ]'
check "a workdir that is not there fails the start before exec, leaving no cgroup" \
  "$(ctl status badcwd; grep badcwd: "$T/init.log")" \
  eval 'is_state badcwd failed && grep -q "badcwd: cannot start: chdir $T/no-such-dir: No such file or directory" "$T/init.log" && [ ! -d "$V2/$G/badcwd" ]'
check "a bad service file is reported with file:line and the boot goes on" "$(cat "$T/init.log")" \
  eval 'grep -q "$T/svc/bad.conf:2: unknown key .bogus." "$T/init.log" && is_state bad failed'
check "ctl status shows web's own pid (as the namespace numbers it)" "$(ctl status)" \
  eval '[ "$(nspid web)" = "$(cat "$T/web.pid")" ]'
check "web runs in its own cgroup, as /proc/self/cgroup shows it" "$(cat "$T/web.cgroup")" \
  eval 'grep -q "^0::/$G/web$" "$T/web.cgroup" && { [ $MEM = $CG ] || grep -q "memory:/$G/web$" "$T/web.cgroup"; }'
if [ $MEM = $CG ]; then
  lim() { echo "$(cat $CG/$G/web/memory.max) $(cat $CG/$G/web/pids.max) $(cut -d' ' -f1 $CG/$G/web/cpu.max)"; }
else
  lim() { echo "$(cat $MEM/$G/web/memory.limit_in_bytes) $(cat $PIDS/$G/web/pids.max) $(cat $CPU/$G/web/cpu.cfs_quota_us)"; }
fi
check "web's limits are in its cgroup files (64M, 32 pids, 0.5 CPU)" "$(lim)" \
  eval '[ "$(lim)" = "67108864 32 50000" ]'
check "the spawn placed it with clone3(CLONE_INTO_CGROUP)" "$(grep web: "$T/init.log")" \
  grep -q "web: started (pid .*, cgroup $G/web, clone3)" "$T/init.log"
check "init itself moved into a leaf group" "$(cat /proc/$ipid/cgroup)" \
  grep -q "^0::/$G/init.scope$" "/proc/$ipid/cgroup"
ctl status worker >"$T/worker.status"
check "the latency class is handed to the scheduler (status shows class and quota)" "$(cat "$T/worker.status")" \
  eval 'grep -q "^class: latency$" "$T/worker.status" && grep -Eq "^quota: (max|[0-9.]+)$" "$T/worker.status"'
"$ALCOVE" top --once --socket "$T/init.sock" >"$T/top" 2>&1
check "alcove top reads init's scheduled groups" "$(cat "$T/top")" grep -q "/worker  *latency " "$T/top"
ctl sched >"$T/sched" 2>&1
ctl sched log >"$T/schedlog" 2>&1
slog=$?
ndec=$(sed -n 's/^decisions \([0-9]*\),.*/\1/p' "$T/sched")
check "ctl sched lists the scheduled group; ctl sched log prints one line per decision" \
  "$(cat "$T/sched" "$T/schedlog")" \
  eval '[ $slog -eq 0 ] && grep -q "/worker  *latency " "$T/sched" && [ -n "$ndec" ] &&
    [ "$(grep -c " quota .* -> .* us, burst " "$T/schedlog")" -eq "$(wc -l <"$T/schedlog")" ] &&
    [ "$(wc -l <"$T/schedlog")" -le "$ndec" ]'
ctl sched bogus >"$T/sched.err" 2>&1
sbad=$?
check "ctl sched with a bad argument exits 1 naming it" "rc=$sbad $(cat "$T/sched.err")" \
  eval '[ $sbad -eq 1 ] && grep -q "bogus" "$T/sched.err"'

# A crash loop: restarted with growing delays, then given up.
wait_for 15 is_state crash failed
check "a crashing service is restarted 3 times, then given up" "$(ctl status crash) $(wc -l <"$T/crash.starts")" \
  eval '[ "$(wc -l <"$T/crash.starts")" -eq 4 ] && grep -q "gave up after 3 restarts" "$T/init.log"'
mapfile -t st <"$T/crash.starts"
d1=$(((st[1] - st[0]) / 1000000)) d3=$(((st[3] - st[2]) / 1000000))
check "its restart delays grow (first ${d1} ms, third ${d3} ms)" "" eval '[ $d1 -ge 90 ] && [ $d3 -ge $((d1 * 2)) ]'

# Control: stop, start, restart, log; errors exit 1.
old=$(nspid web)
ctl stop web >/dev/null
wait_for 10 is_state web exited
check "ctl stop sends SIGTERM and web stays down" "$(ctl status web)" \
  eval 'is_state web exited && [ "$(cat "$T/web.term")" = TERM ] && [ ! -d "$V2/$G/web" ]'
ctl start web >/dev/null
wait_for 10 is_state web running
check "ctl start brings it back with a new process" "$(ctl status web)" eval '[ -n "$(nspid web)" ] && [ "$(nspid web)" != "$old" ]'
old=$(nspid web)
ctl restart web >/dev/null
wait_for 10 eval '[ "$(nspid web)" != "$old" ] && is_state web running'
check "ctl restart stops (SIGTERM) and starts it again" "$(ctl status web)" \
  eval '[ "$(nspid web)" != "$old" ] && [ "$(grep -c TERM "$T/web.term")" -eq 2 ]'
check "ctl log prints the ring of a log = ring service" "$(ctl log web 2>&1)" \
  eval '[ "$(ctl log web | grep -c "hello from web")" -ge 2 ]'
ctl stop stubborn >/dev/null
wait_for 10 is_state stubborn exited
check "a service that ignores SIGTERM is killed (cgroup.kill) after its stop-timeout" \
  "$(ctl status stubborn; grep stubborn "$T/init.log")" \
  eval 'is_state stubborn exited && grep -q "stubborn: did not stop in time: killed the cgroup" "$T/init.log" && [ ! -d "$V2/$G/stubborn" ]'
ctl stop nosuch >"$T/out" 2>"$T/err"
rc=$?
check "ctl on an unknown service exits 1 naming it" "rc=$rc $(cat "$T/err")" \
  eval '[ $rc -eq 1 ] && grep -q "no service .nosuch." "$T/err"'

# No zombies: the orphan the oneshot left was reaped. Only init's own
# children count: a service's shell reaps its own (a `sleep` between exit
# and the shell's wait is a zombie for a moment, and not init's to reap).
zombies() {
  nsenter -t "$ipid" -m -p sh -c 'for f in /proc/[0-9]*/status; do
    grep -q "^State:[[:space:]]*Z" "$f" && grep -q "^PPid:[[:space:]]*1$" "$f" && echo "$f"
  done' 2>/dev/null
}
no_zombies() { [ -z "$(zombies)" ]; }
wait_for 5 no_zombies
zr=$?
check "orphans are reaped: no zombie in the namespace" "$(zombies)" [ $zr -eq 0 ]

# SIGHUP: a new file starts, a removed one stops, a changed one restarts.
cat >"$T/svc/late.conf" <<EOF
exec = /bin/sh -c 'while :; do sleep 0.05; done'
EOF
rm "$T/svc/worker.conf" "$T/svc/crash.conf"
old=$(nspid web)
sed -i 's/^pids = 32$/pids = 33/' "$T/svc/web.conf"
kill -HUP "$ipid"
wait_for 10 eval 'is_state late running && [ -z "$(state worker)" ] && is_state web running && [ "$(nspid web)" != "$old" ]'
check "SIGHUP: a new file starts, a removed one stops, a changed one restarts" "$(ctl status)" \
  eval 'is_state late running && [ -z "$(state worker)" ] && [ "$(cat "$T/worker.term")" = TERM ] && [ "$(nspid web)" != "$old" ] && [ "$(cat $PIDS/$G/web/pids.max)" = 33 ]'

# Shutdown by SIGUSR2: services get SIGTERM first, the namespace ends.
terms=$(grep -c TERM "$T/web.term")
kill -USR2 "$ipid"
wait_for 15 ended
check "SIGUSR2: the services get SIGTERM and the namespace ends" "$(tail -5 "$T/init.log")" \
  eval 'ended && [ "$(grep -c TERM "$T/web.term")" -eq $((terms + 1)) ] && grep -q "powering off" "$T/init.log"'
wait "$upid" 2>/dev/null
ipid="" upid=""
check "nothing is left under $CG" "$(stray_groups)" test -z "$(stray_groups)"

# Second boot: a container service (rootfs =), pidfile readiness, and the
# shutdown order (dependants first) under ctl poweroff.
rm -f "$T/web.term" "$T/stops"
# shellcheck source=../lib/bundle.sh
. "$(dirname "$0")/../lib/bundle.sh"
bundle_rootfs "$T/box" "${BUSYBOX:-/bin/busybox}"
cat >"$T/svc/box.conf" <<END
rootfs = $T/box/rootfs
exec = /bin/sh -c 'echo \$\$ \$(hostname) >/tmp/id; cat /proc/self/cgroup >/tmp/cgroup; while :; do sleep 0.05; done'
END
cat >"$T/svc/tail.conf" <<END
exec = /bin/sh -c 'trap "echo tail >>$T/stops; exit 0" TERM; sleep 0.3; echo \$\$ >$T/tail.pid; while :; do sleep 0.05; done'
after = web
ready = pidfile:$T/tail.pid
END
printf 'ctrl-alt-del = none\n' >"$T/cad.conf"
BOOTCONF=$T/cad.conf boot
wait_for 15 eval 'is_state web running && is_state tail ready && is_state box running && [ -s "$T/box/rootfs/tmp/cgroup" ]'
kill -INT "$ipid" # handled before the status request that follows it
check "ctrl-alt-del = none: SIGINT changes nothing" "$(ctl status)" \
  eval 'is_state web running && ! grep -q stopping "$T/init.log"'
check "pidfile readiness: ready once the file names a live process" "$(ctl status tail)" \
  eval 'is_state tail ready && [ "$(nspid tail)" = "$(cat "$T/tail.pid")" ]'
check "rootfs = runs the service as a container (pid 1, its hostname, its cgroup)" \
  "$(cat "$T/box/rootfs/tmp/id" "$T/box/rootfs/tmp/cgroup" 2>&1)" \
  eval '[ "$(cat "$T/box/rootfs/tmp/id")" = "1 box" ] && grep -q "^0::/$G/box$" "$T/box/rootfs/tmp/cgroup"'
ctl poweroff >"$T/out"
wait_for 15 ended
check "ctl poweroff: SIGTERM to the services, then the namespace ends" "$(tail -3 "$T/init.log")" \
  eval 'ended && [ "$(cat "$T/web.term")" = TERM ] && grep -q "^poweroff$" "$T/out"'
check "services stop in reverse dependency order (tail, then web)" "$(cat "$T/stops")" \
  eval '[ "$(cat "$T/stops")" = "$(printf "tail\nweb")" ]'
wait "$upid" 2>/dev/null
ipid="" upid=""
check "no cgroup is left after ctl poweroff" "$(stray_groups)" test -z "$(stray_groups)"

# A fatal error (the services "directory" is a file): no emergency shell
# configured, so init keeps reaping and SIGTERM still reboots.
echo "not a directory" >"$T/notdir"
printf 'services = %s\nkill-timeout = 100\n' "$T/notdir" >"$T/init.conf"
rm -f "$T/init.sock"
unshare -fpmu --propagation private "$ALCOVE" init --config "$T/init.conf" --socket "$T/init.sock" \
  --cgroup "$G" >"$T/init.log" 2>&1 &
upid=$!
wait_for 10 grep -q "SIGTERM reboots" "$T/init.log"
ipid=$(pgrep -P "$upid")
check "a fatal error is logged and init stays up" "$(cat "$T/init.log")" \
  eval 'grep -q "fatal: .*$T/notdir" "$T/init.log" && kill -0 $ipid'
kill -TERM "$ipid"
wait_for 10 ended
check "SIGTERM reboots: the namespace ends" "$(tail -2 "$T/init.log")" eval 'ended && grep -q rebooting "$T/init.log"'
wait "$upid" 2>/dev/null
ipid="" upid=""
check "no cgroup is left after the fatal boot" "$(stray_groups)" test -z "$(stray_groups)"

# The emergency shell: a fatal error runs it on the console; its exit reboots.
printf '#!/bin/sh\necho shell ran >%s/shell.out\n' "$T" >"$T/shell"
chmod +x "$T/shell"
printf 'services = %s\nemergency-shell = yes\nshell = %s\n' "$T/notdir" "$T/shell" >"$T/init.conf"
unshare -fpmu --propagation private "$ALCOVE" init --config "$T/init.conf" --socket "$T/init.sock" \
  --cgroup "$G" >"$T/init.log" 2>&1 </dev/null &
upid=$!
wait_for 10 ended
check "emergency-shell = yes: a fatal error runs the shell, its exit reboots" "$(cat "$T/init.log")" \
  eval 'ended && [ "$(cat "$T/shell.out")" = "shell ran" ] && grep -q rebooting "$T/init.log"'
wait "$upid" 2>/dev/null
upid=""
echo "1..$n"
[ "$failed" -eq 0 ]

# alcove itself as PID 1 (issue #6), the boot half: services come up in
# dependency order with oneshots finished first and readiness (fd:3)
# honoured; a crash loop backs off (0.5 s, 1 s, 2 s, 2 s, then failed)
# without starving the others or the control socket; alcove ctl status
# tells each state; orphans are reaped and no zombie is left; a memory hog
# is OOM-killed in its own cgroup and a fork bomb is held by its pids limit
# while init and the rest keep running; alcove ctl poweroff gives the
# services SIGTERM in reverse dependency order, web before db (a finished
# oneshot that required web must not hold it up) and QEMU exits. Runs as the service "check".
# vm-init: alcove
# vm-arch: x86_64 aarch64
# vm-services: tests/vm/services/init_boot
# vm-files: build/@ARCH@-musl/tests/vm/guest/svctool:/bin/svctool tests/vm/services/bin:/svc
# vm-timeout: 150
# vm-expect: ALCOVE-VM TERM afterslow
# vm-expect: ALCOVE-VM RESULT \S+ init_boot \d+
# vm-expect-then: ALCOVE-VM TERM web
# vm-expect-then: ALCOVE-VM TERM db
# vm-expect-then: reboot: Power down
CASE=init_boot
. /svc/lib.sh
echo "init_boot: checker running as pid $$"

# The control socket answers while the crash loop is backing off.
slowest=0
for _ in 1 2 3 4 5; do
  t0=$(now_cs)
  alcove ctl status >/dev/null 2>&1 || slowest=9999
  dt=$(($(now_cs) - t0))
  [ "$dt" -le "$slowest" ] || slowest=$dt
  sleep 0.5
done
check ctl/answers-during-backoff "slowest alcove ctl status ${slowest}0 ms" [ "$slowest" -lt 100 ]

# Order: oneshots done before what requires them; web waits for db ready.
wait_for 60 has_event ready web
check order/setup-done-before-prep "" before done setup start prep
check order/prep-done-before-db "" before done prep start db
check order/db-ready-before-web "db signals ready 1 s after its start" before ready db start web
check order/web-ready "web signalled ready on fd 3" has_event ready web
check order/oneshot-after-ready "announce (requires web) ran after web was ready" \
  wait_for 20 before ready web done announce
check order/ticker-started-at-boot "no dependencies" [ -s /run/vm-ticks ]

# The crash loop: 1 start + 4 restarts, the gaps doubling to the 2 s
# ceiling, then failed for good.
wait_for 60 state_is crashloop failed
check crashloop/failed "state $(svc_state crashloop)" state_is crashloop failed
sleep 3 # nothing may restart it once it has given up
starts=$(wc -l </run/vm-crash)
gaps=$(awk 'NR > 1 { printf "%.2f ", $1 - p } { p = $1 }' /run/vm-crash)
check crashloop/starts "$starts starts" [ "$starts" -eq 5 ]
check crashloop/backoff "gaps $gaps(s) want >= 0.5 1 2 2, ceiling 2" \
  awk 'NR > 1 { g[NR - 1] = $1 - p } { p = $1 }
       END { exit !(g[1] >= 0.45 && g[2] >= 0.95 && g[3] >= 1.9 && g[4] >= 1.9 &&
                    g[4] < g[3] + 1.0) }' /run/vm-crash
# Not starved: afterslow starts at once after slow ends (mid-backoff),
# and the heartbeat never paused for long.
lag=$(awk -v a="$(event_time done slow)" -v b="$(event_time start afterslow)" \
  'BEGIN { if (a == "" || b == "") print 99; else printf "%.2f", b - a }')
check crashloop/others-start-promptly "afterslow started ${lag} s after slow ended" \
  awk -v l="$lag" 'BEGIN { exit !(l < 1.0) }'
first=$(head -n 1 /run/vm-crash)
last=$(tail -n 1 /run/vm-crash)
maxgap=$(awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b + 1 { if (n++ && $1 - p > m) m = $1 - p; p = $1 }
  END { printf "%.2f", m }' /run/vm-ticks)
check crashloop/ticker-not-starved "largest heartbeat gap ${maxgap} s (every 0.2 s)" \
  awk -v m="$maxgap" 'BEGIN { exit !(m < 1.5) }'

# The memory hog: killed by the OOM killer inside its own memory cgroup.
tpid=$(oldest_pid '/bin/sh /svc/ticker.sh')
wait_for 60 state_is memhog failed
check oom/memhog-failed "state $(svc_state memhog)" state_is memhog failed
oom=$(dmesg | grep 'oom-kill:' | grep 'task=svctool' | tail -n 1)
check oom/killed-in-memcg "${oom#*oom-kill:}" sh -c "echo '$oom' | grep -q 'constraint=CONSTRAINT_MEMCG'"
mib=$(cat /run/vm-memhog 2>/dev/null || echo 0)
check oom/held-at-limit "touched $mib MiB under memory = 24M" [ "$mib" -ge 8 -a "$mib" -le 28 ]
check oom/init-alive "PID 1 runs $(readlink /proc/1/exe)" cmp -s /proc/1/exe /bin/alcove
check oom/others-alive "ticker pid $tpid alive, web $(svc_state web)" \
  sh -c "[ -n '$tpid' ] && kill -0 '$tpid' && [ '$(svc_state web)' = ready ]"

# The fork bomb: held by pids = 16.
wait_for 60 test -s /run/vm-forkbomb
read -r forks why </run/vm-forkbomb
fpid=$(oldest_pid '/bin/svctool forkbomb')
cg=$(pid_cgroup "$fpid")
pmax=$(cat "$cg/pids.max" 2>/dev/null)
pcur=$(cat "$cg/pids.current" 2>/dev/null)
check pids/held "forked $forks, then $why; $cg pids.max $pmax pids.current $pcur" \
  [ "$pmax" = 16 -a "$pcur" -le 16 -a "$forks" -le 15 -a "$why" = EAGAIN ]
check pids/others-alive "a new process can start; web $(svc_state web)" sh -c 'true'
alcove ctl stop forkbomb
forkbomb_gone() { [ -z "$(pids_of '/bin/svctool forkbomb')" ]; }
check pids/stop-kills-all "alcove ctl stop forkbomb: its $forks children too" wait_for 20 forkbomb_gone

# Orphans: a grandchild whose parent exits is reparented to PID 1 and reaped.
orphan=$(sh -c 'sleep 2 >/dev/null 2>&1 & echo $!')
ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$orphan/status" 2>/dev/null)
check orphans/reparented-to-init "orphan $orphan has PPid $ppid" [ "$ppid" = 1 ]
check orphans/reaped "orphan $orphan gone from /proc" wait_for 15 sh -c "! [ -e /proc/$orphan ]"

# alcove ctl status: the state of each kind of service.
echo "init_boot: alcove ctl status:"
alcove ctl status
check status/exit-0 "" alcove ctl status >/dev/null
check status/ready-fd "web $(svc_state web), db $(svc_state db) (ready = fd:3)" \
  sh -c "[ '$(svc_state web)' = ready ] && [ '$(svc_state db)' = ready ]"
check status/simple-running "ticker $(svc_state ticker) (ready = none)" state_is ticker running
check status/oneshot-exited "setup $(svc_state setup)" state_is setup exited
check status/stopped-exited "forkbomb $(svc_state forkbomb)" state_is forkbomb exited
restarts=$(alcove ctl status | awk '$1 == "crashloop" { print $4 }')
check status/restarts "crashloop RESTARTS $restarts" [ "$restarts" = 4 ]
check status/columns "header: $(alcove ctl status | head -n 1)" \
  sh -c 'alcove ctl status | head -n 1 | grep -q "^NAME  *STATE  *PID  *RESTARTS  *CPU  *MEMORY  *CLASS  *QUOTA"'
wpid=$(alcove ctl status web | sed -n 's/^pid: //p')
check status/detail-pid "alcove ctl status web: pid $wpid" [ "$wpid" = "$(oldest_pid '/bin/sh /svc/daemon.sh web')" ]
check status/unknown-service "alcove ctl status nosuch exits 1" \
  sh -c '! alcove ctl status nosuch >/dev/null 2>&1'

check zombies/none "zombies: $(zombies | tr '\n' ' ')" wait_for 10 no_zombies
finish
poweroff_watchdog 30
alcove ctl poweroff || echo "init_boot: alcove ctl poweroff failed: $?"
sleep 1000

# alcove itself as PID 1 (issue #6), the configuration half: malformed
# service files (unknown key, bad value, dependency cycle, no exec, a
# program that does not exist) are reported on the console naming
# file:line, marked failed, and the boot goes on; a service requiring a bad
# one fails; SIGHUP (and alcove ctl reload) pick up a new service file
# without restarting the running ones; SIGUSR2 powers off, the services
# seeing SIGTERM first. Runs as the service "check".
# vm-init: alcove
# vm-arch: x86_64 aarch64
# vm-services: tests/vm/services/init_reload
# vm-files: tests/vm/services/bin:/svc
# vm-timeout: 120
# vm-expect: badkey\.conf:3: .*colour
# vm-expect: badvalue\.conf:3: .*sometimes
# vm-expect: cycle-[ab]\.conf:\d+: .*cycle
# vm-expect: noexec\.conf: .*missing exec
# vm-expect: badexec.*no-such-program
# vm-expect: ALCOVE-VM RESULT \S+ init_reload \d+
# vm-expect-then: ALCOVE-VM TERM (base|late|late2)
# vm-expect-then: ALCOVE-VM TERM (base|late|late2)
# vm-expect-then: ALCOVE-VM TERM (base|late|late2)
# vm-expect-then: reboot: Power down
CASE=init_reload
. /svc/lib.sh
echo "init_reload: checker running as pid $$"
D=/etc/alcove/services.d

check boot/base-ready "the good service came up beside the bad files" wait_for 60 has_event ready base
for s in badkey badvalue cycle-a cycle-b noexec needsbad; do
  check "bad/$s-failed" "state $(svc_state $s)" state_is $s failed
done
wait_for 30 state_is badexec failed
check bad/badexec-failed "state $(svc_state badexec)" state_is badexec failed
why=$(alcove ctl status badkey 2>&1)
check bad/status-names-file-line "alcove ctl status badkey: $(echo "$why" | tr '\n' ' ')" \
  sh -c "echo '$why' | grep -q 'badkey.conf:3'"
for s in badkey badvalue cycle-a cycle-b noexec needsbad; do
  has_event start $s && result "bad/$s-not-started" fail "it ran" || result "bad/$s-not-started" ok ""
done

# SIGHUP: a new file is picked up; the running service is left alone.
bpid=$(oldest_pid '/bin/sh /svc/daemon.sh base')
printf '%s\n' "ready = fd:3" "exec = /bin/sh /svc/daemon.sh late" >$D/late.conf
kill -HUP 1
check reload/sighup-starts-new "late.conf after kill -HUP 1" wait_for 30 has_event ready late
base_kept() { [ -n "$bpid" ] && [ "$(oldest_pid '/bin/sh /svc/daemon.sh base')" = "$bpid" ] && ! has_event term base; }
check reload/sighup-keeps-running "base still pid $bpid" base_kept
check reload/status-late "late $(svc_state late)" state_is late ready
printf '%s\n' "exec = /bin/sh /svc/daemon.sh late2" >$D/late2.conf
check reload/ctl-reload-exit-0 "alcove ctl reload" alcove ctl reload
check reload/ctl-reload-starts-new "late2.conf after alcove ctl reload" wait_for 30 has_event start late2

echo "init_reload: alcove ctl status:"
alcove ctl status
check zombies/none "zombies: $(zombies | tr '\n' ' ')" wait_for 10 no_zombies
finish
poweroff_watchdog 30
kill -USR2 1
sleep 1000

# With psi=0 and cgroup_disable=memory on the kernel command line (its own
# boot), alcove check says so: psi and memory limits missing with their
# fallbacks named, exit 1; under the Raspberry Pi 4 profile it prints the
# board's fix for the missing memory controller, in text and in JSON.
# vm-arch: x86_64 aarch64 armv7
# vm-cmdline: cgroup_disable=memory psi=0
# vm-timeout: 60
grep -qw 'psi=0' /proc/cmdline
[ ! -r /proc/pressure/cpu ] || ! cat /proc/pressure/cpu 2>/dev/null || { echo "PSI still readable"; exit 1; }
! grep -qw memory /sys/fs/cgroup/cgroup.controllers || { echo "memory controller still there"; exit 1; }
rc=0; alcove check >/tmp/check || rc=$?
cat /tmp/check
[ "$rc" -eq 1 ] || { echo "check exited $rc, want 1 (degraded)"; exit 1; }
grep -qE '^psi \(global\) +missing .*fallback cpu.stat polling' /tmp/check || exit 1
grep -qE '^psi \(cgroup\) +missing .*fallback cpu.stat polling' /tmp/check || exit 1
grep -qE '^memory limits +missing .*fallback containers run without memory limits$' /tmp/check || exit 1
grep -qE '^controllers +degraded +missing memory' /tmp/check || exit 1
grep -qE '^clone3 into cgroup +ok' /tmp/check || exit 1
! grep -q '^  fix' /tmp/check || { echo "generic profile printed a fix"; exit 1; }
rc=0; alcove check --profile raspberrypi4 >/tmp/pi || rc=$?
[ "$rc" -eq 1 ] || { echo "check --profile exited $rc, want 1"; exit 1; }
grep -A1 '^memory limits' /tmp/pi | grep -q '^  fix (raspberrypi4): add "cgroup_enable=memory' ||
  { echo "no cgroup_enable=memory fix under raspberrypi4"; cat /tmp/pi; exit 1; }
rc=0; alcove check --json --profile raspberrypi4 >/tmp/json || rc=$?
[ "$rc" -eq 1 ] || { echo "check --json exited $rc, want 1"; exit 1; }
tr -d ' \n' </tmp/json >/tmp/flat
grep -qF '"memory_limit":{"status":"missing"' /tmp/flat || { cat /tmp/json; exit 1; }
grep -qF '"fallback":"cpu.statpolling"' /tmp/flat || exit 1
grep -qF '"fix":"add\"cgroup_enable=memory' /tmp/flat || exit 1
grep -qF '"verdict":1' /tmp/flat || exit 1

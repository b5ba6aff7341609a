# With psi=0 on the kernel command line (its own boot), PSI is gone and
# alcove check says so: psi missing with the polling fallback, exit 1.
# vm-arch: x86_64 aarch64 armv7
# vm-cmdline: psi=0
# vm-timeout: 60
grep -qw 'psi=0' /proc/cmdline
[ ! -r /proc/pressure/cpu ] || ! cat /proc/pressure/cpu 2>/dev/null || { echo "PSI still readable"; exit 1; }
rc=0; alcove check >/tmp/check || rc=$?
cat /tmp/check
[ "$rc" -eq 1 ] || { echo "check exited $rc, want 1 (degraded)"; exit 1; }
grep -qE '^psi \(global\) +missing .*fallback cpu.stat polling' /tmp/check
grep -qE '^psi \(cgroup\) +missing .*fallback cpu.stat polling' /tmp/check
grep -qE '^clone3 into cgroup +ok' /tmp/check

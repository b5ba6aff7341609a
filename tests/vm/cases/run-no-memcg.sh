# With the memory controller disabled (as Raspberry Pi kernels do without
# cgroup_enable=memory), a memory limit is refused naming the controller,
# exit 125, and no cgroup is left; runs without limits still work.
# vm-arch: x86_64 aarch64 armv7
# vm-cmdline: cgroup_disable=memory psi=0
# vm-timeout: 120
mkdir -p /tmp/r/bin && cp /bin/busybox /tmp/r/bin/ && ln -s busybox /tmp/r/bin/true
rc=0; alcove run --name m --memory 32M /tmp/r true 2>/tmp/err || rc=$?
cat /tmp/err
[ "$rc" -eq 125 ] || { echo "exit $rc, want 125"; exit 1; }
[ "$(wc -l </tmp/err)" -eq 1 ] || { echo "want a one-line error"; exit 1; }
grep -q '^alcove run: the memory controller is not available in /sys/fs/cgroup (cgroup.controllers: ' /tmp/err
[ ! -e /sys/fs/cgroup/alcove ] || { echo "left behind: $(ls /sys/fs/cgroup/alcove)"; exit 1; }
alcove run --name ok --pids 8 /tmp/r true
[ ! -e /sys/fs/cgroup/alcove ]

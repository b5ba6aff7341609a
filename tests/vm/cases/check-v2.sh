# alcove check on pure cgroup v2, after enabling cpu, memory and pids for
# the root's children as an init would: every feature ok, exit 0, and the
# JSON agrees (layout v2, clone3/io_uring/psi/cpu_burst ok).
# vm-arch: x86_64 aarch64 armv7
# vm-modules: overlay
# vm-timeout: 60
echo "+cpu +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
rc=0; alcove check >/tmp/check || rc=$?
cat /tmp/check
[ "$rc" -eq 0 ] || { echo "check exited $rc, want 0"; exit 1; }
grep -qE '^cgroup hierarchy +ok +v2 at /sys/fs/cgroup$' /tmp/check || exit 1
grep -qE '^cpu quota +ok +v2 cpu.max$' /tmp/check || exit 1
grep -qE '^cpu burst +ok +v2 cpu.max.burst$' /tmp/check || exit 1
grep -qE '^user namespaces +ok ' /tmp/check || exit 1
grep -qE '^seccomp +ok ' /tmp/check || exit 1
rc=0; alcove check --json >/tmp/json || rc=$?
[ "$rc" -eq 0 ] || { echo "check --json exited $rc"; exit 1; }
tr -d ' \n' </tmp/json >/tmp/flat
for k in '"cgroup_layout":"v2"' '"verdict":0' '"io_uring":{"status":"ok"' \
  '"psi_cgroup":{"status":"ok"' '"clone3_cgroup":{"status":"ok"' '"cpu_burst":{"status":"ok"'; do
  grep -qF "$k" /tmp/flat || { echo "JSON lacks $k"; cat /tmp/json; exit 1; }
done

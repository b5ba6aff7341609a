# The static alcove binary runs in the guest: --version prints it, an
# unknown command exits 2 with a usage line, and check sees a v2 layout.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 60
alcove --version | grep -q '^alcove [0-9]'
rc=0; alcove frobnicate 2>/tmp/err || rc=$?
[ "$rc" -eq 2 ] || { echo "unknown command exited $rc, want 2"; exit 1; }
grep -q '^usage: alcove' /tmp/err || { echo "no usage line:"; cat /tmp/err; exit 1; }
alcove check | tee /tmp/check
grep -q '^cgroup layout *v2, v2 at /sys/fs/cgroup$' /tmp/check
grep -q '^clone3 into cgroup *ok' /tmp/check
grep -q '^io_uring *ok' /tmp/check
grep -q '^psi (cgroup) *ok' /tmp/check

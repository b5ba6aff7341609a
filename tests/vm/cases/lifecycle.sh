# The container library's lifecycle on pure v2: parked before exec, start,
# stats, pause and resume (cgroup.freeze), kill all (cgroup.kill), destroy.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 120
vmcheck lifecycle

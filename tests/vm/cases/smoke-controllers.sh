# The cpu, memory, pids and io controllers can be enabled for the root's
# children, read back from cgroup.subtree_control.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 30
vmcheck controllers

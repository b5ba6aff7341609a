# clone3(CLONE_INTO_CGROUP|CLONE_NEWPID) places the child in the chosen
# group (/proc/<pid>/cgroup) and the child is PID 1 in its namespace.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 30
vmcheck clone3-cgroup

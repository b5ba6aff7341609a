# PID 1 (the runner, through alcove's board_mount_early) mounted proc,
# sysfs and cgroup2; checked in /proc/self/mountinfo.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 30
vmcheck mounts

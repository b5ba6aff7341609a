# An io_uring write to a group's cpu.max lands, read back from the file.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 30
vmcheck uring-cpumax

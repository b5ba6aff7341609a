# A PSI trigger on a group's cpu.pressure stays silent while idle and fires
# once two CPU hogs run under a 10% cpu.max.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 60
vmcheck psi-trigger

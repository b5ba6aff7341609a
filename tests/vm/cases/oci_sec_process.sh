# OCI process fields in the guest: time namespace offsets (boottime shifted
# by a year in /proc/uptime), a linux.devices node's type, mode and owner,
# PER_LINUX32 seen by uname -m on 64-bit guests, process.scheduler
# (SCHED_FIFO 10, SCHED_BATCH nice 7) and ioPriority read back from
# /proc/self/stat and ionice, and the AppArmor exec label when the kernel
# runs AppArmor.
# vm-arch: x86_64 aarch64 armv7
# vm-files: build/@ARCH@-musl/tests/vm/guest/vm-ocisec:/bin/vm-ocisec
# vm-timeout: 90
vm-ocisec process

# OCI linux.seccomp on the guest kernel: errnoRet reaches mkdir and
# /proc/self/status shows "Seccomp: 2"; a default kill action takes the one
# syscall left out of the allow list (SIGSYS).
# vm-arch: x86_64 aarch64 armv7
# vm-files: build/@ARCH@-musl/tests/vm/guest/vm-ocisec:/bin/vm-ocisec
# vm-timeout: 90
vm-ocisec seccomp

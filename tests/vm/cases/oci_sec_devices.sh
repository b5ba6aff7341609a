# OCI linux.resources.devices on pure cgroup v2: the generated
# BPF_PROG_TYPE_CGROUP_DEVICE program denies writes to /dev/null (c 1:3 w)
# and the unlisted /dev/kmsg while the default rules keep /dev/urandom; an
# allow rule lets /dev/kmsg through.
# vm-arch: x86_64 aarch64 armv7
# vm-files: build/@ARCH@-musl/tests/vm/guest/vm-ocisec:/bin/vm-ocisec
# vm-timeout: 90
vm-ocisec devices

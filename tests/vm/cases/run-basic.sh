# alcove run on pure cgroup v2: the "basic" group of tests/run/run_tests.sh,
# asserted from inside the container and from the cgroup files.
# vm-arch: x86_64 aarch64 armv7
# vm-files: tests/run/run_tests.sh:/tests/run_tests.sh
# vm-timeout: 150
ALCOVE=alcove BUSYBOX=/bin/busybox sh /tests/run_tests.sh basic

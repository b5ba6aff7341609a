# The protection benchmark's scenarios A and B (bench/protection.sh) on pure
# v2, asserted for behaviour (tests/sched/protection_tests.sh): base
# settings, every request served, batch kept running, the quota sum within
# the budget in every sample of the cgroup files, the raise and its
# hand-back, SIGTERM restore. Times under TCG are emulation: printed only.
# vm-arch: x86_64 aarch64
# vm-files: tests/sched/protection_tests.sh:/tests/sched/protection_tests.sh tests/lib/schedgroups.sh:/tests/lib/schedgroups.sh build/@ARCH@-musl/bench/latency_task:/bin/latency_task
# vm-timeout: 240
ALCOVE=alcove LATENCY_TASK=/bin/latency_task BOUND_S=10 sh /tests/sched/protection_tests.sh

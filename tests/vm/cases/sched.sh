# alcove sched on pure v2: a throttled latency group next to hogs in a
# batch group; the batch cut, recovery, log, vanishing group and SIGTERM
# restore of tests/sched/sched_tests.sh, with TCG-sized bounds.
# vm-arch: x86_64 aarch64 armv7
# vm-files: tests/sched/sched_tests.sh:/tests/sched/sched_tests.sh tests/lib/schedgroups.sh:/tests/lib/schedgroups.sh
# vm-timeout: 200
ALCOVE=alcove BOUND_S=20 sh /tests/sched/sched_tests.sh

# The batched writer on pure v2 files (cpu.max, cpu.weight, memory.oom.group,
# memory.high/max/low/min, pids.max): io_uring and write(2) land the same
# values for batches of 1, 3 and 8 and agree per write around an invalid
# value; calibration picks one, with timings, and leaves cpu.max unchanged.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 60
vmcheck writer

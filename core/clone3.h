/* clone3(2) wrapper: spawn a child straight into a cgroup (CLONE_INTO_CGROUP)
 * with namespace flags, without the race of a later cgroup.procs write. */
#ifndef ALC_CLONE3_H
#define ALC_CLONE3_H

#include <stdint.h>
#include <sys/types.h>

/* Forks like fork(2) into the v2 cgroup open at cgroup_fd (or no cgroup when
 * cgroup_fd < 0) with extra clone flags; returns the child pid in the parent,
 * 0 in the child, -errno on failure (-ENOSYS when the kernel lacks clone3). */
pid_t alc_clone3(int cgroup_fd, uint64_t flags);

#endif

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

/* Like alc_clone3 with CLONE_VM: the child shares this address space and
 * runs fn(arg) on the stack [stack, stack + size), then exits with its
 * result; no copy of the address space is made. The caller must keep out
 * of the child's way (it shares the heap, errno and globals) until the
 * child has exec'd or exited. Returns the child pid or -errno (-ENOSYS on
 * an architecture without the trampoline: x86_64 and aarch64 have it). */
pid_t alc_clone3_vm(int cgroup_fd, uint64_t flags, void *stack, size_t size, int (*fn)(void *),
		    void *arg);

#endif

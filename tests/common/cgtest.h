/* Helpers shared by the host tests and the VM guest checks: temporary
 * cgroups, children parked in them, CPU hogs, and waiting on PSI fds. */
#ifndef ALC_TESTS_CGTEST_H
#define ALC_TESTS_CGTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Creates parent/name (removing a stale one first) and opens it as a
 * directory fd; returns the fd or -errno. */
int cgt_group_create(const char *parent, const char *name);

/* Kills every process in the group at dirfd parent/name and removes it;
 * returns 0 or -errno. */
int cgt_group_destroy(const char *parent, const char *name);

/* Spawns a child with alc_clone3 into cgfd that waits until *gate is closed
 * and reports its own getpid() first on *report (if report is non-NULL);
 * returns the pid or -errno. */
pid_t cgt_spawn_parked(int cgfd, uint64_t flags, int *gate, int *report);

/* Spawns a child into cgfd that spins on the CPU until killed; returns the
 * pid or -errno. */
pid_t cgt_spawn_hog(int cgfd);

/* Copies the v2 path of pid's cgroup from /proc/<pid>/cgroup; returns 0 or
 * -errno. */
int cgt_proc_cgroup(pid_t pid, char *out, size_t len);

/* Polls fd for POLLPRI for up to timeout_ms; returns 1 when it fired, 0 on
 * timeout, -errno on error. elapsed_ms (optional) gets the wait time. */
int cgt_wait_pri(int fd, int timeout_ms, long *elapsed_ms);

/* Kills and reaps pid; returns 0 or -errno. */
int cgt_kill_reap(pid_t pid);

#endif

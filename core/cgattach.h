/* The container process joins its v1 groups itself: a single-threaded
 * process writing "0" to a v1 `tasks` file moves without the cgroup
 * threadgroup lock (and its RCU grace period) that a pid written to
 * cgroup.procs by the parent takes: tenths of a millisecond against
 * several per hierarchy. The parent makes the groups while the child sets
 * up its mounts, opens the tasks files and sends them with the PLACED
 * message; the child writes to them before anything else. */
#ifndef ALC_CGATTACH_H
#define ALC_CGATTACH_H

#include <stdbool.h>

#include "cgroup.h"
#include "err.h"

/* The most tasks files a process joins itself: one per v1 hierarchy. */
#define ALC_CG_SELF_MAX ALC_H_COUNT

/* Whether a process spawned with these namespace flags by this process can
 * join its v1 groups itself: only without a user namespace and as root;
 * otherwise the parent writes its pid to cgroup.procs, as before. */
bool alc_cg_self_attach_possible(int ns_flags);

/* Opens the tasks file of each of cg's v1 groups for writing into fds
 * (close-on-exec), marking them in cg->self_v1 so alc_cgroup_attach skips
 * them. Returns the number of fds (0 on a pure v2 host) or -errno, with
 * none left open. */
int alc_cg_self_attach_open(struct alc_cgroup *cg, int fds[ALC_CG_SELF_MAX], alc_err *err);

/* Closes the fds (the parent's copies, once sent). */
void alc_cg_self_attach_close(int *fds, unsigned n);

/* Parent: sends ALC_MSG_PLACED with the tasks fds attached; returns 0 or
 * -errno. */
int alc_cg_send_placed(int sock, const int *fds, unsigned n);

/* Child, single-threaded, before it enters a cgroup namespace: waits for
 * ALC_MSG_PLACED and writes "0" to each tasks file that came with it.
 * Returns 0, -EPIPE when the parent went away, or -errno with err set. */
int alc_cg_wait_placed(int sock, alc_err *err);

#endif

/* The container process joins its v1 groups itself: a single-threaded
 * process writing "0" to a v1 `tasks` file moves without the cgroup
 * threadgroup lock (and its RCU grace period) that a pid written to
 * cgroup.procs by the parent takes: tenths of a millisecond against
 * several per hierarchy. The parent opens the files before the clone; the
 * child inherits them and writes before anything else. */
#ifndef ALC_CGATTACH_H
#define ALC_CGATTACH_H

#include <stdbool.h>

#include "cgroup.h"
#include "err.h"

/* The most tasks files a process joins itself: one per v1 hierarchy. */
#define ALC_CG_SELF_MAX ALC_H_COUNT

/* Whether a process spawned with these namespace flags by this process can
 * join its v1 groups itself: only without a user namespace and as root,
 * where the parent's write is the path the kernel surely allows. */
bool alc_cg_self_attach_possible(int ns_flags);

/* Creates cg's v1 groups now (see alc_cgroup_make_v1) and opens the tasks
 * file of each for writing into fds (close-on-exec), marking them in
 * cg->self_v1 so alc_cgroup_attach skips them. Returns the number of fds
 * (0 on a pure v2 host) or -errno, with none left open. */
int alc_cg_self_attach_open(struct alc_cgroup *cg, int fds[ALC_CG_SELF_MAX], alc_err *err);

/* In the child, single-threaded, before it enters a cgroup namespace:
 * writes "0" to each tasks fd and closes them all. Returns 0 or -errno. */
int alc_cg_self_attach(const int *fds, unsigned n, alc_err *err);

/* Closes the fds (the parent's copies, once the child has them). */
void alc_cg_self_attach_close(int *fds, unsigned n);

#endif

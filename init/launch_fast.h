/* The direct spawn of a host service (no rootfs, no namespaces): its
 * cgroup made and limited first, then one clone3(CLONE_INTO_CGROUP) whose
 * child places its fds, takes its credentials and execs at once; an exec
 * or setup failure comes back through a close-on-exec pipe. */
#ifndef ALC_INIT_LAUNCH_FAST_H
#define ALC_INIT_LAUNCH_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include "container.h"
#include "err.h"
#include "spec.h"

/* One fd the child gets: src (close-on-exec in init) at target. */
struct svc_fd_map {
	int target, src;
};

/* Whether spec can take the direct spawn: the host's root, no namespace,
 * device rule, hook, seccomp filter, LSM label or terminal. */
bool svc_fast_eligible(const struct alc_spec *spec);

/* Creates spec's cgroup with its limits and spawns the process there with
 * fds mapped, returning once it has exec'd; c is left as
 * alc_container_create and alc_container_start would leave it. Returns 0
 * or -errno with err (c->child.exit_code 125/126/127 when the child
 * failed; c may still hold a cgroup and a reaped process to destroy). */
int svc_fast_spawn(struct alc_container *c, const struct alc_spec *spec,
		   const struct alc_cg_opts *cgo, const struct svc_fd_map *fds, size_t n_fds,
		   alc_err *err);

#endif

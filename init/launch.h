/* Turning a service definition into a running process: the core spec (the
 * host's root, or a container for rootfs =), its cgroup BASE/NAME with the
 * limits, its stdout/stderr (the console, or a pipe for the log ring) and
 * its readiness fd, spawned with clone3(CLONE_INTO_CGROUP) (a host service
 * straight to exec, launch_fast.h; a container through the handshake). */
#ifndef ALC_INIT_LAUNCH_H
#define ALC_INIT_LAUNCH_H

#include "container.h"
#include "err.h"
#include "svcdef.h"

struct svc_proc {
	struct alc_container c;
	bool has_c;	 /* c holds a process and (maybe) a cgroup to destroy */
	bool has_cg;	 /* the process is in its own cgroup */
	int log_fd;	 /* read end of the stdout/stderr pipe, or -1 */
	int ready_fd;	 /* read end of the readiness pipe, or -1 */
	bool via_clone3; /* placed by CLONE_INTO_CGROUP */
};

/* Fills spec from def for the group rel (BASE/NAME); returns 0 or -errno
 * with err naming the setting at fault (unknown user, bad limit). */
int svc_build_spec(const struct svc_def *def, const char *rel, bool sched_class,
		   struct alc_spec *spec, alc_err *err);

/* Spawns def into cgroup base/NAME and lets it exec; p's fds are set for
 * the loop to watch. Returns 0 or -errno with err (nothing is left behind:
 * no process, no cgroup, no fd). */
int svc_launch(const struct svc_def *def, const char *base, struct svc_proc *p, alc_err *err);

/* Closes p's fds and destroys its cgroup (killing what is left); returns 0
 * or -errno. */
int svc_proc_release(struct svc_proc *p, alc_err *err);

#endif

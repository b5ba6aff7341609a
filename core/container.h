/* The container lifecycle over a spec: create (cgroup made, process set up
 * and parked before exec), start, wait, signal, pause/resume, stats, and
 * destroy (cgroup removed; the mount namespace dies with its processes). */
#ifndef ALC_CONTAINER_H
#define ALC_CONTAINER_H

#include <stdbool.h>

#include "cgroup.h"
#include "err.h"
#include "spawn.h"
#include "spec.h"

struct alc_container;

struct alc_runtime_opts {
	struct alc_cg_opts cg;
	bool no_cgroup;			    /* rootless without a delegated cgroup */
	bool force_fallback;		    /* spawn with clone + cgroup.procs, not clone3 */
	const struct alc_spawn_opts *spawn; /* detached create (OCI); NULL: none */
	/* The OCI prestart and createRuntime hooks: called once the process
	 * is in its cgroups with its namespaces and mounts made, before its
	 * createContainer hooks and pivot_root (only when the spec has such
	 * hooks); returns 0 or -errno, which aborts create. NULL: none. */
	int (*runtime_hooks)(const struct alc_container *c, const struct alc_spec *spec, void *arg,
			     alc_err *err);
	void *runtime_hooks_arg;
};

struct alc_container {
	struct alc_cgroup cg;
	bool has_cg;
	struct alc_child child;
	bool reaped;
	int status; /* wait status once reaped */
};

/* Validates the spec, creates the cgroup and the parked process; on failure
 * nothing is left behind. Returns 0 or -errno (-EEXIST: the name is taken). */
int alc_container_create(struct alc_container *c, const struct alc_spec *spec,
			 const struct alc_runtime_opts *o, alc_err *err);

/* Releases the process to exec; returns 0 or -errno (see alc_spawn_start). */
int alc_container_start(struct alc_container *c, alc_err *err);

/* Waits for the container process to exit; returns 0 and its wait status,
 * or -errno. With nohang, returns -EAGAIN while it still runs. */
int alc_container_wait(struct alc_container *c, bool nohang, int *status);

/* Sends sig to the container process, or to every process in its cgroup
 * when all is set; returns 0 or -errno. */
int alc_container_signal(struct alc_container *c, int sig, bool all, alc_err *err);

/* Freezes (pause) or thaws (resume) every process; returns 0 or -errno. */
int alc_container_pause(struct alc_container *c, bool paused, alc_err *err);

/* Reads the cgroup's statistics; returns 0 or -errno (-ENOENT: no cgroup). */
int alc_container_stats(struct alc_container *c, struct alc_cg_stats *st);

/* Kills whatever still runs, reaps the process and removes the cgroup;
 * returns 0 or -errno. */
int alc_container_destroy(struct alc_container *c, alc_err *err);

#endif

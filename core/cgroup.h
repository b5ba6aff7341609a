/* A container's cgroup across the host's layout: one group in the v2 tree
 * (placement, freeze, kill, PSI) and, on hybrid and v1 hosts, one group in
 * each v1 controller hierarchy (limits, stats). */
#ifndef ALC_CGROUP_H
#define ALC_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cglayout.h"
#include "cglimits.h"
#include "err.h"
#include "spec.h"
#include "writer.h"

struct alc_cg_opts {
	const char *root;	   /* "/sys/fs/cgroup" when NULL */
	bool force_v1;		   /* ignore a v2 tree (test the v1 backend on hybrid) */
	enum uring_backend writer; /* how the limit batch is written */
	unsigned v1_extra;	   /* 1 << ALC_H_*: v1 hierarchies to join beyond
				    * those the limits need (the OCI runtime: cpu,
				    * cpuacct, memory, pids, where clients read stats) */
	bool keep_parents;	   /* a client's tree (containerd's /default):
				    * destroy leaves the levels above the group */
	const char *owner;	   /* NULL, or a token create marks the group it
				    * makes with (the xattr ALC_CG_OWNER_XATTR) */
};

/* The extended attribute naming who made a group (alc_cg_opts.owner). */
#define ALC_CG_OWNER_XATTR "trusted.alcove.owner"

struct alc_cgroup {
	enum alc_cg_layout layout;
	char root[128];
	char rel[256];
	int fd[ALC_H_COUNT];		 /* -1 where the group does not exist */
	unsigned need;			 /* ALC_CTRL_* the limits use */
	unsigned v1_extra;		 /* see alc_cg_opts */
	bool keep_parents;		 /* see alc_cg_opts */
	char owner[96];			 /* see alc_cg_opts; "" for none */
	bool marked;			 /* the owner mark is on a group made here */
	unsigned char made[ALC_H_COUNT]; /* levels of rel this process created
					  * in each hierarchy (the group's own
					  * included) */
	unsigned self_v1;		 /* 1 << ALC_H_*: v1 groups the process joins itself
					  * (core/cgattach.h); attach skips them */
	enum uring_backend writer;
};

struct alc_cg_stats {
	uint64_t cpu_usage_us;
	uint64_t nr_periods, nr_throttled, throttled_us;
	uint64_t memory_current, memory_peak;
	uint64_t pids_current;
	uint64_t oom_kills;
};

/* Starts the group rel (e.g. "alcove/web"): checks the limits and that
 * their controllers exist (so a refusal leaves nothing behind) and creates
 * the v2 group a clone can land in. Returns 0, -EEXIST if the group exists,
 * or -errno with err naming the controller or file at fault. */
int alc_cgroup_create(struct alc_cgroup *cg, const struct alc_cg_opts *o, const char *rel,
		      const struct alc_resources *res, alc_err *err);

/* Completes the group: the v1 hierarchies it needs (on hybrid those its
 * limits use; on v1 also freezer, cpuacct and pids) and the limit writes as
 * one batch. Meant to run while the child sets itself up. Returns 0 or
 * -errno; the caller destroys the group on failure. */
int alc_cgroup_complete(struct alc_cgroup *cg, const struct alc_resources *res, alc_err *err);

/* Makes the group in the v1 hierarchy h too (before attach, which then
 * joins it); returns 0, -ENODEV when the host has no such hierarchy, or
 * -errno. */
int alc_cgroup_join_v1(struct alc_cgroup *cg, enum alc_hier h, alc_err *err);

/* Returns the v2 group's directory fd (for CLONE_INTO_CGROUP), or -1. */
int alc_cgroup_v2_fd(const struct alc_cgroup *cg);

/* Writes pid into cgroup.procs of the v1 groups (but those in cg->self_v1),
 * and of the v2 group too when with_v2, as one batch through backend;
 * returns 0 or -errno. */
int alc_cgroup_attach(struct alc_cgroup *cg, pid_t pid, bool with_v2, enum uring_backend backend,
		      alc_err *err);

/* Sends sig to every process in the group (cgroup.kill for SIGKILL where the
 * kernel has it); returns 0 or -errno. */
int alc_cgroup_kill(struct alc_cgroup *cg, int sig, alc_err *err);

/* Freezes or thaws the group (cgroup.freeze, or the v1 freezer) and waits
 * until the kernel reports the new state; returns 0 or -errno. */
int alc_cgroup_freeze(struct alc_cgroup *cg, bool frozen, alc_err *err);

/* Reads usage, throttling, memory, pids and OOM kills; returns 0 or -errno. */
int alc_cgroup_stats(struct alc_cgroup *cg, struct alc_cg_stats *st);

/* Kills what is left, removes the group from every hierarchy and closes
 * the fds. The levels above it go too when empty, or with keep_parents only
 * those this process made (a failed create leaves nothing). Returns 0 or
 * -errno. */
int alc_cgroup_destroy(struct alc_cgroup *cg, alc_err *err);

/* Hands the levels above the group that this process made to whoever shares
 * them: with keep_parents, destroy then removes the group alone. */
void alc_cgroup_keep_made_parents(struct alc_cgroup *cg);

/* Whether the group was made with the owner token: 1 it was, 0 it was made
 * by someone else (or before the mark), -ENOTSUP where the filesystem keeps
 * no such attribute. */
int alc_cgroup_owned_by(const struct alc_cgroup *cg, const char *owner);

/* Opens the existing group rel in every hierarchy where it exists (for a
 * later process: the OCI commands); returns 0, or -ENOENT when it exists
 * nowhere. */
int alc_cgroup_open(struct alc_cgroup *cg, const struct alc_cg_opts *o, const char *rel,
		    alc_err *err);

/* Writes the limits set in res to an existing group, as one batch; a v1
 * hierarchy the group is not in yet is joined first, its members moved
 * while the group is frozen. Returns 0 or -errno naming the limit at
 * fault. */
int alc_cgroup_update(struct alc_cgroup *cg, const struct alc_resources *res, alc_err *err);

/* Returns the pids listed in the group's cgroup.procs (caller frees); the
 * count goes to *n. Returns 0 or -errno. */
int alc_cgroup_pids(struct alc_cgroup *cg, pid_t **pids, size_t *n);

#endif

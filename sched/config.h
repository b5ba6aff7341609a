/* alcove sched's configuration: the managed groups with their class and
 * overrides, the CPU budgets, the mode and the writer. One format for the
 * file (key = value lines, # comments, as in service files) and the flags.
 * Pure parsing, no I/O besides reading the file. */
#ifndef ALC_SCHED_CONFIG_H
#define ALC_SCHED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum sched_mode { SCHED_MODE_PSI, SCHED_MODE_POLL };

struct sched_group_conf {
	char path[256];		   /* relative to the cgroup root, e.g. "alcove/web" */
	char cls[16];		   /* "latency", "default" or "batch" */
	uint64_t target_stall_us;  /* 0 = the class preset's */
	double min_cpus, max_cpus; /* 0 = the class preset's */
	uint64_t period_us, burst_us;
};

#define SCHED_MAX_GROUPS 32

struct sched_config {
	enum sched_mode mode;
	char writer[8];		  /* "auto", "uring" or "sync" */
	double budget_cpus;	  /* 0 = no total budget */
	double batch_budget_cpus; /* 0 = no batch budget */
	char socket[108];	  /* control socket path */
	struct sched_group_conf groups[SCHED_MAX_GROUPS];
	size_t n_groups;
};

/* Sets the defaults: psi mode, auto writer, no budgets, no groups, the
 * socket at /run/alcove/sched.sock. */
void sched_config_init(struct sched_config *c);

/* Parses one "key = value" setting; where names its source for errors
 * ("FILE:LINE" or "--group"). Returns 0 or -EINVAL with err saying
 * "WHERE: what is wrong". */
int sched_config_set(struct sched_config *c, const char *key, const char *value, const char *where,
		     alc_err *err);

/* Parses a configuration text (the whole file) named file; returns 0 or
 * -EINVAL with err naming file:line. */
int sched_config_parse(struct sched_config *c, const char *text, const char *file, alc_err *err);

/* Reads and parses the file at path; returns 0 or -errno. */
int sched_config_load(struct sched_config *c, const char *path, alc_err *err);

#endif

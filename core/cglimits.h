/* Translating a spec's resources into cgroup file writes for a layout:
 * cpu.max/memory.max/... on v2, cpu.cfs_quota_us/memory.limit_in_bytes/...
 * in the v1 hierarchies on hybrid and v1 hosts. Pure: no I/O. */
#ifndef ALC_CGLIMITS_H
#define ALC_CGLIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "cglayout.h"
#include "err.h"
#include "spec.h"

/* The hierarchies a group lives in: the v2 tree and the v1 controllers. */
enum alc_hier {
	ALC_H_V2,
	ALC_H_CPU,
	ALC_H_CPUACCT,
	ALC_H_MEMORY,
	ALC_H_PIDS,
	ALC_H_CPUSET,
	ALC_H_FREEZER,
	ALC_H_BLKIO,
	ALC_H_DEVICES, /* joined only for device rules (devices.h) */
	ALC_H_COUNT
};

struct alc_cg_write {
	enum alc_hier hier;
	const char *file;
	char value[96];
	int phase;	  /* phase 0 is written before phase 1 */
	unsigned ctrl;	  /* the ALC_CTRL_* bit it needs */
	const char *what; /* the user's word for it, for errors */
};

#define ALC_CG_MAX_WRITES 32

/* Returns the directory name of a v1 hierarchy ("cpu", ...), or "" for v2. */
const char *alc_hier_name(enum alc_hier h);

/* Returns the ALC_CTRL_* controllers that the resources need. */
unsigned alc_cg_needed_controllers(const struct alc_resources *res);

/* Fills out (room for ALC_CG_MAX_WRITES) with the writes that apply res on
 * a layout with a v2 tree (use_v2) or v1 hierarchies; returns how many, or
 * -EINVAL with err naming the inconsistent setting. */
int alc_cg_plan_limits(int use_v2, const struct alc_resources *res, struct alc_cg_write *out,
		       alc_err *err);

/* Maps v1 cpu.shares (2..262144) to v2 cpu.weight (1..10000). */
uint64_t alc_shares_to_weight(uint64_t shares);

/* Finds "key value" in flat-keyed cgroup text (cpu.stat, memory.events);
 * returns 0, or -ENOENT when the key is absent. */
int alc_flatkv_get(const char *text, const char *key, uint64_t *out);

#endif

/* Live probe of the kernel facilities alcove relies on (cgroup layout and
 * controllers, clone3 into a cgroup, io_uring, PSI, CPU burst, namespaces,
 * seccomp, overlayfs, capabilities) and of the board it runs on (model,
 * CPU topology, profile). Each facility is exercised, not read from a
 * config. Printing and JSON are in report.h. */
#ifndef ALC_BOARD_PROBE_H
#define ALC_BOARD_PROBE_H

#include "cglayout.h"
#include "profile.h"
#include "topology.h"

enum board_status { BOARD_OK, BOARD_DEGRADED, BOARD_MISSING };

enum board_feature_id {
	BOARD_FEAT_KERNEL,
	BOARD_FEAT_CGROUP_LAYOUT,
	BOARD_FEAT_CONTROLLERS,
	BOARD_FEAT_CPU_QUOTA,
	BOARD_FEAT_MEMORY_LIMIT,
	BOARD_FEAT_CPU_BURST,
	BOARD_FEAT_CLONE3_CGROUP,
	BOARD_FEAT_IO_URING,
	BOARD_FEAT_PSI_GLOBAL,
	BOARD_FEAT_PSI_CGROUP,
	BOARD_FEAT_CAPS,
	BOARD_FEAT_USERNS,
	BOARD_FEAT_SECCOMP,
	BOARD_FEAT_OVERLAYFS,
	BOARD_FEAT_BOARD_MODEL,
	BOARD_FEAT_CPU_TOPOLOGY,
	BOARD_FEAT_COUNT
};

/* The fixed facts of a feature: JSON key, text label, and the fallback
 * alcove uses when the feature is not ok. */
struct board_feature_info {
	const char *key, *label, *fallback;
};

struct board_feature {
	enum board_status status;
	char detail[200]; /* what was seen */
};

/* v1 controller hierarchies from /proc/self/mountinfo. */
struct board_v1 {
	unsigned ctrls;	     /* ALC_CTRL_* bits among them (blkio counts as io) */
	char names[160];     /* every v1 controller mounted, space-separated */
	char cpu_mount[256]; /* mount point of the cpu hierarchy, "" without */
	char memory_mount[256];
};

struct board_probe {
	char kernel[65], arch[65];
	enum alc_cg_layout layout;
	char v2[256];		    /* v2 mount point, "" without one */
	unsigned ctrl_avail;	    /* v2 root cgroup.controllers */
	unsigned ctrl_enabled;	    /* v2 root cgroup.subtree_control */
	struct board_v1 v1;	    /* hybrid and v1 layouts */
	unsigned psi_min_window_us; /* 0 when no trigger could be armed */
	char model[128];	    /* board model, "" when unknown */
	char model_source[64];	    /* file it came from */
	struct board_topology topo;
	struct board_profile profile; /* set by board_probe_use_profile */
	char latency_cpus[96];	      /* from the profile and the topology */
	unsigned quirks_active;	      /* bit i: profile.quirk[i] applies */
	struct board_feature feat[BOARD_FEAT_COUNT];
	char cleanup_error[400]; /* the probe group could not be removed */
};

/* Returns the fixed facts of feature id. */
const struct board_feature_info *board_feature_info(enum board_feature_id id);

/* Returns the feature id whose JSON key is key, or -1. */
int board_feature_by_key(const char *key);

/* Records a feature's status and detail. */
void board_feat_set(struct board_probe *p, enum board_feature_id id, enum board_status st,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Runs every probe against the running kernel, creating and removing one
 * temporary v2 child group named alcove-probe.<pid>; reads the board model
 * and CPU topology below sysroot ("/" normally). Fills p. */
void board_probe_run(struct board_probe *p, const char *sysroot);

/* Applies a profile: records it, derives the latency cpuset from the
 * topology and marks the quirks whose feature is not ok. Pure. */
void board_probe_use_profile(struct board_probe *p, const struct board_profile *prof);

/* Returns 0 when every facility is ok, 1 when some are degraded or missing
 * (a fallback applies) or the probe group was left behind, 2 when alcove
 * cannot run (no cgroup filesystem). */
int board_probe_verdict(const struct board_probe *p);

/* Probes of kernel facilities beyond cgroups (probe_kernel.c). */
void board_probe_kernel(struct board_probe *p);

/* Reads the board model and CPU topology below sysroot (probe_board.c). */
void board_probe_board(struct board_probe *p, const char *sysroot);

/* Parses /proc/self/mountinfo text for cgroup v1 hierarchies. Pure. */
void board_parse_v1_mounts(const char *mountinfo, struct board_v1 *out);

/* Parses "X.Y..." kernel release into major and minor; 0 or -EINVAL. Pure. */
int board_parse_kernel_version(const char *release, unsigned *major, unsigned *minor);

/* Returns 1 when /proc/filesystems text lists filesystem name. Pure. */
int board_filesystems_has(const char *text, const char *name);

#endif

/* Live probe of the kernel facilities alcove relies on: cgroup layout and
 * controllers, clone3 into a cgroup, io_uring writes to cgroupfs, PSI and
 * capabilities. Each facility is exercised, not read from a config. */
#ifndef ALC_BOARD_PROBE_H
#define ALC_BOARD_PROBE_H

#include <stdio.h>

#include "cglayout.h"

enum board_status { BOARD_OK, BOARD_DEGRADED, BOARD_MISSING };

enum board_feature_id {
	BOARD_FEAT_CLONE3_CGROUP,
	BOARD_FEAT_IO_URING,
	BOARD_FEAT_PSI_GLOBAL,
	BOARD_FEAT_PSI_CGROUP,
	BOARD_FEAT_CAPS,
	BOARD_FEAT_COUNT
};

struct board_feature {
	enum board_status status;
	char detail[160]; /* what was seen, and the fallback when not ok */
};

struct board_probe {
	char kernel[65], arch[65];
	enum alc_cg_layout layout;
	char v2[256];		    /* v2 mount point, "" without one */
	unsigned ctrl_avail;	    /* v2 root cgroup.controllers */
	unsigned ctrl_enabled;	    /* v2 root cgroup.subtree_control */
	unsigned psi_min_window_us; /* 0 when no trigger could be armed */
	struct board_feature feat[BOARD_FEAT_COUNT];
	char cleanup_error[400]; /* the probe group could not be removed */
};

/* Runs every probe, creating and removing one temporary v2 child group
 * named alcove-probe.<pid>; fills p. */
void board_probe_run(struct board_probe *p);

/* Returns 0 when every facility is ok, 1 when some are degraded or missing
 * (a fallback applies) or the probe group was left behind, 2 when alcove
 * cannot run (no cgroup filesystem). */
int board_probe_verdict(const struct board_probe *p);

/* Prints the probe as aligned "name  status  detail" lines. */
void board_probe_print(const struct board_probe *p, FILE *out);

#endif

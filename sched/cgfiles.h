/* One managed group as the scheduler sees it through cgroupfs: the same
 * PATH in the v2 tree (PSI, usage) and, on hybrid and v1 hosts, in the v1
 * cpu hierarchy (quota, shares, burst, throttling). Reads samples, queues
 * quota writes, applies a class's base settings and restores what it found. */
#ifndef ALC_SCHED_CGFILES_H
#define ALC_SCHED_CGFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cglayout.h"
#include "err.h"
#include "writer.h"

struct sched_cg {
	char path[256];
	bool v1;      /* the quota lives in the v1 cpu hierarchy */
	int v2fd;     /* the v2 group (cpu.pressure, cpu.stat), -1 on v1-only */
	int cpufd;    /* the directory holding the quota files */
	int quota_fd; /* cpu.max, or cpu.cfs_quota_us */
	int burst_fd; /* cpu.max.burst or cpu.cfs_burst_us, -1 without */
	uint64_t period_us;
	/* What was there before we touched it, restored on exit. */
	char orig_quota[64], orig_burst[32], orig_weight[32], orig_idle[8], orig_period[32];
	bool touched_quota, touched_burst, touched_base, touched_period;
	char buf[2][64]; /* values of queued writes: [0] quota, [1] burst */
};

struct sched_cg_raw {
	uint64_t usage_us, nr_throttled, throttled_us, stall_us;
};

/* Opens PATH under the layout's hierarchies (root is /sys/fs/cgroup) and
 * records the current settings; returns 0, or -ENOENT/-errno with err
 * naming the directory or file. */
int sched_cg_open(struct sched_cg *g, enum alc_cg_layout layout, const char *root, const char *path,
		  alc_err *err);

/* Closes the fds (no restore). */
void sched_cg_close(struct sched_cg *g);

/* Reads usage, throttling and the PSI "some" stall total; returns 0 or
 * -errno (-ENODEV/-ENOENT once the group is gone). */
int sched_cg_sample(struct sched_cg *g, struct sched_cg_raw *raw);

/* Queues the writes that set quota (UINT64_MAX = unlimited) and burst
 * (UINT64_MAX = leave alone) in the order the kernel needs (burst <= quota):
 * what must land first goes to first[], the rest to then[]. Each array
 * gains at most one entry; *nfirst and *nthen count them. */
void sched_cg_queue(struct sched_cg *g, uint64_t old_quota_us, uint64_t quota_us, uint64_t burst_us,
		    struct uring_write *first, size_t *nfirst, struct uring_write *then,
		    size_t *nthen);

/* Writes the class's base settings once: weight (v2 scale 1..10000, shares
 * on v1) and cpu.idle where the kernel has it; returns 0 or -errno. */
int sched_cg_apply_base(struct sched_cg *g, uint64_t weight, bool idle, alc_err *err);

/* Sets the CFS period the quotas are written against (written on v1; on v2
 * it goes with every cpu.max write); returns 0 or -errno. */
int sched_cg_set_period(struct sched_cg *g, uint64_t period_us, alc_err *err);

/* Puts back every setting this module changed; returns 0 or -errno. */
int sched_cg_restore(struct sched_cg *g, alc_err *err);

/* Reads the current quota (UINT64_MAX when unlimited); returns 0 or -errno. */
int sched_cg_read_quota(struct sched_cg *g, uint64_t *quota_us);

#endif

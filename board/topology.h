/* CPU topology from per-CPU capacities (cpu_capacity in sysfs): CPUs of
 * equal capacity form a cluster, the biggest cluster first. Pure logic; the
 * sysfs reading is in probe_board.c. */
#ifndef ALC_BOARD_TOPOLOGY_H
#define ALC_BOARD_TOPOLOGY_H

#include <stddef.h>

#define BOARD_MAX_CPUS 256
#define BOARD_MAX_CLUSTERS 8

struct board_cpu {
	int id;
	unsigned capacity; /* 0 when the kernel reports none */
};

struct board_cluster {
	unsigned capacity;
	unsigned ncpus;
	char cpus[96]; /* cpulist, e.g. "0-3" */
};

struct board_topology {
	unsigned ncpus;
	unsigned nclusters; /* clusters by falling capacity */
	int capacities_known;
	struct board_cluster cl[BOARD_MAX_CLUSTERS];
	char all[96]; /* cpulist of every CPU */
};

/* Groups n CPUs into clusters of equal capacity; returns 0, -EINVAL for
 * n == 0 or a repeated CPU id, -E2BIG past BOARD_MAX_CLUSTERS clusters. */
int board_topology_build(const struct board_cpu *cpus, size_t n, struct board_topology *t);

/* Formats sorted-or-not CPU ids as a kernel cpulist ("0-3,6") into buf;
 * returns 0 or -ENAMETOOLONG when it does not fit (buf then holds a
 * truncated, still terminated list). */
int board_cpulist_format(const int *ids, size_t n, char *buf, size_t len);

#endif

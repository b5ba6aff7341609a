#include "topology.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int board_cpulist_format(const int *ids, size_t n, char *buf, size_t len)
{
	int sorted[BOARD_MAX_CPUS];
	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (n > BOARD_MAX_CPUS)
		return -E2BIG;
	memcpy(sorted, ids, n * sizeof(*ids));
	qsort(sorted, n, sizeof(*sorted), cmp_int);
	size_t used = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && sorted[j + 1] == sorted[j] + 1)
			j++;
		int w = j == i ? snprintf(buf + used, len - used, "%s%d", used ? "," : "",
					  sorted[i])
			       : snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "",
					  sorted[i], sorted[j]);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0';
			return -ENAMETOOLONG;
		}
		used += (size_t)w;
		i = j + 1;
	}
	return 0;
}

static int cmp_capacity_desc(const void *a, const void *b)
{
	const struct board_cpu *x = a, *y = b;
	if (x->capacity != y->capacity)
		return x->capacity < y->capacity ? 1 : -1;
	return (x->id > y->id) - (x->id < y->id);
}

int board_topology_build(const struct board_cpu *cpus, size_t n, struct board_topology *t)
{
	struct board_cpu sorted[BOARD_MAX_CPUS];
	int ids[BOARD_MAX_CPUS];
	memset(t, 0, sizeof(*t));
	if (n == 0 || n > BOARD_MAX_CPUS)
		return -EINVAL;
	memcpy(sorted, cpus, n * sizeof(*cpus));
	qsort(sorted, n, sizeof(*sorted), cmp_capacity_desc);
	for (size_t i = 0; i < n; i++) {
		ids[i] = sorted[i].id;
		if (sorted[i].capacity)
			t->capacities_known = 1;
	}
	/* A repeated id would make a cluster's cpulist lie. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (ids[i] == ids[j])
				return -EINVAL;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && sorted[j].capacity == sorted[i].capacity)
			j++;
		if (t->nclusters == BOARD_MAX_CLUSTERS)
			return -E2BIG;
		struct board_cluster *c = &t->cl[t->nclusters++];
		c->capacity = sorted[i].capacity;
		c->ncpus = (unsigned)(j - i);
		int r = board_cpulist_format(ids + i, j - i, c->cpus, sizeof(c->cpus));
		if (r < 0)
			return r;
		i = j;
	}
	t->ncpus = (unsigned)n;
	return board_cpulist_format(ids, n, t->all, sizeof(t->all));
}

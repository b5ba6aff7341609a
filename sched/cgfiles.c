#include "cgfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cglimits.h"
#include "classes.h"
#include "cleanup.h"
#include "fileio.h"
#include "psi.h"

static int open_dir(const char *a, const char *b, alc_err *err)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", a, b);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? alc_err_set(err, errno, "managed group %s", path) : fd;
}

/* Copies the first line of dirfd/file into buf ("" if it does not exist). */
static void save(int dirfd, const char *file, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;
	buf[0] = '\0';
	if (alc_read_file_at(dirfd, file, &text) >= 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(buf, len, "%s", text);
	}
}

int sched_cg_open(struct sched_cg *g, enum alc_cg_layout layout, const char *root, const char *path,
		  alc_err *err)
{
	char v2root[256], v1cpu[256];
	memset(g, 0, sizeof(*g));
	g->v2fd = g->cpufd = g->quota_fd = g->burst_fd = -1;
	snprintf(g->path, sizeof(g->path), "%s", path);
	snprintf(v2root, sizeof(v2root), "%s%s", root, layout == ALC_CG_HYBRID ? "/unified" : "");
	snprintf(v1cpu, sizeof(v1cpu), "%s/cpu", root);
	g->v1 = layout != ALC_CG_V2;
	if (layout != ALC_CG_V1 && (g->v2fd = open_dir(v2root, path, err)) < 0)
		return g->v2fd;
	g->cpufd = g->v1 ? open_dir(v1cpu, path, err) : dup(g->v2fd);
	if (g->cpufd < 0) {
		sched_cg_close(g);
		return g->cpufd == -1 ? -errno : g->cpufd;
	}
	const char *qf = g->v1 ? "cpu.cfs_quota_us" : "cpu.max";
	g->quota_fd = openat(g->cpufd, qf, O_RDWR | O_CLOEXEC);
	if (g->quota_fd < 0) {
		int e = errno;
		sched_cg_close(g);
		return alc_err_set(err, e, "%s/%s (is the cpu controller enabled?)", path, qf);
	}
	g->burst_fd = openat(g->cpufd, g->v1 ? "cpu.cfs_burst_us" : "cpu.max.burst",
			     O_WRONLY | O_CLOEXEC);
	save(g->cpufd, qf, g->orig_quota, sizeof(g->orig_quota));
	save(g->cpufd, g->v1 ? "cpu.cfs_burst_us" : "cpu.max.burst", g->orig_burst,
	     sizeof(g->orig_burst));
	save(g->cpufd, g->v1 ? "cpu.shares" : "cpu.weight", g->orig_weight, sizeof(g->orig_weight));
	save(g->cpufd, "cpu.idle", g->orig_idle, sizeof(g->orig_idle));
	char period[32] = "";
	if (g->v1) {
		save(g->cpufd, "cpu.cfs_period_us", period, sizeof(period));
		snprintf(g->orig_period, sizeof(g->orig_period), "%s", period);
	} else if (strchr(g->orig_quota, ' '))
		snprintf(period, sizeof(period), "%s", strchr(g->orig_quota, ' ') + 1);
	g->period_us = strtoull(period, NULL, 10);
	if (!g->period_us)
		g->period_us = 100000;
	return 0;
}

void sched_cg_close(struct sched_cg *g)
{
	int *fds[] = { &g->v2fd, &g->cpufd, &g->quota_fd, &g->burst_fd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static uint64_t key_of(int dirfd, const char *file, const char *key, int *err)
{
	_cleanup_free_ char *text = NULL;
	uint64_t v = 0;
	long n = dirfd < 0 ? 0 : alc_read_file_at(dirfd, file, &text);
	if (n < 0 && !*err)
		*err = (int)n;
	if (n > 0)
		alc_flatkv_get(text, key, &v);
	return v;
}

int sched_cg_sample(struct sched_cg *g, struct sched_cg_raw *raw)
{
	int e = 0;
	memset(raw, 0, sizeof(*raw));
	if (g->v2fd >= 0) {
		_cleanup_free_ char *text = NULL;
		struct psi_stats st;
		long n = alc_read_file_at(g->v2fd, "cpu.pressure", &text);
		if (n < 0)
			return (int)n;
		if (psi_parse(text, &st) == 0)
			raw->stall_us = st.some.total;
		raw->usage_us = key_of(g->v2fd, "cpu.stat", "usage_usec", &e);
	} /* v1-only: usage is in cpuacct, another hierarchy; the law needs none */
	if (g->v1) {
		raw->nr_throttled = key_of(g->cpufd, "cpu.stat", "nr_throttled", &e);
		raw->throttled_us = key_of(g->cpufd, "cpu.stat", "throttled_time", &e) / 1000;
	} else {
		raw->nr_throttled = key_of(g->v2fd, "cpu.stat", "nr_throttled", &e);
		raw->throttled_us = key_of(g->v2fd, "cpu.stat", "throttled_usec", &e);
	}
	return e;
}

void sched_cg_queue(struct sched_cg *g, uint64_t old_quota_us, uint64_t quota_us, uint64_t burst_us,
		    struct uring_write *first, size_t *nfirst, struct uring_write *then,
		    size_t *nthen)
{
	if (g->v1)
		snprintf(g->buf[0], sizeof(g->buf[0]), "%" PRId64,
			 quota_us == UINT64_MAX ? (int64_t)-1 : (int64_t)quota_us);
	else if (quota_us == UINT64_MAX)
		snprintf(g->buf[0], sizeof(g->buf[0]), "max %" PRIu64, g->period_us);
	else
		snprintf(g->buf[0], sizeof(g->buf[0]), "%" PRIu64 " %" PRIu64, quota_us,
			 g->period_us);
	struct uring_write q = { .fd = g->quota_fd, .buf = g->buf[0], .len = strlen(g->buf[0]) };
	g->touched_quota = true;
	if (burst_us == UINT64_MAX || g->burst_fd < 0) {
		first[(*nfirst)++] = q;
		return;
	}
	snprintf(g->buf[1], sizeof(g->buf[1]), "%" PRIu64, burst_us);
	struct uring_write b = { .fd = g->burst_fd, .buf = g->buf[1], .len = strlen(g->buf[1]) };
	g->touched_burst = true;
	/* Going down, the burst must shrink before the quota; going up, after. */
	bool down = quota_us < old_quota_us;
	first[(*nfirst)++] = down ? b : q;
	then[(*nthen)++] = down ? q : b;
}

int sched_cg_apply_base(struct sched_cg *g, uint64_t weight, bool idle, alc_err *err)
{
	char v[32];
	uint64_t value = g->v1 ? sched_weight_to_shares(weight) : weight;
	snprintf(v, sizeof(v), "%" PRIu64, value);
	g->touched_base = true;
	int r = alc_write_file_at(g->cpufd, g->v1 ? "cpu.shares" : "cpu.weight", v);
	if (r < 0)
		return alc_err_set(err, -r, "%s: write weight %s", g->path, v);
	if (g->orig_idle[0] && (r = alc_write_file_at(g->cpufd, "cpu.idle", idle ? "1" : "0")) < 0)
		return alc_err_set(err, -r, "%s: write cpu.idle", g->path);
	return 0;
}

int sched_cg_set_period(struct sched_cg *g, uint64_t period_us, alc_err *err)
{
	char v[24];
	if (period_us == g->period_us)
		return 0;
	g->period_us = period_us;
	if (!g->v1)
		return 0;
	snprintf(v, sizeof(v), "%" PRIu64, period_us);
	g->touched_period = true;
	int r = alc_write_file_at(g->cpufd, "cpu.cfs_period_us", v);
	return r < 0 ? alc_err_set(err, -r, "%s: write cpu.cfs_period_us %s", g->path, v) : 0;
}

int sched_cg_restore(struct sched_cg *g, alc_err *err)
{
	int first = 0, r;
	const char *qf = g->v1 ? "cpu.cfs_quota_us" : "cpu.max";
	/* The quota first: a smaller original period must not meet a raised quota's limits. */
	/* The burst first: the kernel refuses a quota below the burst. */
	if (g->touched_burst && g->orig_burst[0] &&
	    (r = alc_write_file_at(g->cpufd, g->v1 ? "cpu.cfs_burst_us" : "cpu.max.burst",
				   g->orig_burst)) < 0 &&
	    !first)
		first = alc_err_set(err, -r, "%s: restore the burst", g->path);
	if (g->touched_quota && (r = alc_write_file_at(g->cpufd, qf, g->orig_quota)) < 0 && !first)
		first = alc_err_set(err, -r, "%s: restore %s", g->path, qf);
	if (g->touched_period &&
	    (r = alc_write_file_at(g->cpufd, "cpu.cfs_period_us", g->orig_period)) < 0 && !first)
		first = alc_err_set(err, -r, "%s: restore cpu.cfs_period_us", g->path);
	/* cpu.idle first: while it is 1 the kernel refuses weight writes. */
	if (g->touched_base && g->orig_idle[0] &&
	    (r = alc_write_file_at(g->cpufd, "cpu.idle", g->orig_idle)) < 0 && !first)
		first = alc_err_set(err, -r, "%s: restore cpu.idle", g->path);
	if (g->touched_base && g->orig_weight[0] &&
	    (r = alc_write_file_at(g->cpufd, g->v1 ? "cpu.shares" : "cpu.weight", g->orig_weight)) <
		    0 &&
	    !first)
		first = alc_err_set(err, -r, "%s: restore the weight", g->path);
	return first;
}

int sched_cg_read_quota(struct sched_cg *g, uint64_t *quota_us)
{
	char buf[64];
	ssize_t n = pread(g->quota_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (!strncmp(buf, "max", 3) || !strncmp(buf, "-1", 2))
		*quota_us = UINT64_MAX;
	else
		*quota_us = strtoull(buf, NULL, 10);
	return 0;
}

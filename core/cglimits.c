#include "cglimits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hier_names[ALC_H_COUNT] = {
	"", "cpu", "cpuacct", "memory", "pids", "cpuset", "freezer", "blkio", "devices",
};

const char *alc_hier_name(enum alc_hier h)
{
	return h < ALC_H_COUNT ? hier_names[h] : "";
}

unsigned alc_cg_needed_controllers(const struct alc_resources *res)
{
	unsigned m = 0, s = res->set;
	if (s & (ALC_RES_CPU_QUOTA | ALC_RES_CPU_SHARES | ALC_RES_CPU_BURST | ALC_RES_CPU_RT))
		m |= ALC_CTRL_CPU;
	if (s & (ALC_RES_MEMORY | ALC_RES_MEMORY_HIGH | ALC_RES_MEMORY_SWAP | ALC_RES_MEMORY_LOW))
		m |= ALC_CTRL_MEMORY;
	if (s & ALC_RES_PIDS)
		m |= ALC_CTRL_PIDS;
	if (s & (ALC_RES_CPUSET_CPUS | ALC_RES_CPUSET_MEMS))
		m |= ALC_CTRL_CPUSET;
	if (s & ALC_RES_IO)
		m |= ALC_CTRL_IO;
	return m;
}

uint64_t alc_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

struct plan {
	struct alc_cg_write *out;
	int n;
	int use_v2;
};

static void add(struct plan *p, enum alc_hier v1h, const char *file, int phase, unsigned ctrl,
		const char *what, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void add(struct plan *p, enum alc_hier v1h, const char *file, int phase, unsigned ctrl,
		const char *what, const char *fmt, ...)
{
	if (p->n >= ALC_CG_MAX_WRITES)
		return;
	struct alc_cg_write *w = &p->out[p->n++];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
	w->hier = p->use_v2 ? ALC_H_V2 : v1h;
	w->file = file;
	w->phase = phase;
	w->ctrl = ctrl;
	w->what = what;
}

/* "max" on v2 (or v1 files that take it), -1 on v1 files that want it. */
static void limit_str(char *buf, size_t len, int64_t v, const char *unlimited)
{
	if (v < 0)
		snprintf(buf, len, "%s", unlimited);
	else
		snprintf(buf, len, "%" PRId64, v);
}

static void plan_cpu(struct plan *p, const struct alc_resources *r)
{
	char q[32];
	if (r->set & ALC_RES_CPU_QUOTA) {
		if (p->use_v2) {
			limit_str(q, sizeof(q), r->cpu_quota_us, "max");
			add(p, 0, "cpu.max", 0, ALC_CTRL_CPU, "cpu quota", "%s %" PRIu64, q,
			    r->cpu_period_us);
		} else {
			add(p, ALC_H_CPU, "cpu.cfs_period_us", 0, ALC_CTRL_CPU, "cpu period",
			    "%" PRIu64, r->cpu_period_us);
			add(p, ALC_H_CPU, "cpu.cfs_quota_us", 1, ALC_CTRL_CPU, "cpu quota",
			    "%" PRId64, r->cpu_quota_us < 0 ? -1 : r->cpu_quota_us);
		}
	}
	if (r->set & ALC_RES_CPU_SHARES) {
		if (p->use_v2)
			add(p, 0, "cpu.weight", 0, ALC_CTRL_CPU, "cpu shares", "%" PRIu64,
			    alc_shares_to_weight(r->cpu_shares));
		else
			add(p, ALC_H_CPU, "cpu.shares", 0, ALC_CTRL_CPU, "cpu shares", "%" PRIu64,
			    r->cpu_shares);
	}
	if (r->set & ALC_RES_CPU_BURST)
		add(p, ALC_H_CPU, p->use_v2 ? "cpu.max.burst" : "cpu.cfs_burst_us", 1, ALC_CTRL_CPU,
		    "cpu burst", "%" PRIu64, r->cpu_burst_us);
}

static int plan_memory(struct plan *p, const struct alc_resources *r, alc_err *err)
{
	char v[32];
	if (r->set & ALC_RES_MEMORY) {
		limit_str(v, sizeof(v), r->memory, p->use_v2 ? "max" : "-1");
		add(p, ALC_H_MEMORY, p->use_v2 ? "memory.max" : "memory.limit_in_bytes", 0,
		    ALC_CTRL_MEMORY, "memory limit", "%s", v);
	}
	if (r->set & ALC_RES_MEMORY_HIGH) {
		limit_str(v, sizeof(v), r->memory_high, p->use_v2 ? "max" : "-1");
		add(p, ALC_H_MEMORY, p->use_v2 ? "memory.high" : "memory.soft_limit_in_bytes", 0,
		    ALC_CTRL_MEMORY, "memory high", "%s", v);
	}
	if (r->set & ALC_RES_MEMORY_LOW) {
		limit_str(v, sizeof(v), r->memory_low, p->use_v2 ? "max" : "-1");
		add(p, ALC_H_MEMORY, p->use_v2 ? "memory.low" : "memory.soft_limit_in_bytes", 0,
		    ALC_CTRL_MEMORY, "memory reservation", "%s", v);
	}
	if (!(r->set & ALC_RES_MEMORY_SWAP))
		return 0;
	if (!(r->set & ALC_RES_MEMORY) || r->memory < 0)
		return alc_err_setx(err, EINVAL, "memory+swap limit needs a memory limit");
	if (r->memory_swap >= 0 && r->memory_swap < r->memory)
		return alc_err_setx(err, EINVAL,
				    "memory+swap limit %" PRId64
				    " is below the memory limit %" PRId64,
				    r->memory_swap, r->memory);
	if (p->use_v2) {
		limit_str(v, sizeof(v), r->memory_swap < 0 ? -1 : r->memory_swap - r->memory,
			  "max");
		add(p, 0, "memory.swap.max", 1, ALC_CTRL_MEMORY, "swap limit", "%s", v);
	} else {
		limit_str(v, sizeof(v), r->memory_swap, "-1");
		add(p, ALC_H_MEMORY, "memory.memsw.limit_in_bytes", 1, ALC_CTRL_MEMORY,
		    "memory+swap limit", "%s", v);
	}
	return 0;
}

static void plan_io(struct plan *p, const struct alc_resources *r)
{
	static const char *const v1files[4] = {
		"blkio.throttle.read_bps_device",
		"blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device",
		"blkio.throttle.write_iops_device",
	};
	static const char *const v2keys[4] = { "rbps", "wbps", "riops", "wiops" };
	for (size_t i = 0; i < r->n_io; i++) {
		const struct alc_throttle *t = &r->io[i];
		uint64_t vals[4] = { t->rbps, t->wbps, t->riops, t->wiops };
		char line[96];
		int off = snprintf(line, sizeof(line), "%u:%u", t->major, t->minor);
		for (int k = 0; k < 4; k++) {
			if (!vals[k])
				continue;
			if (p->use_v2)
				off += snprintf(line + off, sizeof(line) - (size_t)off,
						" %s=%" PRIu64, v2keys[k], vals[k]);
			else
				add(p, ALC_H_BLKIO, v1files[k], 0, ALC_CTRL_IO, "io limit",
				    "%u:%u %" PRIu64, t->major, t->minor, vals[k]);
		}
		if (p->use_v2)
			add(p, 0, "io.max", 0, ALC_CTRL_IO, "io limit", "%s", line);
	}
}

int alc_cg_plan_limits(int use_v2, const struct alc_resources *res, struct alc_cg_write *out,
		       alc_err *err)
{
	struct plan p = { .out = out, .n = 0, .use_v2 = use_v2 };
	if (res->set & ALC_RES_CPUSET_CPUS)
		add(&p, ALC_H_CPUSET, "cpuset.cpus", 0, ALC_CTRL_CPUSET, "cpuset cpus", "%s",
		    res->cpuset_cpus);
	if (res->set & ALC_RES_CPUSET_MEMS)
		add(&p, ALC_H_CPUSET, "cpuset.mems", 0, ALC_CTRL_CPUSET, "cpuset mems", "%s",
		    res->cpuset_mems);
	plan_cpu(&p, res);
	if ((res->set & ALC_RES_CPU_RT) && use_v2)
		return alc_err_setx(err, EOPNOTSUPP,
				    "cpu realtime runtime: cgroup v2 has no per-group realtime "
				    "budget (only v1 with CONFIG_RT_GROUP_SCHED)");
	if (res->set & ALC_RES_CPU_RT) {
		if (res->cpu_rt_period_us)
			add(&p, ALC_H_CPU, "cpu.rt_period_us", 0, ALC_CTRL_CPU,
			    "cpu realtime period", "%" PRIu64, res->cpu_rt_period_us);
		add(&p, ALC_H_CPU, "cpu.rt_runtime_us", 1, ALC_CTRL_CPU, "cpu realtime runtime",
		    "%" PRId64, res->cpu_rt_runtime_us < 0 ? -1 : res->cpu_rt_runtime_us);
	}
	int r = plan_memory(&p, res, err);
	if (r < 0)
		return r;
	if (res->set & ALC_RES_PIDS) {
		char v[32];
		limit_str(v, sizeof(v), res->pids, "max");
		add(&p, ALC_H_PIDS, "pids.max", 0, ALC_CTRL_PIDS, "pids limit", "%s", v);
	}
	if (res->set & ALC_RES_IO)
		plan_io(&p, res);
	if (p.n >= ALC_CG_MAX_WRITES)
		return alc_err_setx(err, E2BIG, "too many cgroup settings (over %d)",
				    ALC_CG_MAX_WRITES - 1);
	return p.n;
}

int alc_flatkv_get(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	for (const char *l = text; l && *l;) {
		if (!strncmp(l, key, klen) && l[klen] == ' ') {
			*out = strtoull(l + klen + 1, NULL, 10);
			return 0;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return -ENOENT;
}

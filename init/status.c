/* What `alcove ctl status` and `alcove ctl log` print about services. The
 * table's columns are stable (alcove-ctl(1)): NAME STATE PID RESTARTS CPU
 * MEMORY CLASS QUOTA, "-" where a value does not apply. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "supervisor.h"

/* Usage and memory from the cgroup; false when there is none. */
static bool stats(struct svc_rt *rt, struct alc_cg_stats *st)
{
	memset(st, 0, sizeof(*st));
	return rt->live && rt->proc.has_cg && alc_cgroup_stats(&rt->proc.c.cg, st) == 0;
}

static void human(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGT";
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

/* The CPUs the service may use per period: the scheduler's quota, or
 * its own cpus limit. */
static void quota(struct supervisor *s, struct svc_rt *rt, char *buf, size_t len)
{
	uint64_t q, period;
	if (rt->scheduled && s->engine && sched_engine_quota(s->engine, rt->rel, &q, &period) == 0)
		if (q == UINT64_MAX)
			snprintf(buf, len, "max");
		else
			snprintf(buf, len, "%.2f", (double)q / (double)period);
	else
		snprintf(buf, len, "%s", rt->def && rt->def->cpus ? rt->def->cpus : "-");
}

static void row(struct supervisor *s, struct svc_rt *rt, FILE *out)
{
	struct alc_cg_stats st;
	char pid[16] = "-", cpu[24] = "-", mem[16] = "-", q[24];
	bool have = stats(rt, &st);
	if (rt->live)
		snprintf(pid, sizeof(pid), "%d", (int)rt->pid);
	if (have) {
		snprintf(cpu, sizeof(cpu), "%.2fs", (double)st.cpu_usage_us / 1e6);
		human(st.memory_current, mem, sizeof(mem));
	}
	quota(s, rt, q, sizeof(q));
	fprintf(out, "%-20s %-9s %-7s %-8u %-9s %-8s %-8s %s\n", rt->name, sup_state_name(rt->st),
		pid, rt->restarts, cpu, mem, rt->def && rt->def->class ? rt->def->class : "-", q);
}

static void detail(struct supervisor *s, struct svc_rt *rt, FILE *out)
{
	struct alc_cg_stats st;
	char q[24], mem[16];
	bool have = stats(rt, &st);
	quota(s, rt, q, sizeof(q));
	fprintf(out, "name: %s\nstate: %s\n", rt->name, sup_state_name(rt->st));
	if (rt->live)
		fprintf(out, "pid: %d\n", (int)rt->pid);
	fprintf(out, "restarts: %u\ncgroup: %s\n", rt->restarts, rt->rel);
	if (have) {
		human(st.memory_current, mem, sizeof(mem));
		fprintf(out, "cpu: %.2fs\nmemory: %s\npids: %" PRIu64 "\n",
			(double)st.cpu_usage_us / 1e6, mem, st.pids_current);
	}
	fprintf(out, "class: %s\nquota: %s\n", rt->def && rt->def->class ? rt->def->class : "-", q);
	if (rt->def)
		fprintf(out, "source: %s\n", rt->def->source);
	fprintf(out, "last: %s\n", rt->why[0] ? rt->why : "-");
}

int sup_status(struct supervisor *s, const char *name, FILE *out)
{
	if (name) {
		struct svc_rt *rt = sup_find(s, name);
		if (!rt)
			return -ENOENT;
		detail(s, rt, out);
		return 0;
	}
	fprintf(out, "%-20s %-9s %-7s %-8s %-9s %-8s %-8s %s\n", "NAME", "STATE", "PID", "RESTARTS",
		"CPU", "MEMORY", "CLASS", "QUOTA");
	for (size_t i = 0; i < s->n; i++)
		row(s, s->rt[i], out);
	for (size_t i = 0; i < s->n_old; i++)
		row(s, s->old[i], out);
	return 0;
}

int sup_log(struct supervisor *s, const char *name, FILE *out)
{
	struct svc_rt *rt = sup_find(s, name);
	if (!rt)
		return -ENOENT;
	if (!rt->ring.buf)
		return -EINVAL;
	struct iovec iov[2];
	int n = logring_spans(&rt->ring, iov);
	for (int i = 0; i < n; i++)
		fwrite(iov[i].iov_base, 1, iov[i].iov_len, out);
	return 0;
}

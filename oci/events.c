/* `alcove events`: a container's cgroup statistics as runc prints them, one
 * JSON object per line ({"type":"stats","id":..,"data":{cpu, memory,
 * pids}}), once with --stats or every interval until the container stops,
 * with {"type":"oom","id":..} lines when its cgroup records a new OOM kill. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fileio.h"
#include "oci.h"

int oci_parse_duration_ms(const char *text, uint64_t *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
	double total = 0;
	const char *p = text;
	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0 || (*p < '0' || *p > '9'))
			return -EINVAL;
		size_t i = 0, n = sizeof(units) / sizeof(*units);
		while (i < n && strncmp(end, units[i].unit, strlen(units[i].unit)))
			i++;
		if (i == n)
			return -EINVAL;
		p = end + strlen(units[i].unit);
		total += v * units[i].ms;
	}
	if (total < 1 || total > 86400000)
		return -EINVAL;
	*ms = (uint64_t)total;
	return 0;
}

/* A number from one file of the group in hierarchy h ("max": -1 as
 * UINT64_MAX, absent: 0). */
static uint64_t num(const struct alc_cgroup *cg, enum alc_hier h, const char *file)
{
	_cleanup_free_ char *text = NULL;
	if (cg->fd[h] < 0 || alc_read_file_at(cg->fd[h], file, &text) < 0)
		return 0;
	return strncmp(text, "max", 3) ? strtoull(text, NULL, 10) : UINT64_MAX;
}

static uint64_t key(const struct alc_cgroup *cg, enum alc_hier h, const char *file, const char *k)
{
	_cleanup_free_ char *text = NULL;
	uint64_t v = 0;
	if (cg->fd[h] >= 0 && alc_read_file_at(cg->fd[h], file, &text) >= 0)
		alc_flatkv_get(text, k, &v);
	return v;
}

static void put(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static json_object *object_in(json_object *parent, const char *k)
{
	json_object *o = json_object_new_object();
	json_object_object_add(parent, k, o);
	return o;
}

/* memory.stat's "key value" lines as an object. */
static void raw_memory(const struct alc_cgroup *cg, enum alc_hier h, json_object *raw)
{
	_cleanup_free_ char *text = NULL;
	if (cg->fd[h] < 0 || alc_read_file_at(cg->fd[h], "memory.stat", &text) < 0)
		return;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');
		if (sp) {
			*sp = '\0';
			put(raw, l, strtoull(sp + 1, NULL, 10));
		}
	}
}

static json_object *stats_data(struct alc_cgroup *cg)
{
	struct alc_cg_stats st;
	bool v2 = cg->layout == ALC_CG_V2;
	enum alc_hier mem = v2 ? ALC_H_V2 : ALC_H_MEMORY, pids = v2 ? ALC_H_V2 : ALC_H_PIDS;
	alc_cgroup_stats(cg, &st);
	json_object *data = json_object_new_object();
	json_object *cpu = object_in(data, "cpu"), *usage = object_in(cpu, "usage");
	put(usage, "total", st.cpu_usage_us * 1000);
	if (cg->fd[ALC_H_V2] >= 0) {
		put(usage, "kernel", key(cg, ALC_H_V2, "cpu.stat", "system_usec") * 1000);
		put(usage, "user", key(cg, ALC_H_V2, "cpu.stat", "user_usec") * 1000);
	} else {
		put(usage, "kernel", num(cg, ALC_H_CPUACCT, "cpuacct.usage_sys"));
		put(usage, "user", num(cg, ALC_H_CPUACCT, "cpuacct.usage_user"));
	}
	json_object *thr = object_in(cpu, "throttling");
	put(thr, "periods", st.nr_periods);
	put(thr, "throttledPeriods", st.nr_throttled);
	put(thr, "throttledTime", st.throttled_us * 1000);
	json_object *memory = object_in(data, "memory"), *mu = object_in(memory, "usage");
	put(mu, "usage", st.memory_current);
	put(mu, "max", st.memory_peak);
	put(mu, "limit", num(cg, mem, v2 ? "memory.max" : "memory.limit_in_bytes"));
	put(mu, "failcnt",
	    v2 ? key(cg, mem, "memory.events", "max") : num(cg, mem, "memory.failcnt"));
	raw_memory(cg, mem, object_in(memory, "raw"));
	json_object *p = object_in(data, "pids");
	put(p, "current", st.pids_current);
	uint64_t lim = num(cg, pids, "pids.max");
	put(p, "limit", lim == UINT64_MAX ? 0 : lim);
	return data;
}

static void emit(FILE *out, const char *type, const char *id, json_object *data)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(o, "data", data);
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(out);
	json_object_put(o);
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int oci_events(const char *root, const char *id, bool once, uint64_t interval_ms, FILE *out,
	       alc_err *err)
{
	struct oci_state st;
	int r = oci_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	struct alc_cgroup cg;
	if (st.status == OCI_STOPPED || st.status == OCI_CREATING)
		r = alc_err_setx(err, ESRCH, "container \"%s\" is %s", id,
				 oci_status_name(st.status));
	else if (!st.cgroup_path)
		r = alc_err_setx(err, ENOENT, "container \"%s\" has no cgroup", id);
	else
		r = alc_cgroup_open(&cg, NULL, st.cgroup_path, err);
	if (r < 0) {
		oci_state_free(&st);
		return r;
	}
	struct alc_cg_stats s0;
	alc_cgroup_stats(&cg, &s0);
	uint64_t ooms = s0.oom_kills, tick = interval_ms < 100 ? interval_ms : 100, waited = 0;
	emit(out, "stats", id, stats_data(&cg));
	while (!once && oci_pid_matches(st.pid, st.pid_start)) {
		sleep_ms(tick);
		waited += tick;
		struct alc_cg_stats now;
		alc_cgroup_stats(&cg, &now);
		for (; ooms < now.oom_kills; ooms++)
			emit(out, "oom", id, NULL);
		if (waited >= interval_ms && oci_pid_matches(st.pid, st.pid_start)) {
			emit(out, "stats", id, stats_data(&cg));
			waited = 0;
		}
	}
	for (int h = 0; h < ALC_H_COUNT; h++)
		if (cg.fd[h] >= 0)
			close(cg.fd[h]);
	oci_state_free(&st);
	return 0;
}

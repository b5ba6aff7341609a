/* config.json "linux.resources": cpu, memory, pids, blockIO throttling and
 * the device access rules. 0 leaves a limit unset and -1 means unlimited,
 * as runc reads them. */
#include <errno.h>
#include <string.h>

#include "array.h"
#include "config_internal.h"

/* A limit that is -1 (unlimited), 0 (unset) or a positive amount; returns
 * 1 when set, 0 when unset or absent, -EINVAL. */
static int opt_limit(struct oci_jp *jp, json_object *o, const char *key, int64_t *out)
{
	int64_t v;
	int r = jp_opt_int(jp, o, key, INT64_MIN, INT64_MAX, &v);
	if (r <= 0)
		return r;
	if (v < -1)
		return jp_fail_key(jp, key, "want -1 (unlimited), 0 (unset) or a positive value");
	*out = v;
	return v != 0;
}

static int opt_cpuset(struct oci_jp *jp, json_object *o, const char *key, char **dst)
{
	const char *s;
	int r = jp_opt_string(jp, o, key, &s);
	if (r <= 0 || !*s)
		return r < 0 ? r : 0;
	r = jp_strdup(jp, dst, s);
	return r < 0 ? r : 1;
}

static int parse_cpu(struct oci_jp *jp, json_object *cpu, void *ctx)
{
	struct alc_resources *res = ctx;
	uint64_t shares = 0, period = 0, burst;
	int64_t quota = 0;
	int r = jp_opt_uint(jp, cpu, "shares", UINT64_MAX, &shares);
	if (r > 0 && shares)
		res->set |= ALC_RES_CPU_SHARES;
	res->cpu_shares = shares;
	r = r < 0 ? r : opt_limit(jp, cpu, "quota", &quota);
	if (r > 0 && quota > 0 && quota < 1000)
		r = jp_fail_key(jp, "quota", "want -1 or at least 1000 (microseconds)");
	r = r < 0 ? r : jp_opt_uint(jp, cpu, "period", UINT64_MAX, &period);
	if (r > 0 && period && (period < 1000 || period > 1000000))
		r = jp_fail_key(jp, "period", "want 1000 to 1000000 (microseconds)");
	if (r >= 0 && (quota || period)) {
		res->set |= ALC_RES_CPU_QUOTA;
		res->cpu_quota_us = quota ? quota : -1;
		res->cpu_period_us = period ? period : 100000;
	}
	if (r >= 0 && (r = jp_opt_uint(jp, cpu, "burst", UINT64_MAX, &burst)) > 0) {
		res->set |= ALC_RES_CPU_BURST;
		res->cpu_burst_us = burst;
	}
	int64_t rt = 0;
	uint64_t rt_period = 0;
	if (r >= 0 && (r = opt_limit(jp, cpu, "realtimeRuntime", &rt)) > 0) {
		res->set |= ALC_RES_CPU_RT;
		res->cpu_rt_runtime_us = rt;
	}
	if (r >= 0 && (r = jp_opt_uint(jp, cpu, "realtimePeriod", UINT64_MAX, &rt_period)) > 0 &&
	    rt_period) {
		if (!(res->set & ALC_RES_CPU_RT))
			return jp_fail_key(jp, "realtimePeriod", "needs realtimeRuntime");
		if (rt > 0 && (uint64_t)rt > rt_period)
			return jp_fail_key(jp, "realtimeRuntime", "above realtimePeriod");
		res->cpu_rt_period_us = rt_period;
	}
	if (r >= 0 && (r = opt_cpuset(jp, cpu, "cpus", &res->cpuset_cpus)) > 0)
		res->set |= ALC_RES_CPUSET_CPUS;
	if (r >= 0 && (r = opt_cpuset(jp, cpu, "mems", &res->cpuset_mems)) > 0)
		res->set |= ALC_RES_CPUSET_MEMS;
	return r < 0 ? r : 0;
}

static int parse_memory(struct oci_jp *jp, json_object *mem, void *ctx)
{
	struct alc_resources *res = ctx;
	int r = opt_limit(jp, mem, "limit", &res->memory);
	if (r > 0)
		res->set |= ALC_RES_MEMORY;
	if (r >= 0 && (r = opt_limit(jp, mem, "reservation", &res->memory_low)) > 0)
		res->set |= ALC_RES_MEMORY_LOW;
	if (r >= 0 && (r = opt_limit(jp, mem, "swap", &res->memory_swap)) > 0) {
		bool limited = (res->set & ALC_RES_MEMORY) && res->memory > 0;
		if (res->memory_swap > 0 && !limited)
			return jp_fail_key(jp, "swap", "needs a memory limit");
		if (res->memory_swap > 0 && res->memory_swap < res->memory)
			return jp_fail_key(jp, "swap",
					   "below the memory limit (it counts "
					   "memory + swap)");
		if (limited) /* unlimited swap without a limit changes nothing */
			res->set |= ALC_RES_MEMORY_SWAP;
	}
	return r < 0 ? r : 0;
}

static int parse_pids(struct oci_jp *jp, json_object *pids, void *ctx)
{
	struct alc_resources *res = ctx;
	int64_t limit;
	int r = jp_opt_int(jp, pids, "limit", INT64_MIN, INT64_MAX, &limit);
	if (r == 0)
		return jp_fail_key(jp, "limit", "missing");
	if (r > 0 && limit) { /* 0: unset; below 0: unlimited */
		res->set |= ALC_RES_PIDS;
		res->pids = limit < 0 ? -1 : limit;
	}
	return r < 0 ? r : 0;
}

static uint64_t *throttle_slot(struct alc_resources *res, uint32_t major, uint32_t minor, int k)
{
	struct alc_throttle *t = NULL;
	for (size_t i = 0; i < res->n_io && !t; i++)
		if (res->io[i].major == major && res->io[i].minor == minor)
			t = &res->io[i];
	struct alc_throttle fresh = { .major = major, .minor = minor };
	if (!t && ALC_PUSH(res->io, res->n_io, fresh) < 0)
		return NULL;
	t = t ? t : &res->io[res->n_io - 1];
	uint64_t *slots[4] = { &t->rbps, &t->wbps, &t->riops, &t->wiops };
	return slots[k];
}

struct throttle_kind {
	struct alc_resources *res;
	int k; /* rbps, wbps, riops, wiops */
};

static int throttle_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct throttle_kind *t = ctx;
	uint64_t major, minor, rate;
	int r = jp_req_uint(jp, o, "major", UINT32_MAX, &major);
	r = r ?: jp_req_uint(jp, o, "minor", UINT32_MAX, &minor);
	r = r ?: jp_req_uint(jp, o, "rate", UINT64_MAX, &rate);
	if (r < 0)
		return r;
	uint64_t *slot = throttle_slot(t->res, (uint32_t)major, (uint32_t)minor, t->k);
	if (!slot)
		return jp_nomem(jp);
	*slot = rate;
	t->res->set |= ALC_RES_IO;
	return 0;
}

static int parse_block_io(struct oci_jp *jp, json_object *bio, void *ctx)
{
	static const char *const keys[4] = {
		"throttleReadBpsDevice",
		"throttleWriteBpsDevice",
		"throttleReadIOPSDevice",
		"throttleWriteIOPSDevice",
	};
	int r = 0;
	for (int k = 0; r >= 0 && k < 4; k++) {
		struct throttle_kind t = { ctx, k };
		r = jp_each_object(jp, bio, keys[k], throttle_elem, &t);
	}
	return r;
}

/* A device number that may be left out, null or -1: any. */
static int opt_devnum(struct oci_jp *jp, json_object *o, const char *key, int64_t *out)
{
	*out = -1;
	int r = jp_opt_int(jp, o, key, -1, UINT32_MAX, out);
	return r < 0 ? r : 0;
}

static int dev_rule(struct oci_jp *jp, json_object *o, struct alc_dev_rule *d)
{
	const char *type = "a", *access = "rwm";
	int r = 0;
	if (!jp_get(o, "allow"))
		r = jp_fail_key(jp, "allow", "missing");
	r = r < 0 ? r : jp_opt_bool(jp, o, "allow", &d->allow);
	r = r < 0 ? r : jp_opt_string(jp, o, "type", &type);
	if (r >= 0 && (strlen(type) != 1 || !strchr("abc", type[0])))
		r = jp_fail_key(jp, "type", "want \"a\", \"b\" or \"c\"");
	r = r < 0 ? r : opt_devnum(jp, o, "major", &d->major);
	r = r < 0 ? r : opt_devnum(jp, o, "minor", &d->minor);
	r = r < 0 ? r : jp_opt_string(jp, o, "access", &access);
	if (r >= 0 && (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)))
		r = jp_fail_key(jp, "access", "want letters of \"rwm\"");
	if (r < 0)
		return r;
	d->type = type[0];
	memcpy(d->access, *access ? access : "rwm", strlen(*access ? access : "rwm") + 1);
	return 0;
}

static int dev_rule_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	struct alc_dev_rule d = { 0 };
	int r = dev_rule(jp, o, &d);
	if (r >= 0 && ALC_PUSH(spec->dev_rules, spec->n_dev_rules, d) < 0)
		r = jp_nomem(jp);
	return r;
}

int oci_parse_resources(struct oci_jp *jp, json_object *resj, struct alc_spec *spec)
{
	struct alc_resources *res = &spec->res;
	res->cpu_period_us = 100000;
	int r = jp_sub(jp, resj, "cpu", parse_cpu, res);
	r = r < 0 ? r : jp_sub(jp, resj, "memory", parse_memory, res);
	r = r < 0 ? r : jp_sub(jp, resj, "pids", parse_pids, res);
	r = r < 0 ? r : jp_sub(jp, resj, "blockIO", parse_block_io, res);
	r = r < 0 ? r : jp_each_object(jp, resj, "devices", dev_rule_elem, spec);
	return r < 0 ? r : 0;
}

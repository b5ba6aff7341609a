#include "procattr.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* sched_setattr(2)'s argument (SCHED_ATTR_SIZE_VER1); libc has none. */
struct alc_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

#define ALC_SCHED_DEADLINE 6
#define ALC_IOPRIO_WHO_PROCESS 1
#define ALC_IOPRIO_CLASS_SHIFT 13

static const struct {
	const char *name;
	int policy;
} policies[] = {
	{ "SCHED_OTHER", SCHED_OTHER },
	{ "SCHED_FIFO", SCHED_FIFO },
	{ "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", 3 },
	{ "SCHED_IDLE", 5 },
	{ "SCHED_DEADLINE", ALC_SCHED_DEADLINE },
};

static const struct {
	const char *name;
	uint64_t bit;
} flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

int alc_sched_policy_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(policies) / sizeof(*policies); i++)
		if (!strcmp(policies[i].name, name))
			return policies[i].policy;
	return -1;
}

uint64_t alc_sched_flag_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
		if (!strcmp(flags[i].name, name))
			return flags[i].bit;
	return 0;
}

static const char *policy_name(int policy)
{
	for (size_t i = 0; i < sizeof(policies) / sizeof(*policies); i++)
		if (policies[i].policy == policy)
			return policies[i].name;
	return "?";
}

const char *alc_procattr_sched_check(const struct alc_procattr *pa)
{
	bool rt = pa->policy == SCHED_FIFO || pa->policy == SCHED_RR;
	if (rt && (pa->priority < 1 || pa->priority > 99))
		return "priority: want 1 to 99 for SCHED_FIFO and SCHED_RR";
	if (!rt && pa->priority != 0)
		return "priority: only SCHED_FIFO and SCHED_RR take one (want 0)";
	if (pa->nice < -20 || pa->nice > 19)
		return "nice: want -20 to 19";
	if (pa->policy != ALC_SCHED_DEADLINE) {
		if (pa->runtime || pa->deadline || pa->period)
			return "runtime, deadline and period are for SCHED_DEADLINE only";
		return NULL;
	}
	if (!pa->runtime || !pa->deadline)
		return "SCHED_DEADLINE needs runtime and deadline";
	/* The kernel's bounds: at least 1 us of runtime (1024 ns), runtime <=
	 * deadline <= period (period 0: the deadline). */
	uint64_t period = pa->period ? pa->period : pa->deadline;
	if (pa->runtime < 1024)
		return "runtime: want at least 1024 ns";
	if (pa->runtime > pa->deadline || pa->deadline > period)
		return "want runtime <= deadline <= period";
	return NULL;
}

/* Parses one number of a CPU list at *p; returns it or -1. */
static long cpu_number(const char **p)
{
	char *end;
	if (**p < '0' || **p > '9')
		return -1;
	long v = strtol(*p, &end, 10);
	*p = end;
	return v;
}

bool alc_cpus_has(const struct alc_cpus *set, unsigned n)
{
	return n < ALC_CPUS_MAX && (set->bits[n / 64] >> (n % 64)) & 1;
}

unsigned alc_cpus_count(const struct alc_cpus *set)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ALC_CPUS_MAX; i++)
		n += alc_cpus_has(set, i);
	return n;
}

int alc_cpulist_parse(const char *text, struct alc_cpus *set, char *why, size_t len)
{
	const char *p = text;
	memset(set, 0, sizeof(*set));
	if (!*p) {
		snprintf(why, len, "an empty CPU list");
		return -EINVAL;
	}
	while (*p) {
		long a = cpu_number(&p), b = a;
		if (a >= 0 && *p == '-') {
			p++;
			b = cpu_number(&p);
		}
		if (a < 0 || b < 0 || (*p && *p != ',') || (*p == ',' && !p[1])) {
			snprintf(why, len, "\"%.64s\" is not a CPU list (want e.g. 0-3,6)", text);
			return -EINVAL;
		}
		if (b < a) {
			snprintf(why, len, "the range %ld-%ld is reversed", a, b);
			return -EINVAL;
		}
		if (b >= ALC_CPUS_MAX) {
			snprintf(why, len, "CPU %ld is beyond the %d this build handles", b,
				 ALC_CPUS_MAX);
			return -EINVAL;
		}
		for (long c = a; c <= b; c++)
			set->bits[c / 64] |= 1ULL << (c % 64);
		p += *p == ',';
	}
	return 0;
}

int alc_procattr_apply(const struct alc_procattr *pa, alc_err *err)
{
	if (pa->has_sched) {
		struct alc_sched_attr a = {
			.size = sizeof(a),
			.sched_policy = (uint32_t)pa->policy,
			.sched_flags = pa->flags,
			.sched_nice = pa->nice,
			.sched_priority = (uint32_t)pa->priority,
			.sched_runtime = pa->runtime,
			.sched_deadline = pa->deadline,
			.sched_period = pa->period,
		};
		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
			int e = errno;
			return alc_err_set(
				err, e, "process.scheduler: sched_setattr %s%s",
				policy_name(pa->policy),
				e == EPERM && (pa->policy == SCHED_FIFO || pa->policy == SCHED_RR)
					? " (on cgroup v1 the container's cpu group "
					  "needs a realtime budget: "
					  "linux.resources.cpu.realtimeRuntime)"
					: "");
		}
	}
	if (pa->has_ioprio) {
		int v = (pa->io_class << ALC_IOPRIO_CLASS_SHIFT) | pa->io_level;
		if (syscall(SYS_ioprio_set, ALC_IOPRIO_WHO_PROCESS, 0, v) < 0)
			return alc_err_set(err, errno, "process.ioPriority: ioprio_set");
	}
	return 0;
}

int alc_procattr_affinity(const struct alc_procattr *pa, bool initial, alc_err *err)
{
	if (!(initial ? pa->has_initial : pa->has_final))
		return 0;
	const struct alc_cpus *want = initial ? &pa->initial : &pa->final;
	cpu_set_t set;
	CPU_ZERO(&set);
	for (unsigned c = 0; c < ALC_CPUS_MAX && c < CPU_SETSIZE; c++)
		if (alc_cpus_has(want, c))
			CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return alc_err_set(err, errno, "process.execCPUAffinity.%s: sched_setaffinity",
				   initial ? "initial" : "final");
	return 0;
}

/* Class names, presets and base settings; sched/README.md explains the numbers. */
#include <errno.h>
#include <string.h>

#include "classes.h"

static const char *const class_names[SCHED_CLASS_COUNT] = {
	[SCHED_LATENCY] = "latency",
	[SCHED_DEFAULT] = "default",
	[SCHED_BATCH] = "batch",
};

int sched_class_parse(const char *s, enum sched_class *out)
{
	if (!s)
		return -EINVAL;
	for (int c = 0; c < SCHED_CLASS_COUNT; c++) {
		if (strcmp(s, class_names[c]) == 0) {
			*out = (enum sched_class)c;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sched_class_name(enum sched_class c)
{
	if ((unsigned)c >= SCHED_CLASS_COUNT)
		return "?";
	return class_names[c];
}

void sched_class_preset(enum sched_class c, unsigned ncpus, struct sched_params *out)
{
	uint64_t n = ncpus ? ncpus : 1;

	memset(out, 0, sizeof(*out));
	switch (c) {
	case SCHED_LATENCY:
		/* Short period: a throttled latency task waits at most ~10 ms. */
		out->period_us = 10000;
		out->min_quota_us = out->period_us;
		out->burst_us = out->period_us / 2;
		/* 5% of wall time: above the residual stall that the weights
		 * leave (0.4-2.6% measured next to idle-weight hogs on a busy
		 * 2-CPU VM), so that only a stall they cannot fix escalates. */
		out->target_stall_us = 50000;
		out->weight = 1000;
		break;
	case SCHED_BATCH:
		/* Long period: fewer, longer runs, better for caches and throughput. */
		out->period_us = 200000;
		out->min_quota_us = out->period_us / 20; /* 0.05 CPU: never starved */
		out->target_stall_us = 0;		 /* its stall is expected, not a signal */
		out->weight = 1;
		out->idle = true;
		break;
	case SCHED_DEFAULT:
	default:
		out->period_us = 100000; /* the kernel's default period */
		out->min_quota_us = out->period_us / 10;
		out->target_stall_us = 100000; /* 10% of wall time */
		out->weight = 100;
		break;
	}
	out->max_quota_us = n * out->period_us;
}

int sched_params_check(const struct sched_params *p)
{
	if (p->period_us < SCHED_PERIOD_MIN_US || p->period_us > SCHED_PERIOD_MAX_US)
		return -EINVAL;
	if (p->min_quota_us < SCHED_QUOTA_MIN_US || p->min_quota_us > p->max_quota_us)
		return -EINVAL;
	if (p->burst_us > p->max_quota_us)
		return -EINVAL;
	if (p->weight < 1 || p->weight > 10000)
		return -EINVAL;
	return 0;
}

uint64_t sched_class_start_quota(enum sched_class c, const struct sched_params *p)
{
	return c == SCHED_LATENCY ? p->min_quota_us : p->max_quota_us;
}

void sched_class_base(enum sched_class c, const struct sched_params *p, struct sched_base *out)
{
	out->weight = p->weight;
	out->idle = p->idle;
	out->period_us = p->period_us;
	out->quota_us = sched_class_start_quota(c, p);
	/* The kernel refuses a burst above the quota. */
	out->burst_us = p->burst_us < out->quota_us ? p->burst_us : out->quota_us;
}

uint64_t sched_weight_to_shares(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 2 + ((weight - 1) * 262142 + 9998) / 9999;
}

/* Scheduling classes of managed groups (latency, default, batch): their
 * parameter presets and the static base settings (weight, idle, burst) the
 * daemon writes once. Pure: no I/O. The dynamic part is in law.h. */
#ifndef ALC_SCHED_CLASSES_H
#define ALC_SCHED_CLASSES_H

#include <stdbool.h>
#include <stdint.h>

enum sched_class { SCHED_LATENCY, SCHED_DEFAULT, SCHED_BATCH, SCHED_CLASS_COUNT };

/* Kernel bounds on cpu.max (kernel/sched/core.c): period 1 ms..1 s, quota >= 1 ms. */
#define SCHED_PERIOD_MIN_US 1000ULL
#define SCHED_PERIOD_MAX_US 1000000ULL
#define SCHED_QUOTA_MIN_US 1000ULL
/* A quota of "max": no limit. */
#define SCHED_QUOTA_UNLIMITED UINT64_MAX

struct sched_params {
	uint64_t period_us;    /* cpu.max period */
	uint64_t min_quota_us; /* floor: the law never sets a lower quota */
	uint64_t max_quota_us; /* ceiling; SCHED_QUOTA_UNLIMITED for none */
	uint64_t burst_us;     /* base cpu.max.burst (0 for none); the law keeps it <= quota */
	uint64_t
		target_stall_us; /* max PSI "some" stall per second of wall time; 0 = not watched */
	uint64_t weight;	 /* cpu.weight, 1..10000 (v2 scale; 100 is the kernel default) */
	bool idle;		 /* cpu.idle=1 */
};

/* The static settings of a group that the daemon writes once, before the law runs. */
struct sched_base {
	uint64_t weight;    /* cpu.weight 1..10000; on v1 see sched_weight_to_shares */
	bool idle;	    /* cpu.idle (5.15+); without it, the weight alone does the work */
	uint64_t period_us; /* cpu.max period */
	uint64_t quota_us;  /* initial cpu.max quota; SCHED_QUOTA_UNLIMITED is "max" */
	uint64_t burst_us;  /* initial cpu.max.burst (5.14+) */
};

/* Parses "latency", "default" or "batch" into *out; returns 0, or -EINVAL (out untouched). */
int sched_class_parse(const char *s, enum sched_class *out);

/* Returns the name of a class ("latency", ...), or "?" for a value out of range. */
const char *sched_class_name(enum sched_class c);

/* Fills *out with the preset of class c on a machine with ncpus CPUs (0 counts as 1). */
void sched_class_preset(enum sched_class c, unsigned ncpus, struct sched_params *out);

/* Returns 0 when p is usable by the law (kernel bounds, min <= max, burst <= max,
 * weight in range), or -EINVAL. */
int sched_params_check(const struct sched_params *p);

/* Returns the quota a group of class c starts from: its floor for latency
 * (raised when it is throttled), its ceiling for default and batch. */
uint64_t sched_class_start_quota(enum sched_class c, const struct sched_params *p);

/* Fills *out with the base settings of a class c group with parameters p. */
void sched_class_base(enum sched_class c, const struct sched_params *p, struct sched_base *out);

/* Maps cpu.weight (1..10000) to v1 cpu.shares (2..262144), the inverse of
 * alc_shares_to_weight (the OCI mapping crun uses): weight 1 is shares 2. */
uint64_t sched_weight_to_shares(uint64_t weight);

#endif

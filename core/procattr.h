/* A process's scheduling attributes (OCI process.scheduler, ioPriority and
 * execCPUAffinity): the policy and its parameters through sched_setattr(2),
 * the I/O priority through ioprio_set(2), and CPU lists for affinity. The
 * container process applies them to itself before exec. */
#ifndef ALC_PROCATTR_H
#define ALC_PROCATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A CPU list as a bitmap (CPU n: bit n % 64 of word n / 64); <sched.h>'s
 * cpu_set_t stays out of the headers that include this one. */
#define ALC_CPUS_MAX 1024
struct alc_cpus {
	uint64_t bits[ALC_CPUS_MAX / 64];
};

/* True when CPU n is in the set. Pure. */
bool alc_cpus_has(const struct alc_cpus *set, unsigned n);

/* The number of CPUs in the set. Pure. */
unsigned alc_cpus_count(const struct alc_cpus *set);

struct alc_procattr {
	bool has_sched;
	int policy;	  /* SCHED_OTHER, SCHED_FIFO, ... */
	int nice;	  /* -20..19, for SCHED_OTHER and SCHED_BATCH */
	int priority;	  /* 1..99 for SCHED_FIFO and SCHED_RR, else 0 */
	uint64_t flags;	  /* SCHED_FLAG_* */
	uint64_t runtime; /* SCHED_DEADLINE, in ns */
	uint64_t deadline;
	uint64_t period;
	bool has_ioprio;
	int io_class; /* IOPRIO_CLASS_RT, _BE or _IDLE (1..3) */
	int io_level; /* 0..7 */
	bool has_initial, has_final;
	struct alc_cpus initial, final; /* execCPUAffinity, for exec only */
};

/* The policy a name ("SCHED_FIFO", ...) stands for, or -1; SCHED_ISO, which
 * Linux lacks, is -1 too. Pure. */
int alc_sched_policy_from_name(const char *name);

/* The SCHED_FLAG_* bit a name stands for, or 0. Pure. */
uint64_t alc_sched_flag_from_name(const char *name);

/* Checks the scheduler fields against the kernel's rules (priority range
 * per policy, nice range, runtime <= deadline <= period for
 * SCHED_DEADLINE); returns NULL or what is wrong. Pure. */
const char *alc_procattr_sched_check(const struct alc_procattr *pa);

/* Parses a CPU list ("0-3,6") into set; returns 0, or -EINVAL with a reason
 * in why (an empty list, bad syntax, a reversed range, a CPU beyond
 * ALC_CPUS_MAX). Pure. */
int alc_cpulist_parse(const char *text, struct alc_cpus *set, char *why, size_t len);

/* Applies the policy and the I/O priority to the calling process; runs
 * before capabilities are dropped (CAP_SYS_NICE, CAP_SYS_ADMIN). Returns 0
 * or -errno naming the field. */
int alc_procattr_apply(const struct alc_procattr *pa, alc_err *err);

/* Sets the calling process's affinity to the final (or, with initial, the
 * initial) CPU list when one is given; returns 0 or -errno. */
int alc_procattr_affinity(const struct alc_procattr *pa, bool initial, alc_err *err);

#endif

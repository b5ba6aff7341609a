/* The scheduler's decision log: a fixed ring of timestamped entries (the
 * trigger, the decision, old and new quota and burst, the write's
 * completion), formatted for `alcove sched log`. */
#ifndef ALC_SCHED_LOG_H
#define ALC_SCHED_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCHED_LOG_SIZE 512

struct sched_log_entry {
	uint64_t trigger_us; /* when the event that led here arrived */
	uint64_t decided_us; /* when the law decided */
	uint64_t written_us; /* when the write completed */
	int write_result;    /* 0 or -errno */
	char group[256];
	const char *reason;
	uint64_t old_quota_us, new_quota_us, old_burst_us, new_burst_us;
};

struct sched_log {
	struct sched_log_entry e[SCHED_LOG_SIZE];
	uint64_t count; /* entries ever added; the ring keeps the last SIZE */
};

/* Appends an entry, overwriting the oldest when full; returns it. */
struct sched_log_entry *sched_log_add(struct sched_log *log);

/* Prints the last max entries (all when 0), oldest first, one per line:
 * times relative to base_us in ms, then group, reason, quota and burst
 * changes and the trigger-to-write latency. Returns the count printed. */
size_t sched_log_print(const struct sched_log *log, size_t max, uint64_t base_us, FILE *out);

#endif

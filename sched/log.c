#include "log.h"

#include <inttypes.h>
#include <string.h>

struct sched_log_entry *sched_log_add(struct sched_log *log)
{
	struct sched_log_entry *e = &log->e[log->count % SCHED_LOG_SIZE];
	memset(e, 0, sizeof(*e));
	log->count++;
	return e;
}

static void quota_str(char *buf, size_t len, uint64_t q)
{
	if (q == UINT64_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, q);
}

size_t sched_log_print(const struct sched_log *log, size_t max, uint64_t base_us, FILE *out)
{
	uint64_t have = log->count < SCHED_LOG_SIZE ? log->count : SCHED_LOG_SIZE;
	if (max && max < have)
		have = max;
	for (uint64_t i = log->count - have; i < log->count; i++) {
		const struct sched_log_entry *e = &log->e[i % SCHED_LOG_SIZE];
		char oq[24], nq[24];
		quota_str(oq, sizeof(oq), e->old_quota_us);
		quota_str(nq, sizeof(nq), e->new_quota_us);
		fprintf(out,
			"%10.3f ms %-24s %-18s quota %s -> %s us, burst %" PRIu64 " -> %" PRIu64
			" us, written %+.3f ms after the trigger%s\n",
			(double)(e->decided_us - base_us) / 1000.0, e->group, e->reason, oq, nq,
			e->old_burst_us, e->new_burst_us,
			(double)(e->written_us - e->trigger_us) / 1000.0,
			e->write_result ? " (write failed)" : "");
	}
	return (size_t)have;
}

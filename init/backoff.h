/* The restart policy of a supervised service: after an exit, given its
 * status, how long it ran and the service's restart settings, restart now,
 * restart after a delay (exponential backoff up to a ceiling), or stop for
 * good. Pure: no clock, no I/O; the supervisor passes the times in. */
#ifndef ALC_INIT_BACKOFF_H
#define ALC_INIT_BACKOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcdef.h"

/* Per-service restart memory; zero it before the first start. */
struct svc_backoff {
	unsigned restarts; /* restarts in a row since the last long run */
	uint64_t next_ms;  /* delay before the next restart; 0 = the first step */
};

enum svc_verdict {
	SVC_NEXT_DONE, /* ended cleanly, no restart wanted (oneshot done, restart=no/on-failure) */
	SVC_NEXT_RESTART, /* restart after *delay_ms (0: now) */
	SVC_NEXT_FAILED,  /* failed and not restarted (restart=no), or the limit was reached */
};

/* Returns true when wstatus (from waitpid) is a failure: exit status other
 * than 0, or death by a signal. */
bool svc_exit_failed(int wstatus);

/* Writes "exited with status N" or "killed by signal N (SIGNAME)" to buf. */
void svc_exit_describe(int wstatus, char *buf, size_t size);

/* Decides what follows an exit with wstatus after a run of ran_ms, and
 * updates b; on SVC_NEXT_RESTART sets *delay_ms. A run of at least
 * def->restart_reset_ms starts the backoff over. */
enum svc_verdict svc_backoff_next(const struct svc_def *def, struct svc_backoff *b, int wstatus,
				  uint64_t ran_ms, uint64_t *delay_ms);

#endif

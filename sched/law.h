/* The scheduler's control law: turns one PSI/cpu.stat sample per managed
 * group into cpu.max quota and burst decisions. Pure: no I/O, no clock (time
 * comes in the samples), no global state; the daemon owns the groups. */
#ifndef ALC_SCHED_LAW_H
#define ALC_SCHED_LAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classes.h"

/* The law's constants; sched/README.md says why. */
#define SCHED_CUT_NUM 1 /* escalation: batch quota *= NUM/DEN, in the same step */
#define SCHED_CUT_DEN 2
#define SCHED_RAISE_NUM 3 /* throttled or stalled: a latency group's quota and burst *= NUM/DEN */
#define SCHED_RAISE_DEN 2
/* Escalation needs a stall that persists despite the weights: the stall not
 * explained by the group's own throttling, minus target per second, is
 * summed (a CUSUM, never below 0, at most 2 confirms' worth); a confirm's
 * worth (target * SCHED_CONFIRM_US / 1 s) escalates once and the sum restarts. A
 * stall at rate s > target escalates after target * CONFIRM / (s - target). */
#define SCHED_CONFIRM_US 2000000
/* An escalation bets that batch causes the stall. When batch has been at
 * its floors for SCHED_VERIFY_US and the smoothed stall has not halved (nor
 * become calm), the cuts are undone and the group may not escalate again
 * for a backoff, SCHED_BACKOFF_US doubling up to SCHED_BACKOFF_MAX_US. */
#define SCHED_VERIFY_US 2000000
#define SCHED_CONFIRM_AGAIN_DIV 4 /* within an escalation, a further cut needs 1/4 confirm */
#define SCHED_BACKOFF_US 10000000
#define SCHED_BACKOFF_MAX_US 160000000
/* Calm: the stall rate smoothed over SCHED_SMOOTH_US (exponential, paced by
 * time) is at most target / SCHED_CALM_DIV, and no throttling or trigger. */
#define SCHED_SMOOTH_US 500000
#define SCHED_CALM_DIV 2
#define SCHED_CALM_SAMPLES 5 /* calm ticks in a row (of SCHED_TICK_US each) before batch grows */
#define SCHED_GROW_DIV 10    /* growth: batch quota += period / GROW_DIV per calm tick */
/* Hold and growth are measured in time, not in samples: a daemon sampling
 * every 10 ms under pressure must not regrow batch ten times as fast (a
 * sawtooth bench/run protection showed). One tick is 100 ms of calm. */
#define SCHED_TICK_US 100000
/* A latency group hands raised quota back after the same hold; when it is
 * throttled again within its hold of the last hand-back, that hand-back was
 * premature (bursts come back), and its hold doubles, up to this. */
#define SCHED_HANDBACK_HOLD_MAX_US 32000000
#define SCHED_BUDGET_PERIOD_US 100000ULL /* budget period when budget->period_us is 0 */

struct sched_sample {
	uint64_t now_us;       /* monotonic time of the sample */
	uint64_t stall_us;     /* PSI "some" total (cumulative, us) of the group's cpu.pressure */
	uint64_t usage_us;     /* cumulative cpu.stat usage_usec */
	uint64_t nr_throttled; /* cumulative cpu.stat nr_throttled */
	uint64_t throttled_us; /* cumulative cpu.stat throttled_usec */
	bool trigger;	       /* a PSI trigger on this group fired since the last sample */
};

/* What the last step read from a group's sample. */
enum sched_signal {
	SCHED_SIG_NONE,	     /* no interval yet (first sample, or counters restarted) */
	SCHED_SIG_CALM,	     /* smoothed stall <= target / SCHED_CALM_DIV, not throttled */
	SCHED_SIG_WARM,	     /* neither calm nor a confirmed stall (or a trigger alone): hold */
	SCHED_SIG_STALL,     /* a stall persisting above target was confirmed: escalate */
	SCHED_SIG_THROTTLED, /* a latency group hit its own cpu.max (nr_throttled rose) */
};

struct sched_group {
	enum sched_class cls;
	struct sched_params p;
	uint64_t quota_us; /* current cpu.max quota; SCHED_QUOTA_UNLIMITED is "max" */
	uint64_t burst_us; /* current cpu.max.burst, <= quota */
	/* The law's state; the daemon reads it for its log and `alcove top`. */
	bool primed;		  /* last holds a sample */
	struct sched_sample last; /* the previous sample */
	unsigned calm_streak; /* calm ticks in a row: batch's growth gate, latency's hand-back gate
			       */
	uint64_t calm_us;     /* calm time in this streak, counted in ticks */
	uint64_t handback_hold_us;     /* calm time before a latency group hands back (doubles) */
	uint64_t handback_at_us;       /* sample time of its last hand-back; 0 for none */
	uint64_t home_quota_us;	       /* a latency group's own limit, handed back to when calm; the
					* law never lowers it below min(home, p.min_quota_us) */
	enum sched_signal signal;      /* what the last step read from this group */
	uint64_t stall_rate_us;	       /* last interval's stall, us per second */
	uint64_t smooth_rate_us;       /* stall beyond own throttling, smoothed, us per second */
	uint64_t stall_debt_us;	       /* unconfirmed stall above target (the CUSUM), us */
	uint64_t debt_since_us;	       /* when the CUSUM last rose from 0 */
	uint64_t esc_at_us;	       /* first cut of the escalation being verified; 0 for none */
	uint64_t esc_rate_us;	       /* stall rate that escalation confirmed, us per second */
	uint64_t esc_blocked_until_us; /* no escalation before this (its cuts did not help) */
	uint64_t esc_backoff_us;       /* the next block's length; 0 is SCHED_BACKOFF_US */
	uint64_t uncut_quota_us;       /* quota before the escalation being verified; 0 for none */
	bool uncut_due;		       /* batch: an undo gives uncut_quota_us back next step */
	uint64_t throttled_rate_us;    /* last interval's throttled time, us per second */
	uint64_t old_quota_us, old_burst_us; /* values before the step being made */
	int why;			     /* reason of this step's change, -1 for none */
};

/* Total CPU budgets, per period_us; a zero field is no budget. Quotas with
 * another period are scaled to it. */
struct sched_budget {
	uint64_t total_quota_us; /* sum of every group's quota */
	uint64_t batch_quota_us; /* sum of the batch groups' quotas */
	uint64_t period_us;	 /* 0 means SCHED_BUDGET_PERIOD_US */
};

enum sched_reason {
	SCHED_REASON_LATENCY_STALL, /* a latency group's stall persisted: batch cut, it raised */
	SCHED_REASON_LATENCY_THROTTLED, /* a latency group hit its cpu.max: raised, batch gives room
					 */
	SCHED_REASON_DEFAULT_STALL,	/* a default group's stall persisted: batch cut */
	SCHED_REASON_CALM_GROWTH,	/* calm long enough: batch grows back */
	SCHED_REASON_BUDGET_CLAMP,	/* a budget was exceeded: quota lowered to fit */
	SCHED_REASON_CALM_HANDBACK,	/* a calm latency group gives raised quota back */
	SCHED_REASON_BURST_FIT,		/* the burst lowered to the quota (the kernel needs <=) */
	SCHED_REASON_CUT_UNDONE,	/* cuts did not relieve the stall: batch quota restored */
	SCHED_REASON_COUNT
};

struct sched_decision {
	size_t group; /* index into the groups array */
	uint64_t old_quota_us, new_quota_us;
	uint64_t old_burst_us, new_burst_us;
	enum sched_reason why;
};

/* Returns the name of a reason ("latency_stall", ...), or "?" out of range. */
const char *sched_reason_name(enum sched_reason r);

/* Sets g to class c with parameters p (copied), at the class's start quota
 * and base burst, with no sample yet. */
void sched_group_init(struct sched_group *g, enum sched_class c, const struct sched_params *p);

/* One step: feeds samples[i] to groups[i] for i < n, updates the groups and
 * writes to out (room for n) one decision per group whose quota or burst
 * changed; returns how many. A group's first sample only primes it; only a
 * budget clamp can change a group in a step where no group has an interval.
 * budget may be NULL (no budget). */
size_t sched_law_step(struct sched_group *groups, size_t n, const struct sched_sample *samples,
		      const struct sched_budget *budget, struct sched_decision *out);

#endif

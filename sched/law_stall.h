/* Internal to the control law (law.c, law_stall.c): saturating arithmetic,
 * floors, and the stall side of the law: reading a group's signal from its
 * samples, and starting, verifying and undoing escalations. Pure. */
#ifndef ALC_SCHED_LAW_STALL_H
#define ALC_SCHED_LAW_STALL_H

#include "law.h"

#define US_PER_S 1000000ULL

/* a * b / d, rounded down (or up), saturating at UINT64_MAX. */
static inline uint64_t muldiv(uint64_t a, uint64_t b, uint64_t d, bool up)
{
	uint64_t m;

	if (a == SCHED_QUOTA_UNLIMITED || __builtin_mul_overflow(a, b, &m))
		return SCHED_QUOTA_UNLIMITED;
	return m / d + (up && m % d);
}

/* Saturating add, subtract (0 floor), min and max. */
static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

static inline uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The lowest quota the law sets: the class's floor, or a latency group's
 * own limit when that is lower (the daemon took the group over at it). */
static inline uint64_t floor_of(const struct sched_group *g)
{
	if (g->cls == SCHED_LATENCY && g->home_quota_us < g->p.min_quota_us)
		return max_u64(g->home_quota_us, SCHED_QUOTA_MIN_US);
	return g->p.min_quota_us;
}

/* Sets g's quota; the step's first reason for g is the one logged. */
static inline void set_quota(struct sched_group *g, uint64_t q, int why)
{
	if (q == g->quota_us)
		return;
	g->quota_us = q;
	if (g->why < 0)
		g->why = why;
}

/* Reads the interval since g's last sample into g->signal, its rates, its
 * smoothed stall and its CUSUM (sched/README.md, "The law", step 1). */
void sched_law_read_signal(struct sched_group *g, const struct sched_sample *s);

/* Blocks, starts and judges the groups' escalations (step 2); an undo
 * returns latency groups at once and marks batch groups due. */
void sched_law_verify(struct sched_group *g, size_t n, const struct sched_sample *s);

/* Gives batch groups marked due by an undo their earlier quota back. */
void sched_law_restore_batch(struct sched_group *g, size_t n);

#endif

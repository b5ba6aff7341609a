/* The control law; sched/README.md describes it in prose. A step reads one
 * signal per group, then acts: a throttled latency group is raised and batch
 * gives it room; a stall that persists despite the weights escalates to
 * batch cuts; calm grows batch back after a streak; budgets clamp last. */
#include <string.h>

#include "law.h"
#include "law_stall.h"

/* Calm time before batch grows: the streak's first SCHED_CALM_SAMPLES - 1
 * ticks; growth comes from the tick that completes it. */
#define SCHED_HOLD_US ((uint64_t)(SCHED_CALM_SAMPLES - 1) * SCHED_TICK_US)

static const char *const reason_names[SCHED_REASON_COUNT] = {
	[SCHED_REASON_LATENCY_STALL] = "latency_stall",
	[SCHED_REASON_LATENCY_THROTTLED] = "latency_throttled",
	[SCHED_REASON_DEFAULT_STALL] = "default_stall",
	[SCHED_REASON_CALM_GROWTH] = "calm_growth",
	[SCHED_REASON_CALM_HANDBACK] = "calm_handback",
	[SCHED_REASON_BUDGET_CLAMP] = "budget_clamp",
	[SCHED_REASON_BURST_FIT] = "burst_fit",
	[SCHED_REASON_CUT_UNDONE] = "cut_undone",
};

const char *sched_reason_name(enum sched_reason r)
{
	if ((unsigned)r >= SCHED_REASON_COUNT)
		return "?";
	return reason_names[r];
}

void sched_group_init(struct sched_group *g, enum sched_class c, const struct sched_params *p)
{
	struct sched_base b;

	memset(g, 0, sizeof(*g));
	g->cls = c;
	g->p = *p;
	sched_class_base(c, p, &b);
	g->quota_us = b.quota_us;
	g->home_quota_us = b.quota_us;
	g->burst_us = b.burst_us;
	g->signal = SCHED_SIG_NONE;
	g->why = -1;
	g->handback_hold_us = SCHED_HOLD_US;
}

/* A budget in force: its period and the two limits (UINT64_MAX when unset). */
struct budget {
	uint64_t period, total, batch;
};

static struct budget budget_of(const struct sched_budget *b)
{
	struct budget r = { SCHED_BUDGET_PERIOD_US, UINT64_MAX, UINT64_MAX };

	if (!b)
		return r;
	if (b->period_us)
		r.period = b->period_us;
	if (b->total_quota_us)
		r.total = b->total_quota_us;
	if (b->batch_quota_us)
		r.batch = b->batch_quota_us;
	return r;
}

/* Sum of the quotas, scaled up to the budget period, of the groups other
 * than skip, only batch ones when batch_only. */
static uint64_t sum_scaled(const struct sched_group *g, size_t n, size_t skip, bool batch_only,
			   const struct budget *b)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == skip || (batch_only && g[i].cls != SCHED_BATCH))
			continue;
		s = sat_add(s, muldiv(g[i].quota_us, b->period, g[i].p.period_us, true));
	}
	return s;
}

/* The largest quota group i may have within the budgets. */
static uint64_t room_for(const struct sched_group *g, size_t n, size_t i, const struct budget *b)
{
	uint64_t room = SCHED_QUOTA_UNLIMITED;

	if (b->total != UINT64_MAX) {
		uint64_t left = sat_sub(b->total, sum_scaled(g, n, i, false, b));
		room = muldiv(left, g[i].p.period_us, b->period, false);
	}
	if (g[i].cls == SCHED_BATCH && b->batch != UINT64_MAX) {
		uint64_t left = sat_sub(b->batch, sum_scaled(g, n, i, true, b));
		room = min_u64(room, muldiv(left, g[i].p.period_us, b->period, false));
	}
	return room;
}

/* The CPU time a group used in its last interval, per its period, rounded up. */
static uint64_t used_per_period(const struct sched_group *g, const struct sched_sample *s)
{
	uint64_t dt = s->now_us - g->last.now_us;

	return muldiv(s->usage_us - g->last.usage_us, g->p.period_us, dt, true);
}

/* Why the groups other than batch want batch to yield, or -1 for no pressure. */
static int pressure_of(const struct sched_group *g, size_t n)
{
	int why = -1;

	for (size_t i = 0; i < n; i++) {
		if (g[i].cls == SCHED_LATENCY && g[i].signal == SCHED_SIG_STALL)
			return SCHED_REASON_LATENCY_STALL;
		if (g[i].cls == SCHED_LATENCY && g[i].signal == SCHED_SIG_THROTTLED)
			why = SCHED_REASON_LATENCY_THROTTLED;
		else if (g[i].cls == SCHED_DEFAULT && g[i].signal == SCHED_SIG_STALL && why < 0)
			why = SCHED_REASON_DEFAULT_STALL;
	}
	return why;
}

/* Why batch quotas are cut (a confirmed stall of a latency group, else of
 * a default group), or -1: throttling alone only moves quota. */
static int escalation_of(const struct sched_group *g, size_t n)
{
	int why = -1;

	for (size_t i = 0; i < n; i++) {
		if (g[i].signal != SCHED_SIG_STALL)
			continue;
		if (g[i].cls == SCHED_LATENCY)
			return SCHED_REASON_LATENCY_STALL;
		if (g[i].cls == SCHED_DEFAULT)
			why = SCHED_REASON_DEFAULT_STALL;
	}
	return why;
}

/* True when every watched group had a calm interval. */
static bool all_calm(const struct sched_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i].cls != SCHED_BATCH && g[i].signal != SCHED_SIG_CALM)
			return false;
	}
	return true;
}

/* Counts a calm interval of dt_us into g's streak; returns how many whole
 * ticks (SCHED_TICK_US) of change it earns once the streak has outlasted
 * hold (the tick completing it counts), 0 before. Time, not the number of
 * samples, paces it. */
static uint64_t calm_ticks(struct sched_group *g, uint64_t dt_us, uint64_t hold)
{
	uint64_t before = g->calm_us;
	g->calm_us = sat_add(g->calm_us, dt_us);
	g->calm_streak = (unsigned)min_u64(g->calm_us / SCHED_TICK_US, SCHED_CALM_SAMPLES);
	if (g->calm_us <= hold)
		return 0;
	uint64_t from = max_u64(before, hold);
	return g->calm_us / SCHED_TICK_US - from / SCHED_TICK_US;
}

static void calm_reset(struct sched_group *g)
{
	g->calm_streak = 0;
	g->calm_us = 0;
}

/* The interval since g's last sample. */
static uint64_t interval(const struct sched_group *g, const struct sched_sample *s)
{
	return s->now_us > g->last.now_us ? s->now_us - g->last.now_us : 0;
}

/* Escalation: every batch group with an interval is cut to NUM/DEN of what
 * it used (at most its quota), down to its floor. */
static void cut_batch(struct sched_group *g, size_t n, const struct sched_sample *s, int why)
{
	bool cut = false;

	for (size_t i = 0; i < n; i++) {
		if (g[i].cls != SCHED_BATCH || g[i].signal == SCHED_SIG_NONE)
			continue;
		if (!g[i].uncut_quota_us)
			g[i].uncut_quota_us = g[i].quota_us; /* for an undo */
		g[i].uncut_due = false;
		uint64_t base = min_u64(g[i].quota_us, used_per_period(&g[i], &s[i]));
		uint64_t q = muldiv(base, SCHED_CUT_NUM, SCHED_CUT_DEN, false);
		q = max_u64(q, floor_of(&g[i]));
		cut |= q < g[i].quota_us;
		set_quota(&g[i], q, why);
	}
	/* The verification window starts at the last cut that changed something. */
	for (size_t i = 0; cut && i < n; i++) {
		if (g[i].signal == SCHED_SIG_STALL && g[i].esc_at_us)
			g[i].esc_at_us = s[i].now_us;
	}
}

/* Lowers the batch groups (last first, down to their floors) to free need
 * us per budget period; returns how much was freed. */
static uint64_t take_from_batch(struct sched_group *g, size_t n, uint64_t need,
				const struct budget *b, int why)
{
	uint64_t got = 0;

	for (size_t i = n; i-- > 0 && got < need;) {
		struct sched_group *t = &g[i];
		if (t->cls != SCHED_BATCH || t->quota_us == SCHED_QUOTA_UNLIMITED ||
		    t->quota_us <= floor_of(t))
			continue;
		uint64_t had = muldiv(t->quota_us, b->period, t->p.period_us, true);
		uint64_t give = muldiv(need - got, t->p.period_us, b->period, true);
		set_quota(t, max_u64(sat_sub(t->quota_us, give), floor_of(t)), why);
		got += sat_sub(had, muldiv(t->quota_us, b->period, t->p.period_us, true));
	}
	return got;
}

/* Raises latency group i's quota by RAISE_NUM/DEN within its maximum. The
 * room comes from the total budget's slack, then from batch; with no total
 * budget, batch gives what the latency group takes, one for one. */
static void raise_quota(struct sched_group *g, size_t n, size_t i, const struct budget *b, int why)
{
	struct sched_group *l = &g[i];
	uint64_t want, room, need;

	if (l->quota_us == SCHED_QUOTA_UNLIMITED)
		return;
	want = min_u64(muldiv(l->quota_us, SCHED_RAISE_NUM, SCHED_RAISE_DEN, true),
		       l->p.max_quota_us);
	if (want <= l->quota_us)
		return;
	room = room_for(g, n, i, b);
	if (b->total == UINT64_MAX)
		need = want - l->quota_us;
	else
		need = want > room ? want - room : 0;
	if (need) {
		take_from_batch(g, n, muldiv(need, b->period, l->p.period_us, true), b, why);
		room = room_for(g, n, i, b);
	}
	want = min_u64(want, room);
	if (want > l->quota_us)
		set_quota(l, want, why);
}

/* Pressure: a throttled latency group, or one whose stall was confirmed,
 * gets quota and burst raised by RAISE_NUM/DEN (raise_quota); a premature
 * hand-back doubles its hold. */
static void raise_latency(struct sched_group *g, size_t n, const struct sched_sample *s,
			  const struct budget *b)
{
	for (size_t i = 0; i < n; i++) {
		struct sched_group *l = &g[i];
		if (l->cls != SCHED_LATENCY ||
		    (l->signal != SCHED_SIG_STALL && l->signal != SCHED_SIG_THROTTLED))
			continue;
		/* Throttled again soon after handing back: the bursts are back;
		 * wait twice as long before the next hand-back. */
		if (l->signal == SCHED_SIG_THROTTLED && l->handback_at_us &&
		    s[i].now_us - l->handback_at_us < l->handback_hold_us) {
			l->handback_hold_us =
				min_u64(2 * l->handback_hold_us, SCHED_HANDBACK_HOLD_MAX_US);
			l->handback_at_us = 0;
		}
		int why = l->signal == SCHED_SIG_STALL ? SCHED_REASON_LATENCY_STALL
						       : SCHED_REASON_LATENCY_THROTTLED;
		if (l->signal == SCHED_SIG_STALL && !l->uncut_quota_us)
			l->uncut_quota_us = l->quota_us; /* for an undo */
		raise_quota(g, n, i, b, why);
		uint64_t burst = muldiv(max_u64(l->burst_us, l->p.burst_us), SCHED_RAISE_NUM,
					SCHED_RAISE_DEN, true);
		/* Within the quota and, with no quota ("max"), within the class's max. */
		burst = min_u64(burst, min_u64(l->quota_us, l->p.max_quota_us));
		if (burst > l->burst_us) {
			l->burst_us = burst;
			if (l->why < 0)
				l->why = why;
		}
	}
}

/* Calm: each batch group counts calm time and, once calm for
 * SCHED_CALM_SAMPLES ticks, grows by period / SCHED_GROW_DIV per tick of calm,
 * within its max and the budgets. Anything not calm restarts the count. */
static void grow_batch(struct sched_group *g, size_t n, const struct sched_sample *s, bool calm,
		       const struct budget *b)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i].cls != SCHED_BATCH)
			continue;
		if (!calm) {
			calm_reset(&g[i]);
			continue;
		}
		uint64_t ticks = calm_ticks(&g[i], interval(&g[i], &s[i]), SCHED_HOLD_US);
		if (!ticks || g[i].quota_us == SCHED_QUOTA_UNLIMITED)
			continue;
		uint64_t q = sat_add(g[i].quota_us, ticks * (g[i].p.period_us / SCHED_GROW_DIV));
		q = min_u64(min_u64(q, g[i].p.max_quota_us), room_for(g, n, i, b));
		if (q > g[i].quota_us)
			set_quota(&g[i], q, SCHED_REASON_CALM_GROWTH);
	}
}

/* Calm: a latency group raised above its own limit gives the extra back,
 * period / SCHED_GROW_DIV per tick once it has been calm for its hand-back
 * hold, keeping RAISE_NUM/DEN headroom over what it uses and never going
 * below its home quota or its floor. Without this, a budget taken by one
 * burst would stay with the latency group for good. */
static void hand_back_latency(struct sched_group *g, size_t n, const struct sched_sample *s,
			      bool calm)
{
	for (size_t i = 0; i < n; i++) {
		struct sched_group *l = &g[i];
		if (l->cls != SCHED_LATENCY)
			continue;
		if (!calm || l->signal != SCHED_SIG_CALM) {
			calm_reset(l);
			continue;
		}
		uint64_t ticks = calm_ticks(l, interval(l, &s[i]), l->handback_hold_us);
		if (!ticks || l->quota_us <= l->home_quota_us)
			continue;
		uint64_t keep =
			muldiv(used_per_period(l, &s[i]), SCHED_RAISE_NUM, SCHED_RAISE_DEN, true);
		keep = max_u64(max_u64(keep, l->home_quota_us), floor_of(l));
		uint64_t q = max_u64(
			sat_sub(l->quota_us, ticks * (l->p.period_us / SCHED_GROW_DIV)), keep);
		if (q < l->quota_us) {
			set_quota(l, q, SCHED_REASON_CALM_HANDBACK);
			l->burst_us = min_u64(l->burst_us, q);
			l->handback_at_us = s[i].now_us;
		}
	}
}

/* Lowers quotas until the budgets hold: batch groups first (last one first),
 * then default, then latency; never below a floor (floors win over budgets). */
static void clamp_budgets(struct sched_group *g, size_t n, const struct budget *b)
{
	static const enum sched_class order[] = { SCHED_BATCH, SCHED_DEFAULT, SCHED_LATENCY };

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (size_t i = n; i-- > 0;) {
			if (g[i].cls != order[k])
				continue;
			uint64_t room = room_for(g, n, i, b);
			if (g[i].quota_us > room)
				set_quota(&g[i], max_u64(room, floor_of(&g[i])),
					  SCHED_REASON_BUDGET_CLAMP);
		}
	}
}

/* Writes the decisions, every lowered quota before any other, so that a
 * writer applying them in order never holds more than the budget. */
static size_t emit(struct sched_group *g, size_t n, struct sched_decision *out)
{
	size_t k = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			/* The kernel refuses a burst above the quota. */
			if (g[i].burst_us > g[i].quota_us) {
				g[i].burst_us = g[i].quota_us;
				if (g[i].why < 0)
					g[i].why = SCHED_REASON_BURST_FIT;
			}
			if (g[i].quota_us == g[i].old_quota_us &&
			    g[i].burst_us == g[i].old_burst_us)
				continue;
			if ((g[i].quota_us < g[i].old_quota_us) != (pass == 0))
				continue;
			out[k++] = (struct sched_decision){
				.group = i,
				.old_quota_us = g[i].old_quota_us,
				.new_quota_us = g[i].quota_us,
				.old_burst_us = g[i].old_burst_us,
				.new_burst_us = g[i].burst_us,
				.why = g[i].why >= 0 ? (enum sched_reason)g[i].why
						     : SCHED_REASON_BUDGET_CLAMP,
			};
		}
	}
	return k;
}

size_t sched_law_step(struct sched_group *groups, size_t n, const struct sched_sample *samples,
		      const struct sched_budget *budget, struct sched_decision *out)
{
	struct budget b = budget_of(budget);
	bool any = false;
	int why;

	for (size_t i = 0; i < n; i++) {
		groups[i].old_quota_us = groups[i].quota_us;
		groups[i].old_burst_us = groups[i].burst_us;
		groups[i].why = -1;
		sched_law_read_signal(&groups[i], &samples[i]);
		any |= groups[i].signal != SCHED_SIG_NONE;
	}
	sched_law_restore_batch(groups, n); /* an undo's second half, if one is due */
	sched_law_verify(groups, n, samples);
	why = pressure_of(groups, n);
	if (why >= 0) {
		int esc = escalation_of(groups, n);
		for (size_t i = 0; i < n; i++)
			calm_reset(&groups[i]); /* pressure restarts every hold */
		if (esc >= 0)
			cut_batch(groups, n, samples, esc);
		raise_latency(groups, n, samples, &b);
	} else if (any) {
		bool calm = all_calm(groups, n);
		/* Growth first, into the room there was: what a latency group
		 * hands back in this step is regrown in the next, so no write
		 * order of this step's decisions can exceed a budget. */
		grow_batch(groups, n, samples, calm, &b);
		hand_back_latency(groups, n, samples, calm);
	}
	clamp_budgets(groups, n, &b);
	for (size_t i = 0; i < n; i++) {
		if (groups[i].signal != SCHED_SIG_NONE)
			groups[i].last = samples[i];
	}
	return emit(groups, n, out);
}

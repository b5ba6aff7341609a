/* The control law; sched/README.md describes it in prose. A step reads one
 * signal per group, then acts: a throttled latency group is raised and batch
 * gives it room; a stall that persists despite the weights escalates to
 * batch cuts; calm grows batch back after a streak; budgets clamp last. */
#include <string.h>

#include "law.h"

#define US_PER_S 1000000ULL
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

/* a * b / d, rounded down (or up), saturating at UINT64_MAX. */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t d, bool up)
{
	uint64_t m;

	if (a == SCHED_QUOTA_UNLIMITED || __builtin_mul_overflow(a, b, &m))
		return SCHED_QUOTA_UNLIMITED;
	return m / d + (up && m % d);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The lowest quota the law sets: the class's floor, or a latency group's
 * own limit when that is lower (the daemon took the group over at it). */
static uint64_t floor_of(const struct sched_group *g)
{
	if (g->cls == SCHED_LATENCY && g->home_quota_us < g->p.min_quota_us)
		return max_u64(g->home_quota_us, SCHED_QUOTA_MIN_US);
	return g->p.min_quota_us;
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

/* True when a cumulative counter went backwards: the group was recreated. */
static bool restarted(const struct sched_sample *a, const struct sched_sample *s)
{
	return s->now_us < a->now_us || s->stall_us < a->stall_us || s->usage_us < a->usage_us ||
	       s->nr_throttled < a->nr_throttled || s->throttled_us < a->throttled_us;
}

/* Moves the smoothed stall rate toward rate over dt_us: an exponential
 * average with time constant SCHED_SMOOTH_US, paced by time, not samples. */
static void smooth(struct sched_group *g, uint64_t rate, uint64_t dt_us)
{
	uint64_t w = sat_add(SCHED_SMOOTH_US, dt_us);

	if (rate >= g->smooth_rate_us)
		g->smooth_rate_us += muldiv(rate - g->smooth_rate_us, dt_us, w, false);
	else
		g->smooth_rate_us -= muldiv(g->smooth_rate_us - rate, dt_us, w, false);
}

/* Counts the stall of one interval into g's CUSUM: the stall its own
 * throttling does not explain, minus target per second. Returns true when a
 * confirm's worth has built up (and spends all of it): the stall persists. Within
 * an escalation being verified, the persistence is known: each further cut
 * needs a quarter of a confirm, so batch reaches its floors and the verdict
 * comes in seconds even for a mild stall. */
static bool stall_confirmed(struct sched_group *g, uint64_t excess_us, uint64_t now_us,
			    uint64_t dt_us)
{
	uint64_t target = g->p.target_stall_us;
	uint64_t confirm = muldiv(target, SCHED_CONFIRM_US, US_PER_S, false) /
			   (g->esc_at_us ? SCHED_CONFIRM_AGAIN_DIV : 1);
	uint64_t debt = sat_sub(sat_add(g->stall_debt_us, excess_us),
				muldiv(target, dt_us, US_PER_S, false));

	if (!g->stall_debt_us && debt)
		g->debt_since_us = now_us - dt_us;
	g->stall_debt_us = min_u64(debt, 2 * confirm);
	if (!confirm || g->stall_debt_us < confirm)
		return false;
	g->stall_debt_us = 0; /* spent: the next cut needs fresh evidence */
	return true;
}

/* Reads the interval since the last sample into g->signal and the rates. */
static void read_signal(struct sched_group *g, const struct sched_sample *s)
{
	const struct sched_sample *a = &g->last;
	uint64_t dt, stall, excess;
	bool throttled;

	g->signal = SCHED_SIG_NONE;
	if (!g->primed || restarted(a, s) || s->now_us == a->now_us) {
		if (!g->primed || restarted(a, s)) {
			g->last = *s;
			g->smooth_rate_us = g->stall_debt_us = 0;
		}
		g->primed = true;
		return;
	}
	dt = s->now_us - a->now_us;
	stall = s->stall_us - a->stall_us;
	g->stall_rate_us = muldiv(stall, US_PER_S, dt, false);
	g->throttled_rate_us = muldiv(s->throttled_us - a->throttled_us, US_PER_S, dt, false);
	if (g->cls == SCHED_BATCH || !g->p.target_stall_us) {
		g->signal = SCHED_SIG_CALM; /* not watched */
		return;
	}
	throttled = g->cls == SCHED_LATENCY && s->nr_throttled > a->nr_throttled;
	/* Stall during its own throttling is the group's limit, case (a): it
	 * is raised for that; only the rest can be the weights failing. */
	excess = sat_sub(stall, s->throttled_us - a->throttled_us);
	smooth(g, muldiv(excess, US_PER_S, dt, false), dt);
	if (stall_confirmed(g, excess, s->now_us, dt))
		g->signal = SCHED_SIG_STALL;
	else if (throttled)
		g->signal = SCHED_SIG_THROTTLED;
	else if (s->trigger || g->smooth_rate_us > g->p.target_stall_us / SCHED_CALM_DIV)
		g->signal = SCHED_SIG_WARM;
	else
		g->signal = SCHED_SIG_CALM;
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

static void set_quota(struct sched_group *g, uint64_t q, int why)
{
	if (q == g->quota_us)
		return;
	g->quota_us = q;
	if (g->why < 0)
		g->why = why;
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

/* Gives batch groups their quota from before an undone escalation. */
static void restore_batch(struct sched_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i].cls != SCHED_BATCH || !g[i].uncut_due)
			continue;
		if (g[i].uncut_quota_us > g[i].quota_us)
			set_quota(&g[i], g[i].uncut_quota_us, SCHED_REASON_CUT_UNDONE);
		g[i].uncut_quota_us = 0;
		g[i].uncut_due = false;
	}
}

/* Ends an escalation's verification (see SCHED_VERIFY_US): the quotas it
 * changed stay when it helped. Otherwise a latency group raised for the
 * stall (not for throttling) returns now and batch gets its quota back,
 * in the next step when a latency group was lowered in this one: a
 * latency group lowering its burst and quota writes the quota in the
 * second batch, so batch must not take that room in the first. */
static void settle_escalation(struct sched_group *g, size_t n, bool undo)
{
	bool lowered = false;

	for (size_t i = 0; i < n; i++) {
		uint64_t q = g[i].uncut_quota_us;
		if (!q || g[i].cls == SCHED_BATCH)
			continue;
		g[i].uncut_quota_us = 0;
		if (undo && q < g[i].quota_us) {
			set_quota(&g[i], q, SCHED_REASON_CUT_UNDONE);
			g[i].burst_us = min_u64(g[i].burst_us, q);
			lowered = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (g[i].cls == SCHED_BATCH && g[i].uncut_quota_us && !undo)
			g[i].uncut_quota_us = 0;
		else if (g[i].cls == SCHED_BATCH && g[i].uncut_quota_us)
			g[i].uncut_due = true;
	}
	if (!lowered)
		restore_batch(g, n);
}

/* True when every batch group is at its floor: nothing left to cut. */
static bool batch_at_floors(const struct sched_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i].cls == SCHED_BATCH && g[i].quota_us > floor_of(&g[i]))
			return false;
	}
	return true;
}

/* Starts, blocks and judges escalations (SCHED_VERIFY_US): a confirmed
 * stall during a block only holds (warm); the first one starts a
 * verification. SCHED_VERIFY_US after the last cut (cut_batch) it helped if
 * the stall halved; it did not if batch is at its floors and it has not. */
static void verify_escalations(struct sched_group *g, size_t n, const struct sched_sample *s)
{
	for (size_t i = 0; i < n; i++) {
		struct sched_group *w = &g[i];
		uint64_t now = s[i].now_us, target = w->p.target_stall_us;
		if (w->cls == SCHED_BATCH || w->signal == SCHED_SIG_NONE)
			continue;
		if (w->signal == SCHED_SIG_STALL && now < w->esc_blocked_until_us) {
			w->signal = SCHED_SIG_WARM;
		} else if (w->signal == SCHED_SIG_STALL && !w->esc_at_us) {
			/* the mean stall over the confirmation */
			uint64_t span = max_u64(now - w->debt_since_us, 1);
			w->esc_at_us = now;
			w->esc_rate_us = target + muldiv(target, SCHED_CONFIRM_US, span, false);
		} else if (w->esc_at_us && now - w->esc_at_us >= SCHED_VERIFY_US) {
			bool helped = w->signal == SCHED_SIG_CALM ||
				      2 * w->smooth_rate_us <= w->esc_rate_us;
			if (!helped && !batch_at_floors(g, n))
				continue; /* not done cutting: the stall may yet fall */
			uint64_t backoff = w->esc_backoff_us ? w->esc_backoff_us : SCHED_BACKOFF_US;
			w->esc_at_us = 0;
			if (helped) {
				w->esc_backoff_us = SCHED_BACKOFF_US;
			} else {
				w->esc_blocked_until_us = now + backoff;
				w->esc_backoff_us = min_u64(2 * backoff, SCHED_BACKOFF_MAX_US);
				if (w->signal == SCHED_SIG_STALL)
					w->signal = SCHED_SIG_WARM;
			}
			settle_escalation(g, n, !helped);
		}
	}
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
		read_signal(&groups[i], &samples[i]);
		any |= groups[i].signal != SCHED_SIG_NONE;
	}
	restore_batch(groups, n); /* an undo's second half, if one is due */
	verify_escalations(groups, n, samples);
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

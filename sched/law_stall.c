/* The stall side of the control law: what a group's samples say (a CUSUM
 * of the stall its own throttling does not explain, a smoothed stall), and
 * the verification that undoes escalations that did not help. */
#include "law_stall.h"

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
void sched_law_read_signal(struct sched_group *g, const struct sched_sample *s)
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

/* Gives batch groups their quota from before an undone escalation. */
void sched_law_restore_batch(struct sched_group *g, size_t n)
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
		sched_law_restore_batch(g, n);
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
void sched_law_verify(struct sched_group *g, size_t n, const struct sched_sample *s)
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

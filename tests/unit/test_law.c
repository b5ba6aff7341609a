/* Unit tests for the scheduler's pure parts: the classes and their presets,
 * and the control law driven by synthetic PSI and cpu.stat traces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "cglimits.h"
#include "sched/law.h"

#define MAXG 8
#define DT_US 100000ULL /* the simulated daemon samples every 100 ms */
#define NCPUS 4

/* A synthetic machine: groups, their cumulative counters and the load that
 * drives them in the next step. */
struct sim {
	struct sched_group g[MAXG];
	struct sched_sample s[MAXG];
	size_t n;
	struct sched_budget b;
	struct sched_decision d[MAXG];
	size_t nd;
	/* load of the next step, per group */
	uint64_t stall_per_s[MAXG];
	bool throttle[MAXG];
	bool trigger[MAXG];
	bool light[MAXG]; /* uses a tenth of its quota instead of all of it */
	uint64_t dt_us;	  /* the sampling interval; 0 is DT_US */
};

static size_t add_group(struct sim *m, enum sched_class c)
{
	struct sched_params p;
	sched_class_preset(c, NCPUS, &p);
	sched_group_init(&m->g[m->n], c, &p);
	return m->n++;
}

/* Advances the clock by DT_US, moves the counters by the load, and steps the law.
 * Every group uses its full quota (batch hogs; a throttled latency group). */
static size_t step(struct sim *m)
{
	uint64_t dt = m->dt_us ? m->dt_us : DT_US;
	for (size_t i = 0; i < m->n; i++) {
		struct sched_sample *s = &m->s[i];
		struct sched_group *g = &m->g[i];
		s->now_us += dt;
		s->stall_us += m->stall_per_s[i] * dt / 1000000;
		s->usage_us += g->quota_us * dt / g->p.period_us / (m->light[i] ? 10 : 1);
		if (m->throttle[i]) {
			s->nr_throttled += 1 + dt / g->p.period_us;
			s->throttled_us += dt / 4;
		}
		s->trigger = m->trigger[i];
	}
	m->nd = sched_law_step(m->g, m->n, m->s, &m->b, m->d);
	assert_true(m->nd <= m->n);
	return m->nd;
}

static void set_stall(struct sim *m, enum sched_class c, uint64_t per_s)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->g[i].cls == c)
			m->stall_per_s[i] = per_s;
	}
}

/* Sum of quotas scaled up to the budget period, like the law counts them. */
static uint64_t scaled_sum(const struct sim *m, bool batch_only)
{
	uint64_t bp = m->b.period_us ? m->b.period_us : SCHED_BUDGET_PERIOD_US, s = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (batch_only && m->g[i].cls != SCHED_BATCH)
			continue;
		uint64_t x = m->g[i].quota_us * bp;
		s += x / m->g[i].p.period_us + (x % m->g[i].p.period_us != 0);
	}
	return s;
}

static void assert_bounds_hold(const struct sim *m)
{
	for (size_t i = 0; i < m->n; i++) {
		assert_true(m->g[i].quota_us >= m->g[i].p.min_quota_us);
		assert_true(m->g[i].quota_us <= m->g[i].p.max_quota_us);
		assert_true(m->g[i].burst_us <= m->g[i].quota_us);
	}
	if (m->b.total_quota_us)
		assert_true(scaled_sum(m, false) <= m->b.total_quota_us);
	if (m->b.batch_quota_us)
		assert_true(scaled_sum(m, true) <= m->b.batch_quota_us);
}

static const struct sched_decision *decision_for(const struct sim *m, size_t group)
{
	for (size_t k = 0; k < m->nd; k++) {
		if (m->d[k].group == group)
			return &m->d[k];
	}
	return NULL;
}

/* One latency group and two batch hogs on 4 CPUs, primed and calm. */
static void setup_mixed(struct sim *m, uint64_t total, uint64_t batch)
{
	memset(m, 0, sizeof(*m));
	add_group(m, SCHED_LATENCY);
	add_group(m, SCHED_BATCH);
	add_group(m, SCHED_BATCH);
	m->b = (struct sched_budget){ .total_quota_us = total, .batch_quota_us = batch };
	step(m);
}

static void test_class_names_parse_and_round_trip(void **state)
{
	(void)state;
	for (int c = 0; c < SCHED_CLASS_COUNT; c++) {
		enum sched_class got = SCHED_CLASS_COUNT;
		assert_int_equal(sched_class_parse(sched_class_name((enum sched_class)c), &got), 0);
		assert_int_equal(got, c);
	}
	enum sched_class keep = SCHED_BATCH;
	assert_int_equal(sched_class_parse("Latency", &keep), -EINVAL);
	assert_int_equal(sched_class_parse("", &keep), -EINVAL);
	assert_int_equal(sched_class_parse("batch ", &keep), -EINVAL);
	assert_int_equal(sched_class_parse(NULL, &keep), -EINVAL);
	assert_int_equal(keep, SCHED_BATCH);
	assert_string_equal(sched_class_name(SCHED_CLASS_COUNT), "?");
	assert_string_equal(sched_reason_name(SCHED_REASON_CALM_GROWTH), "calm_growth");
	assert_string_equal(sched_reason_name(SCHED_REASON_COUNT), "?");
}

static void test_presets_are_sane_for_every_class_and_cpu_count(void **state)
{
	(void)state;
	static const unsigned cpus[] = { 0, 1, 2, 4, 64 };
	for (size_t k = 0; k < sizeof(cpus) / sizeof(cpus[0]); k++) {
		struct sched_params p[SCHED_CLASS_COUNT];
		for (int c = 0; c < SCHED_CLASS_COUNT; c++) {
			sched_class_preset((enum sched_class)c, cpus[k], &p[c]);
			assert_int_equal(sched_params_check(&p[c]), 0);
			assert_true(p[c].period_us > 0);
			assert_true(p[c].min_quota_us <= p[c].max_quota_us);
			assert_int_equal(p[c].max_quota_us,
					 (cpus[k] ? cpus[k] : 1) * p[c].period_us);
			struct sched_base b;
			sched_class_base((enum sched_class)c, &p[c], &b);
			assert_true(b.burst_us <= b.quota_us);
		}
		assert_true(p[SCHED_LATENCY].weight > p[SCHED_DEFAULT].weight);
		assert_true(p[SCHED_DEFAULT].weight > p[SCHED_BATCH].weight);
		assert_true(p[SCHED_BATCH].idle && !p[SCHED_LATENCY].idle);
		assert_true(p[SCHED_LATENCY].burst_us > 0);
		assert_true(p[SCHED_LATENCY].period_us < p[SCHED_DEFAULT].period_us);
		assert_true(p[SCHED_DEFAULT].period_us < p[SCHED_BATCH].period_us);
		assert_true(p[SCHED_LATENCY].target_stall_us < p[SCHED_DEFAULT].target_stall_us);
	}
	struct sched_params bad;
	sched_class_preset(SCHED_DEFAULT, 2, &bad);
	bad.min_quota_us = bad.max_quota_us + 1;
	assert_int_equal(sched_params_check(&bad), -EINVAL);
	sched_class_preset(SCHED_DEFAULT, 2, &bad);
	bad.period_us = 500;
	assert_int_equal(sched_params_check(&bad), -EINVAL);
}

static void test_weights_map_to_shares_and_back(void **state)
{
	(void)state;
	assert_int_equal(sched_weight_to_shares(1), 2);
	assert_int_equal(sched_weight_to_shares(10000), 262144);
	for (uint64_t w = 1; w <= 10000; w++)
		assert_int_equal(alc_shares_to_weight(sched_weight_to_shares(w)), w);
}

static void test_first_sample_only_primes_the_group(void **state)
{
	(void)state;
	struct sim m = { 0 };
	add_group(&m, SCHED_LATENCY);
	add_group(&m, SCHED_BATCH);
	m.stall_per_s[0] = 900000; /* a huge stall, but no interval yet */
	m.trigger[0] = true;
	assert_int_equal(step(&m), 0);
	assert_int_equal(m.g[0].signal, SCHED_SIG_NONE);
	assert_true(m.g[0].primed && m.g[1].primed);
	assert_int_equal(step(&m), 2); /* the next one reacts */
}

static void test_first_sample_over_budget_gives_only_a_budget_clamp(void **state)
{
	(void)state;
	struct sim m = { 0 };
	add_group(&m, SCHED_BATCH);
	m.b.batch_quota_us = 150000; /* 1.5 CPUs per 100 ms; the batch preset starts at 4 */
	assert_int_equal(step(&m), 1);
	assert_int_equal(m.d[0].why, SCHED_REASON_BUDGET_CLAMP);
	assert_int_equal(m.d[0].old_quota_us, NCPUS * 200000);
	assert_int_equal(m.d[0].new_quota_us, 300000); /* 1.5 CPUs of a 200 ms period */
	assert_bounds_hold(&m);
}

static void test_latency_stall_cuts_every_batch_group_by_the_factor_in_the_same_step(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 600000, 0); /* 6 CPUs in all: the first step clamped batch */
	for (int k = 0; k < 3; k++)
		assert_int_equal(step(&m), 0);
	uint64_t b1 = m.g[1].quota_us, b2 = m.g[2].quota_us, lq = m.g[0].quota_us,
		 lb = m.g[0].burst_us;
	set_stall(&m, SCHED_LATENCY, 20000); /* 2% > the 1% target */
	step(&m);
	assert_true(b2 * SCHED_CUT_NUM / SCHED_CUT_DEN > m.g[2].p.min_quota_us);
	assert_int_equal(m.g[1].quota_us, b1 * SCHED_CUT_NUM / SCHED_CUT_DEN);
	assert_int_equal(m.g[2].quota_us, b2 * SCHED_CUT_NUM / SCHED_CUT_DEN);
	assert_int_equal(decision_for(&m, 1)->why, SCHED_REASON_LATENCY_STALL);
	assert_int_equal(decision_for(&m, 1)->old_quota_us, b1);
	assert_true(m.g[0].quota_us > lq);
	assert_true(m.g[0].burst_us > lb);
	assert_int_equal(decision_for(&m, 0)->why, SCHED_REASON_LATENCY_STALL);
	assert_bounds_hold(&m);
}

static void test_psi_trigger_alone_counts_as_a_stall(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	uint64_t b1 = m.g[1].quota_us;
	m.trigger[0] = true;
	step(&m);
	assert_int_equal(m.g[0].signal, SCHED_SIG_STALL);
	assert_int_equal(m.g[1].quota_us, b1 / 2);
}

static void test_sustained_stall_drives_batch_to_its_floor_and_no_lower(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 400000, 0);
	set_stall(&m, SCHED_LATENCY, 500000);
	for (int k = 0; k < 50; k++) {
		step(&m);
		assert_bounds_hold(&m);
	}
	assert_int_equal(m.g[1].quota_us, m.g[1].p.min_quota_us);
	assert_int_equal(m.g[2].quota_us, m.g[2].p.min_quota_us);
	assert_int_equal(step(&m), 0); /* nothing left to change: no decisions */
}

static void test_recovery_waits_for_the_calm_streak_then_grows_additively(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 300000); /* batch may use 3 CPUs */
	set_stall(&m, SCHED_LATENCY, 500000);
	for (int k = 0; k < 20; k++)
		step(&m);
	set_stall(&m, SCHED_LATENCY, 0);
	for (int k = 1; k < SCHED_CALM_SAMPLES; k++) {
		assert_int_equal(step(&m), 0); /* no growth before the streak is complete */
		assert_int_equal(m.g[1].quota_us, m.g[1].p.min_quota_us);
	}
	uint64_t grow = m.g[1].p.period_us / SCHED_GROW_DIV, prev1 = m.g[1].quota_us;
	int steps = 0;
	while (step(&m) > 0) {
		assert_bounds_hold(&m);
		assert_true(m.g[1].quota_us >= prev1);
		assert_true(m.g[1].quota_us - prev1 <= grow);
		assert_int_equal(decision_for(&m, decision_for(&m, 1) ? 1 : 2)->why,
				 SCHED_REASON_CALM_GROWTH);
		prev1 = m.g[1].quota_us;
		steps++;
	}
	assert_true(steps > 10);			/* step by step, not at once */
	assert_int_equal(scaled_sum(&m, true), 300000); /* back up to the budget */
}

/* Counts how often a sequence of values turns from rising to falling or back. */
struct turns {
	uint64_t prev;
	int dir, turns, changes;
};

static void track(struct turns *t, uint64_t v)
{
	int d = v > t->prev ? 1 : v < t->prev ? -1 : 0;
	if (d) {
		t->changes++;
		if (t->dir && d != t->dir)
			t->turns++;
		t->dir = d;
	}
	t->prev = v;
}

static void test_bursty_load_keeps_batch_low_without_sawtooth(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	struct turns t = { .prev = m.g[1].quota_us };
	for (int k = 0; k < 200; k++) {
		/* a stall, then calm gaps shorter than the streak */
		set_stall(&m, SCHED_LATENCY, k % (SCHED_CALM_SAMPLES - 1) == 0 ? 300000 : 0);
		step(&m);
		track(&t, m.g[1].quota_us);
		assert_bounds_hold(&m);
	}
	assert_int_equal(t.turns, 0);
	assert_int_equal(m.g[1].quota_us, m.g[1].p.min_quota_us);
}

static void test_load_oscillating_near_the_stall_threshold_changes_quotas_rarely(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	uint64_t target = m.g[0].p.target_stall_us;
	struct turns t = { .prev = m.g[1].quota_us };
	for (int k = 0; k < 300; k++) {
		set_stall(&m, SCHED_LATENCY, k % 2 ? target * 11 / 10 : target * 9 / 10);
		step(&m);
		track(&t, m.g[1].quota_us);
	}
	assert_int_equal(t.turns, 0);
	/* the halvings from 4 CPUs down to the 0.05 CPU floor, then nothing */
	assert_true(t.changes <= 7);
}

static void test_load_oscillating_near_the_calm_threshold_never_grows_batch(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	set_stall(&m, SCHED_LATENCY, 500000);
	step(&m);
	uint64_t low = m.g[1].quota_us, target = m.g[0].p.target_stall_us;
	for (int k = 0; k < 300; k++) {
		uint64_t calm = target / SCHED_CALM_DIV;
		set_stall(&m, SCHED_LATENCY, k % 3 ? calm * 9 / 10 : calm * 12 / 10);
		assert_int_equal(step(&m), 0);
	}
	assert_int_equal(m.g[1].quota_us, low);
}

static void test_throttled_latency_group_takes_quota_from_batch_within_total_budget(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 200000, 0); /* everything together: 2 CPUs */
	assert_bounds_hold(&m);
	m.throttle[0] = true;
	uint64_t lq = m.g[0].quota_us, lb = m.g[0].burst_us;
	step(&m);
	assert_int_equal(m.g[0].signal, SCHED_SIG_THROTTLED);
	assert_true(m.g[0].quota_us > lq && m.g[0].burst_us > lb);
	assert_int_equal(decision_for(&m, 0)->why, SCHED_REASON_LATENCY_THROTTLED);
	assert_int_equal(decision_for(&m, 1)->why, SCHED_REASON_LATENCY_THROTTLED);
	for (int k = 0; k < 40; k++) {
		step(&m);
		assert_bounds_hold(&m);
	}
	/* The batch groups are at their floors and the latency group has the rest. */
	assert_int_equal(m.g[1].quota_us, m.g[1].p.min_quota_us);
	assert_int_equal(m.g[0].quota_us, (200000 - 2 * 5000) / 10); /* floors: 5000 per 100 ms */
	assert_int_equal(m.g[0].burst_us, m.g[0].quota_us);
}

/* Cuts batch with a stall, then returns batch's quota after calm_s seconds
 * of calm sampled every dt_us, and the calm time before its first growth. */
static uint64_t regrowth(uint64_t dt_us, unsigned calm_ms, unsigned *first_growth_ms)
{
	struct sim m;
	setup_mixed(&m, 0, 0);
	set_stall(&m, SCHED_LATENCY, 1000000);
	step(&m);
	set_stall(&m, SCHED_LATENCY, 0);
	m.dt_us = dt_us;
	uint64_t cut = m.g[1].quota_us;
	*first_growth_ms = 0;
	for (unsigned t = 0; t < calm_ms; t += (unsigned)(dt_us / 1000)) {
		step(&m);
		if (!*first_growth_ms && m.g[1].quota_us > cut)
			*first_growth_ms = t + (unsigned)(dt_us / 1000);
	}
	return m.g[1].quota_us;
}

static void test_calm_hold_and_growth_follow_time_not_the_sampling_rate(void **state)
{
	(void)state;
	unsigned first_slow, first_fast;
	uint64_t slow = regrowth(100000, 1000, &first_slow);
	uint64_t fast = regrowth(10000, 1000, &first_fast);
	/* The hold is 5 ticks of 100 ms whether sampled 10 or 100 times a second. */
	assert_int_equal(first_slow, 500);
	assert_true(first_fast >= 500 && first_fast <= 510);
	/* And a second of calm earns the same growth (within one tick). */
	assert_true(fast <= slow + 20000 && fast + 20000 >= slow);
}

static void test_burst_of_an_unlimited_latency_group_stays_within_its_max(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	m.g[0].quota_us = SCHED_QUOTA_UNLIMITED; /* a latency group with no limit of its own */
	set_stall(&m, SCHED_LATENCY, 1000000);
	for (int k = 0; k < 30; k++) {
		step(&m);
		assert_true(m.g[0].burst_us <= m.g[0].p.max_quota_us);
	}
	assert_int_equal(m.g[0].burst_us, m.g[0].p.max_quota_us);
}

static void test_calm_latency_group_hands_raised_quota_back_and_batch_regrows(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 200000, 0);
	uint64_t home = m.g[0].home_quota_us;
	m.throttle[0] = true;
	for (int k = 0; k < 40; k++)
		step(&m);
	uint64_t raised = m.g[0].quota_us, low = m.g[1].quota_us;
	assert_true(raised > home);
	/* The burst is over: the latency group is calm and uses little. */
	m.throttle[0] = false;
	m.light[0] = true;
	for (int k = 0; k < SCHED_CALM_SAMPLES - 1; k++) {
		step(&m);
		assert_int_equal(m.g[0].quota_us, raised); /* hysteresis first */
	}
	uint64_t prev = raised;
	for (int k = 0; k < 200; k++) {
		step(&m);
		assert_bounds_hold(&m);
		assert_true(m.g[0].quota_us <= prev); /* never back up while calm */
		assert_true(m.g[0].quota_us >= home);
		prev = m.g[0].quota_us;
	}
	assert_int_equal(m.g[0].quota_us, home);
	assert_true(m.g[1].quota_us > low); /* batch regrew into what was handed back */
	assert_string_equal(sched_reason_name(SCHED_REASON_CALM_HANDBACK), "calm_handback");
}

static void test_batch_budget_holds_every_step_shrinks_on_stall_grows_when_calm(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 150000); /* batch may use at most 1.5 CPUs */
	add_group(&m, SCHED_BATCH);
	step(&m);
	assert_bounds_hold(&m);
	uint64_t full = scaled_sum(&m, true);
	assert_int_equal(full, 150000);
	for (int round = 0; round < 3; round++) {
		set_stall(&m, SCHED_LATENCY, 200000);
		uint64_t before = scaled_sum(&m, true);
		step(&m);
		/* at once, in one step: halved, but for the floors (5000 per 100 ms each) */
		assert_true(scaled_sum(&m, true) <= before / 2 + 3 * 5000);
		for (int k = 0; k < 3; k++) {
			step(&m);
			assert_bounds_hold(&m);
		}
		set_stall(&m, SCHED_LATENCY, 0);
		for (int k = 0; k < 60; k++) {
			step(&m);
			assert_bounds_hold(&m);
		}
		assert_int_equal(scaled_sum(&m, true), full);
	}
}

static void test_default_stall_cuts_batch_but_leaves_default_alone(void **state)
{
	(void)state;
	struct sim m = { 0 };
	add_group(&m, SCHED_DEFAULT);
	add_group(&m, SCHED_BATCH);
	step(&m);
	uint64_t dq = m.g[0].quota_us, bq = m.g[1].quota_us;
	m.stall_per_s[0] = m.g[0].p.target_stall_us;
	assert_int_equal(step(&m), 1);
	assert_int_equal(m.d[0].group, 1);
	assert_int_equal(m.d[0].why, SCHED_REASON_DEFAULT_STALL);
	assert_int_equal(m.g[1].quota_us, bq / 2);
	assert_int_equal(m.g[0].quota_us, dq);
}

static void test_batch_stall_is_not_a_signal(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	set_stall(&m, SCHED_BATCH, 900000);
	for (int k = 0; k < 10; k++)
		assert_int_equal(step(&m), 0);
}

static void test_restarted_counters_reprime_without_a_decision(void **state)
{
	(void)state;
	struct sim m;
	setup_mixed(&m, 0, 0);
	for (int k = 0; k < 3; k++)
		step(&m);
	m.s[0].stall_us = 0; /* the latency group was recreated */
	m.s[0].usage_us = 0;
	m.stall_per_s[0] = 900000;
	assert_int_equal(step(&m), 0);
	assert_int_equal(m.g[0].signal, SCHED_SIG_NONE);
	assert_true(step(&m) > 0); /* the next interval counts again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_names_parse_and_round_trip),
		cmocka_unit_test(test_presets_are_sane_for_every_class_and_cpu_count),
		cmocka_unit_test(test_weights_map_to_shares_and_back),
		cmocka_unit_test(test_first_sample_only_primes_the_group),
		cmocka_unit_test(test_first_sample_over_budget_gives_only_a_budget_clamp),
		cmocka_unit_test(
			test_latency_stall_cuts_every_batch_group_by_the_factor_in_the_same_step),
		cmocka_unit_test(test_psi_trigger_alone_counts_as_a_stall),
		cmocka_unit_test(test_sustained_stall_drives_batch_to_its_floor_and_no_lower),
		cmocka_unit_test(test_recovery_waits_for_the_calm_streak_then_grows_additively),
		cmocka_unit_test(test_bursty_load_keeps_batch_low_without_sawtooth),
		cmocka_unit_test(
			test_load_oscillating_near_the_stall_threshold_changes_quotas_rarely),
		cmocka_unit_test(test_load_oscillating_near_the_calm_threshold_never_grows_batch),
		cmocka_unit_test(
			test_throttled_latency_group_takes_quota_from_batch_within_total_budget),
		cmocka_unit_test(
			test_batch_budget_holds_every_step_shrinks_on_stall_grows_when_calm),
		cmocka_unit_test(test_calm_latency_group_hands_raised_quota_back_and_batch_regrows),
		cmocka_unit_test(test_calm_hold_and_growth_follow_time_not_the_sampling_rate),
		cmocka_unit_test(test_burst_of_an_unlimited_latency_group_stays_within_its_max),
		cmocka_unit_test(test_default_stall_cuts_batch_but_leaves_default_alone),
		cmocka_unit_test(test_batch_stall_is_not_a_signal),
		cmocka_unit_test(test_restarted_counters_reprime_without_a_decision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

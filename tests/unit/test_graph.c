/* Unit tests for the service dependency graph: start order, cycles,
 * missing and failed requirements, the start gate, shutdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* Builds a set from name/text pairs (sorted by name, NULL-terminated); a
 * NULL text makes a failed entry, as svc_dir_load does for a bad file. */
static void make_set(struct svc_set *set, const char *const *pairs)
{
	memset(set, 0, sizeof(*set));
	for (size_t i = 0; pairs[i]; i += 2)
		set->n++;
	set->defs = calloc(set->n, sizeof(*set->defs));
	assert_non_null(set->defs);
	for (size_t i = 0; i < set->n; i++) {
		struct svc_def *d = &set->defs[i];
		const char *name = pairs[2 * i], *text = pairs[2 * i + 1];
		alc_err err = { 0 };
		char src[128];
		snprintf(src, sizeof(src), "%s.conf", name);
		if (text) {
			assert_int_equal(svc_def_parse(d, name, src, text, &err), 0);
		} else {
			d->name = strdup(name);
			d->source = strdup(src);
			assert_int_not_equal(asprintf(&d->error, "%s:1: broken", src), -1);
		}
	}
}

static void order_is(const struct svc_graph *g, const char *want)
{
	char got[256] = "";
	for (size_t k = 0; k < g->n; k++) {
		strcat(got, k ? " " : "");
		strcat(got, g->set->defs[g->order[k]].name);
	}
	assert_string_equal(got, want);
}

static void test_order_puts_dependencies_first_and_ties_by_name(void **state)
{
	(void)state;
	struct svc_set set;
	struct svc_graph g;
	make_set(&set, (const char *const[]){ "a", "exec = x\nafter = m\n", "d", "exec = x\n", "m",
					      "exec = x\nrequires = s\n", "s",
					      "type = oneshot\nexec = x\n", "z",
					      "exec = x\nafter = a d\n", NULL });
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	order_is(&g, "d s m a z");
	for (size_t i = 0; i < set.n; i++)
		assert_null(svc_graph_failed(&g, i));
	svc_graph_free(&g);
	svc_set_free(&set);
}

static void test_cycles_are_named_and_fail_their_members(void **state)
{
	(void)state;
	struct svc_set set;
	struct svc_graph g;
	make_set(&set, (const char *const[]){
			       "a", "exec = x\nafter = b\n", "b", "exec = x\nrequires = c\n", "c",
			       "exec = x\nafter = a\n", "d", "exec = x\nrequires = b\n", "e",
			       "exec = x\nafter = d c\n", "s", "exec = x\nafter = s\n", NULL });
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	/* Each member names the file:line of its own edge into the cycle. */
	assert_string_equal(svc_graph_failed(&g, 0),
			    "a.conf:2: dependency cycle: a -> b -> c -> a");
	assert_string_equal(svc_graph_failed(&g, 1),
			    "b.conf:2: dependency cycle: a -> b -> c -> a");
	assert_string_equal(svc_graph_failed(&g, 2),
			    "c.conf:2: dependency cycle: a -> b -> c -> a");
	assert_string_equal(svc_graph_failed(&g, 3), "requires 'b', which failed");
	assert_null(svc_graph_failed(&g, 4)); /* after= only: it still starts */
	assert_string_equal(svc_graph_failed(&g, 5), "s.conf:2: dependency cycle: s -> s");
	enum svc_state st[6] = { SVC_ST_PENDING, SVC_ST_PENDING, SVC_ST_PENDING,
				 SVC_ST_PENDING, SVC_ST_PENDING, SVC_ST_PENDING };
	const char *culprit = "x";
	assert_int_equal(svc_graph_gate(&g, 0, st, &culprit), SVC_GATE_FAIL);
	assert_null(culprit);
	/* e waits on nothing the graph has not failed: d and c count as failed. */
	assert_int_equal(svc_graph_gate(&g, 4, st, NULL), SVC_GATE_GO);
	size_t out[6];
	assert_int_equal(svc_graph_startable(&g, st, out), 1);
	assert_int_equal(out[0], 4);
	svc_graph_free(&g);
	svc_set_free(&set);
}

static void test_missing_or_failed_requirement_fails_the_dependant(void **state)
{
	(void)state;
	struct svc_set set;
	struct svc_graph g;
	make_set(&set, (const char *const[]){ "app", "exec = x\nrequires = bad\n", "bad", NULL,
					      "top", "exec = x\nrequires = app\n", "web",
					      "exec = x\nrequires = ghost\nafter = phantom\n",
					      "www", "exec = x\nafter = phantom\n", NULL });
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	assert_string_equal(svc_graph_failed(&g, 0), "requires 'bad', which failed");
	assert_string_equal(svc_graph_failed(&g, 1), "bad.conf:1: broken");
	assert_string_equal(svc_graph_failed(&g, 2), "requires 'app', which failed");
	assert_string_equal(svc_graph_failed(&g, 3), "requires 'ghost', which does not exist");
	assert_null(svc_graph_failed(&g, 4)); /* after= a missing service orders nothing */
	enum svc_state st[5] = { 0 };
	assert_int_equal(svc_graph_gate(&g, 4, st, NULL), SVC_GATE_GO);
	svc_graph_free(&g);
	svc_set_free(&set);
}

static void test_oneshot_must_finish_before_dependants_start(void **state)
{
	(void)state;
	struct svc_set set;
	struct svc_graph g;
	make_set(&set, (const char *const[]){ "app", "exec = x\nrequires = mount\n", "log",
					      "exec = x\nafter = mount\n", "mount",
					      "type = oneshot\nexec = x\n", NULL });
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	order_is(&g, "mount app log");
	enum svc_state st[3] = { SVC_ST_PENDING, SVC_ST_PENDING, SVC_ST_PENDING };
	size_t out[3];
	const char *culprit = NULL;
	assert_int_equal(svc_graph_startable(&g, st, out), 1);
	assert_int_equal(out[0], 2);
	st[2] = SVC_ST_STARTING; /* the oneshot runs */
	assert_int_equal(svc_graph_startable(&g, st, out), 0);
	assert_int_equal(svc_graph_gate(&g, 0, st, &culprit), SVC_GATE_WAIT);
	assert_int_equal(svc_graph_gate(&g, 1, st, &culprit), SVC_GATE_WAIT);
	st[2] = SVC_ST_UP; /* it exited 0 */
	assert_int_equal(svc_graph_startable(&g, st, out), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);
	st[2] = SVC_ST_FAILED; /* it exited 1 */
	assert_int_equal(svc_graph_gate(&g, 0, st, &culprit), SVC_GATE_FAIL);
	assert_string_equal(culprit, "mount");
	assert_int_equal(svc_graph_gate(&g, 1, st, &culprit), SVC_GATE_GO);
	st[2] = SVC_ST_STOPPED;
	assert_int_equal(svc_graph_gate(&g, 0, st, &culprit), SVC_GATE_FAIL);
	assert_int_equal(svc_graph_gate(&g, 1, st, &culprit), SVC_GATE_GO);
	svc_graph_free(&g);
	svc_set_free(&set);
}

static void test_shutdown_stops_dependants_first(void **state)
{
	(void)state;
	struct svc_set set;
	struct svc_graph g;
	make_set(&set, (const char *const[]){ "a", "exec = x\n", "b", "exec = x\nafter = a\n", "c",
					      "exec = x\nrequires = a b\n", NULL });
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	order_is(&g, "a b c");
	enum svc_state st[3] = { SVC_ST_UP, SVC_ST_UP, SVC_ST_UP };
	assert_false(svc_graph_may_stop(&g, 0, st));
	assert_false(svc_graph_may_stop(&g, 1, st));
	assert_true(svc_graph_may_stop(&g, 2, st));
	st[2] = SVC_ST_STOPPED;
	assert_false(svc_graph_may_stop(&g, 0, st));
	assert_true(svc_graph_may_stop(&g, 1, st));
	st[1] = SVC_ST_FAILED;
	assert_true(svc_graph_may_stop(&g, 0, st));
	svc_graph_free(&g);
	svc_set_free(&set);
}

static void test_empty_set_and_repeated_edges(void **state)
{
	(void)state;
	struct svc_set set = { 0 };
	struct svc_graph g;
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	assert_int_equal(g.n, 0);
	svc_graph_free(&g);
	make_set(&set, (const char *const[]){ "a", "exec = x\n", "b",
					      "exec = x\nafter = a a\nrequires = a\n", NULL });
	assert_int_equal(svc_graph_build(&g, &set, NULL), 0);
	assert_int_equal(g.nodes[1].n_deps, 1);
	assert_true(g.nodes[1].hard[0]);
	svc_graph_free(&g);
	svc_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_puts_dependencies_first_and_ties_by_name),
		cmocka_unit_test(test_cycles_are_named_and_fail_their_members),
		cmocka_unit_test(test_missing_or_failed_requirement_fails_the_dependant),
		cmocka_unit_test(test_oneshot_must_finish_before_dependants_start),
		cmocka_unit_test(test_shutdown_stops_dependants_first),
		cmocka_unit_test(test_empty_set_and_repeated_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

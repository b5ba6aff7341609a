/* The example service files that the Yocto layer installs
 * (board/yocto/meta-alcove/recipes-core/alcove/files/services.d) must
 * parse, form a graph without failures, and show what they are there
 * for: a oneshot setup, a latency service, a batch job. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "graph.h"
#include "svcdef.h"

#ifndef SVC_EXAMPLES_DIR
#error "SVC_EXAMPLES_DIR must name the layer's services.d"
#endif

static void test_layer_examples_parse_and_start_in_order(void **state)
{
	(void)state;
	struct svc_set set;
	struct svc_graph g;
	alc_err err = { 0 };
	assert_int_equal(svc_dir_load(SVC_EXAMPLES_DIR, &set, &err), 0);
	assert_int_equal(set.n, 3);
	for (size_t i = 0; i < set.n; i++) {
		if (set.defs[i].error)
			fail_msg("%s", set.defs[i].error);
	}
	assert_int_equal(svc_graph_build(&g, &set, &err), 0);
	for (size_t i = 0; i < set.n; i++)
		assert_null(svc_graph_failed(&g, i));
	long setup = svc_set_find(&set, "setup"), sensor = svc_set_find(&set, "sensor"),
	     indexer = svc_set_find(&set, "indexer");
	assert_true(setup >= 0 && sensor >= 0 && indexer >= 0);
	assert_int_equal(set.defs[setup].type, SVC_ONESHOT);
	assert_string_equal(set.defs[sensor].class, "latency");
	assert_int_equal(set.defs[sensor].ready, SVC_READY_FD);
	assert_string_equal(set.defs[indexer].class, "batch");
	assert_int_equal(g.order[0], setup);
	assert_int_equal(g.order[1], sensor);
	assert_int_equal(g.order[2], indexer);
	svc_graph_free(&g);
	svc_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layer_examples_parse_and_start_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

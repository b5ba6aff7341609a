/* Host tier: the container library's lifecycle on this hybrid host, through
 * the v2 group (cgroup.freeze, cgroup.kill) and, forced, through the v1
 * hierarchies alone (the v1 freezer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lifecycle.h"

static void test_lifecycle_on_hybrid_v2_placement(void **state)
{
	(void)state;
	char msg[512] = "";
	if (lifecycle_scenario("/bin/busybox", false, msg, sizeof(msg)) < 0)
		fail_msg("%s", msg);
}

static void test_lifecycle_on_v1_hierarchies_only(void **state)
{
	(void)state;
	char msg[512] = "";
	if (lifecycle_scenario("/bin/busybox", true, msg, sizeof(msg)) < 0)
		fail_msg("%s", msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle_on_hybrid_v2_placement),
		cmocka_unit_test(test_lifecycle_on_v1_hierarchies_only),
	};
	return cmocka_run_group_tests_name("host/container", tests, NULL, NULL);
}

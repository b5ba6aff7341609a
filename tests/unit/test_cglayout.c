/* Unit tests for the pure cgroup text parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "cglayout.h"

static void test_controllers_parse_known_names_to_bits(void **state)
{
	(void)state;
	unsigned m = alc_cg_parse_controllers("cpuset cpu io memory hugetlb pids rdma misc\n");
	assert_int_equal(m, 0xffu);
	assert_int_equal(alc_cg_parse_controllers("hugetlb\n"), ALC_CTRL_HUGETLB);
}

static void test_controllers_skip_unknown_and_prefixes(void **state)
{
	(void)state;
	/* "cpus" and "cpuacct" must not match "cpu"; "dmem" is unknown. */
	assert_int_equal(alc_cg_parse_controllers("cpus cpuacct dmem memory"), ALC_CTRL_MEMORY);
	assert_int_equal(alc_cg_parse_controllers(""), 0);
	assert_int_equal(alc_cg_parse_controllers("  \n"), 0);
}

static void test_controllers_format_round_trips(void **state)
{
	(void)state;
	char buf[128];
	unsigned m = ALC_CTRL_CPU | ALC_CTRL_PIDS | ALC_CTRL_IO;
	assert_string_equal(alc_cg_format_controllers(m, buf, sizeof(buf)), "cpu io pids");
	assert_int_equal(alc_cg_parse_controllers(buf), m);
	assert_string_equal(alc_cg_format_controllers(0, buf, sizeof(buf)), "");
}

static void test_controllers_format_truncates_safely(void **state)
{
	(void)state;
	char buf[8];
	alc_cg_format_controllers(0xffu, buf, sizeof(buf));
	assert_string_equal(buf, "cpuset"); /* "cpuset cpu" would not fit */
}

static void test_proc_cgroup_finds_v2_line_in_hybrid_text(void **state)
{
	(void)state;
	char out[64];
	const char *text = "12:pids:/user.slice\n4:cpu,cpuacct:/\n0::/alcove/web\n";
	assert_int_equal(alc_cg_parse_proc_cgroup(text, out, sizeof(out)), 0);
	assert_string_equal(out, "/alcove/web");
}

static void test_proc_cgroup_without_v2_line_is_enoent(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(alc_cg_parse_proc_cgroup("4:cpu:/x\n", out, sizeof(out)), -ENOENT);
	assert_int_equal(alc_cg_parse_proc_cgroup("", out, sizeof(out)), -ENOENT);
	assert_int_equal(alc_cg_parse_proc_cgroup("0::/abcdefgh", out, 4), -ENAMETOOLONG);
}

static void test_layout_names(void **state)
{
	(void)state;
	assert_string_equal(alc_cg_layout_name(ALC_CG_V2), "v2");
	assert_string_equal(alc_cg_layout_name(ALC_CG_HYBRID), "hybrid");
	assert_string_equal(alc_cg_layout_name(ALC_CG_V1), "v1");
	assert_string_equal(alc_cg_layout_name(ALC_CG_NONE), "none");
	assert_string_equal(alc_cg_ctrl_name(ALC_CTRL_MEMORY), "memory");
	assert_null(alc_cg_ctrl_name(3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controllers_parse_known_names_to_bits),
		cmocka_unit_test(test_controllers_skip_unknown_and_prefixes),
		cmocka_unit_test(test_controllers_format_round_trips),
		cmocka_unit_test(test_controllers_format_truncates_safely),
		cmocka_unit_test(test_proc_cgroup_finds_v2_line_in_hybrid_text),
		cmocka_unit_test(test_proc_cgroup_without_v2_line_is_enoent),
		cmocka_unit_test(test_layout_names),
	};
	return cmocka_run_group_tests_name("unit/cglayout", tests, NULL, NULL);
}

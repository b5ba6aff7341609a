/* Unit tests for alcove sched's configuration format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "config.h"

static void test_a_full_file_parses(void **state)
{
	(void)state;
	struct sched_config c;
	alc_err err = { 0 };
	sched_config_init(&c);
	const char *text =
		"# board scheduler\n"
		"mode = poll\n"
		"writer = uring   # measured faster here\n"
		"\n"
		"budget = 1.8\n"
		"batch-budget = 1.5\n"
		"group = alcove/audio latency target-stall=5ms max-quota=0.5 burst=20ms\n"
		"group = alcove/backup batch min-quota=0.05\n"
		"socket = /tmp/s.sock\n";
	assert_int_equal(sched_config_parse(&c, text, "sched.conf", &err), 0);
	assert_int_equal(c.mode, SCHED_MODE_POLL);
	assert_string_equal(c.writer, "uring");
	assert_true(c.budget_cpus > 1.79 && c.budget_cpus < 1.81);
	assert_true(c.batch_budget_cpus > 1.49 && c.batch_budget_cpus < 1.51);
	assert_int_equal(c.n_groups, 2);
	assert_string_equal(c.groups[0].path, "alcove/audio");
	assert_string_equal(c.groups[0].cls, "latency");
	assert_int_equal(c.groups[0].target_stall_us, 5000);
	assert_int_equal(c.groups[0].burst_us, 20000);
	assert_true(c.groups[0].max_cpus > 0.49 && c.groups[0].max_cpus < 0.51);
	assert_string_equal(c.groups[1].cls, "batch");
	assert_string_equal(c.socket, "/tmp/s.sock");
}

static void expect(const char *text, const char *msg)
{
	struct sched_config c;
	alc_err err = { 0 };
	sched_config_init(&c);
	assert_int_equal(sched_config_parse(&c, text, "f.conf", &err), -EINVAL);
	assert_string_equal(err.msg, msg);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect("mode = psi\n\n# c\nbogus = 1\n", "f.conf:4: unknown key 'bogus'");
	expect("group = a/b fast\n", "f.conf:1: unknown class 'fast' (latency, default, batch)");
	expect("group = /abs latency\n", "f.conf:1: bad group path '/abs' (relative, no '..')");
	expect("group = ../x batch\n", "f.conf:1: bad group path '../x' (relative, no '..')");
	expect("group = a latency\ngroup = a batch\n", "f.conf:2: group a given twice");
	expect("group = a latency colour=red\n", "f.conf:1: unknown group setting 'colour'");
	expect("group = a latency target-stall=-5ms\n",
	       "f.conf:1: bad group setting 'target-stall=-5ms'");
	expect("group = a batch min-quota=1 max-quota=0.5\n",
	       "f.conf:1: min-quota above max-quota");
	expect("budget = lots\n", "f.conf:1: budget 'lots' (a CPU count, e.g. 1.5)");
	expect("mode = fast\n", "f.conf:1: mode 'fast' (psi or poll)");
	expect("writer = fast\n", "f.conf:1: writer 'fast' (auto, uring or sync)");
	expect("just words\n", "f.conf:1: want key = value");
	expect("group = a\n", "f.conf:1: group wants PATH CLASS [KEY=VALUE...]");
}

static void test_flags_use_the_same_keys(void **state)
{
	(void)state;
	struct sched_config c;
	alc_err err = { 0 };
	sched_config_init(&c);
	assert_int_equal(sched_config_set(&c, "group", "kubepods/burstable batch", "--group", &err),
			 0);
	assert_int_equal(sched_config_set(&c, "mode", "slow", "--mode", &err), -EINVAL);
	assert_string_equal(err.msg, "--mode: mode 'slow' (psi or poll)");
	assert_int_equal(c.n_groups, 1);
	assert_int_equal(c.mode, SCHED_MODE_PSI);
	assert_string_equal(c.socket, "/run/alcove/sched.sock");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_full_file_parses),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_flags_use_the_same_keys),
	};
	return cmocka_run_group_tests_name("unit/sched_config", tests, NULL, NULL);
}

/* Unit tests for alcove run's flag parsing into a spec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "run_flags.h"

static int parse(struct alc_spec *s, alc_err *err, int argc, const char **argv)
{
	struct run_flags f = { 0 };
	assert_int_equal(alc_spec_init_default(s), 0);
	memset(err, 0, sizeof(*err));
	return run_flags_parse(argc, (char **)argv, s, &f, err);
}

static void test_flags_fill_the_spec(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err;
	const char *argv[] = { "run",
			       "--name",
			       "web",
			       "--cpus",
			       "0.5",
			       "--cpu-period",
			       "50000",
			       "--memory",
			       "256M",
			       "--pids",
			       "64",
			       "-v",
			       "/tmp:/data:ro,noexec",
			       "--net",
			       "host",
			       "-e",
			       "K=V",
			       "-w",
			       "/srv",
			       "--read-only",
			       "/rootfs",
			       "--",
			       "sh",
			       "-c",
			       "echo hi",
			       NULL };
	assert_int_equal(parse(&s, &err, 25, argv), 0);
	assert_string_equal(s.name, "web");
	assert_int_equal(s.res.cpu_period_us, 50000);
	assert_int_equal(s.res.cpu_quota_us, 25000); /* --cpus applies after the period */
	assert_int_equal(s.res.memory, 256 << 20);
	assert_int_equal(s.res.pids, 64);
	assert_int_equal(s.n_mounts, 1);
	assert_int_equal(s.mounts[0].flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOEXEC);
	assert_int_equal(s.ns_flags & CLONE_NEWNET, 0);
	assert_string_equal(s.process.env[1], "K=V");
	assert_string_equal(s.process.cwd, "/srv");
	assert_true(s.root_readonly);
	assert_string_equal(s.root_path, "/rootfs");
	assert_int_equal(s.process.n_args, 3);
	assert_string_equal(s.process.args[2], "echo hi");
	assert_null(s.process.args[3]);
	alc_spec_free(&s);
}

static void test_command_flags_are_left_to_the_command(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err;
	const char *argv[] = { "run", "/rootfs", "ls", "--memory", "-l", NULL };
	assert_int_equal(parse(&s, &err, 5, argv), 0);
	assert_int_equal(s.res.set, 0);
	assert_int_equal(s.process.n_args, 3);
	assert_string_equal(s.process.args[1], "--memory");
	alc_spec_free(&s);
}

static void expect_error(int argc, const char **argv, const char *msg)
{
	struct alc_spec s;
	alc_err err;
	assert_int_equal(parse(&s, &err, argc, argv), -EINVAL);
	assert_string_equal(err.msg, msg);
	alc_spec_free(&s);
}

static void test_bad_values_name_the_flag(void **state)
{
	(void)state;
	const char *a1[] = { "run", "--memory", "-1", "/r", "true", NULL };
	expect_error(5, a1, "--memory: invalid value '-1' (want a positive size such as 256M)");
	const char *a2[] = { "run", "--cpus", "0", "/r", "true", NULL };
	expect_error(5, a2, "--cpus: invalid value '0' (want a CPU count above 0, e.g. 0.5)");
	const char *a3[] = { "run", "--cap-add", "CAP_BOGUS", "/r", "true", NULL };
	expect_error(5, a3, "--cap-add: invalid value 'CAP_BOGUS' (unknown capability)");
	const char *a4[] = { "run", "--name", "../x", "/r", "true", NULL };
	expect_error(5, a4,
		     "--name: invalid value '../x' (want 1-64 of [A-Za-z0-9_.-], not starting with "
		     ". or -)");
	const char *a5[] = { "run", "--frob", "/r", "true", NULL };
	expect_error(4, a5, "unknown option '--frob'");
	const char *a6[] = { "run", "--net", "bridge", "/r", "true", NULL };
	expect_error(5, a6, "--net: invalid value 'bridge' (want none or host)");
	const char *a7[] = { "run", "/r", NULL };
	expect_error(2, a7, "missing CMD");
	const char *a8[] = { "run", "--memory-swap", "1G", "/r", "true", NULL };
	expect_error(5, a8, "--memory-swap needs --memory");
	const char *a9[] = { "run", "--user", "nobody", "/r", "true", NULL };
	expect_error(5, a9, "--user: invalid value 'nobody' (want numeric UID[:GID])");
	const char *a10[] = { "run", "-v", "data:/data", "/r", "true", NULL };
	expect_error(5, a10, "--volume: invalid value 'data:/data' (want /SRC:/DST[:OPTS])");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_fill_the_spec),
		cmocka_unit_test(test_command_flags_are_left_to_the_command),
		cmocka_unit_test(test_bad_values_name_the_flag),
	};
	return cmocka_run_group_tests_name("unit/run_flags", tests, NULL, NULL);
}

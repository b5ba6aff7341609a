/* Unit tests for the command table and argument dispatch (no probe runs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "commands.h"

static int dispatch(int argc, const char **argv)
{
	/* Silence the usage line the error paths print. */
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	int r = cli_main(argc, (char **)argv);
	fclose(stderr);
	stderr = saved;
	return r;
}

static void test_known_command_is_found(void **state)
{
	(void)state;
	const struct cli_command *c = cli_find("check");
	assert_non_null(c);
	assert_string_equal(c->name, "check");
	assert_null(cli_find("chec"));
	assert_null(cli_find(""));
}

static void test_unknown_command_is_usage_error(void **state)
{
	(void)state;
	const char *argv[] = { "alcove", "frobnicate", NULL };
	assert_int_equal(dispatch(2, argv), CLI_EXIT_USAGE);
}

static void test_unknown_flag_is_usage_error(void **state)
{
	(void)state;
	const char *argv[] = { "alcove", "--frob", NULL };
	assert_int_equal(dispatch(2, argv), CLI_EXIT_USAGE);
	const char *argv2[] = { "alcove", "check", "--frob", NULL };
	assert_int_equal(dispatch(3, argv2), CLI_EXIT_USAGE);
}

static void test_no_command_is_usage_error(void **state)
{
	(void)state;
	const char *argv[] = { "alcove", NULL };
	assert_int_equal(dispatch(1, argv), CLI_EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_command_is_found),
		cmocka_unit_test(test_unknown_command_is_usage_error),
		cmocka_unit_test(test_unknown_flag_is_usage_error),
		cmocka_unit_test(test_no_command_is_usage_error),
	};
	return cmocka_run_group_tests_name("unit/cli", tests, NULL, NULL);
}

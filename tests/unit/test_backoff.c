/* Unit tests for the restart policy, as traces: each exit (status, how long
 * the run lasted) and the verdict that follows it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "backoff.h"

#define EXIT(n) ((n) << 8)
#define KILLED(sig) (sig)

struct step {
	int wstatus;
	uint64_t ran_ms;
};

static void def_from(struct svc_def *d, const char *text)
{
	alc_err err = { 0 };
	assert_int_equal(svc_def_parse(d, "s", "s.conf", text, &err), 0);
}

/* Runs the steps through the policy; the trace has one word per exit:
 * "R<delay>" restart, "D" done, "F" failed. */
static void trace_is(const char *text, const struct step *steps, size_t n, const char *want)
{
	struct svc_def d;
	struct svc_backoff b = { 0 };
	char got[512] = "";
	def_from(&d, text);
	for (size_t i = 0; i < n; i++) {
		uint64_t delay = 12345;
		char word[32];
		switch (svc_backoff_next(&d, &b, steps[i].wstatus, steps[i].ran_ms, &delay)) {
		case SVC_NEXT_RESTART:
			snprintf(word, sizeof(word), "R%llu", (unsigned long long)delay);
			break;
		case SVC_NEXT_DONE:
			snprintf(word, sizeof(word), "D");
			break;
		case SVC_NEXT_FAILED:
			snprintf(word, sizeof(word), "F");
			break;
		}
		strcat(got, i ? " " : "");
		strcat(got, word);
	}
	svc_def_free(&d);
	assert_string_equal(got, want);
}

static const struct step crash7[] = { { EXIT(1), 5 }, { KILLED(SIGSEGV), 5 }, { EXIT(2), 5 },
				      { EXIT(1), 5 }, { EXIT(1), 5 },	      { EXIT(1), 5 },
				      { EXIT(1), 5 } };

static void test_crash_loop_backs_off_exponentially_then_gives_up(void **state)
{
	(void)state;
	trace_is("exec = x\n", crash7, 7, "R100 R200 R400 R800 R1600 F F");
	trace_is("exec = x\nrestart-limit = 2\n", crash7, 4, "R100 R200 F F");
	trace_is("exec = x\nrestart-limit = 0\n", crash7, 1, "F");
	trace_is(
		"exec = x\nrestart-delay = 1s\nrestart-max-delay = 3s\nrestart-limit = unlimited\n",
		crash7, 7, "R1000 R2000 R3000 R3000 R3000 R3000 R3000");
	trace_is("exec = x\nrestart-delay = 0\nrestart-limit = 3\n", crash7, 4, "R0 R0 R0 F");
}

static void test_a_long_run_starts_the_backoff_over(void **state)
{
	(void)state;
	const struct step s[] = { { EXIT(1), 10 },    { EXIT(1), 10 },	 { EXIT(1), 10 },
				  { EXIT(1), 10000 }, { EXIT(1), 9999 }, { EXIT(1), 60000 } };
	trace_is("exec = x\n", s, 6, "R100 R200 R400 R100 R200 R100");
	trace_is("exec = x\nrestart-limit = 2\nrestart-reset = 1m\n", s, 6, "R100 R200 F F F R100");
}

static void test_restart_modes(void **state)
{
	(void)state;
	const struct step clean[] = { { EXIT(0), 5 }, { EXIT(0), 5 } };
	const struct step mixed[] = { { EXIT(3), 5 }, { KILLED(SIGKILL), 5 }, { EXIT(0), 5 } };
	trace_is("exec = x\n", clean, 1, "D"); /* on-failure by default */
	trace_is("exec = x\n", mixed, 3, "R100 R200 D");
	trace_is("exec = x\nrestart = always\n", clean, 2, "R100 R200");
	trace_is("exec = x\nrestart = always\nrestart-limit = 1\n", clean, 2, "R100 F");
	trace_is("exec = x\nrestart = no\n", mixed, 1, "F");
	trace_is("exec = x\nrestart = no\n", clean, 1, "D");
}

static void test_oneshot_is_done_at_exit_0_and_retried_on_failure_only_if_asked(void **state)
{
	(void)state;
	const struct step ok[] = { { EXIT(0), 5 } };
	const struct step bad[] = { { EXIT(1), 5 }, { EXIT(1), 5 }, { EXIT(0), 5 } };
	trace_is("type = oneshot\nexec = x\n", ok, 1, "D");
	trace_is("type = oneshot\nexec = x\n", bad, 1, "F");
	trace_is("type = oneshot\nexec = x\nrestart = on-failure\n", bad, 3, "R100 R200 D");
}

static void test_exit_descriptions(void **state)
{
	(void)state;
	char buf[64];
	assert_false(svc_exit_failed(EXIT(0)));
	assert_true(svc_exit_failed(EXIT(1)));
	assert_true(svc_exit_failed(KILLED(SIGTERM)));
	svc_exit_describe(EXIT(3), buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 3");
	svc_exit_describe(KILLED(SIGKILL), buf, sizeof(buf));
	assert_string_equal(buf, "killed by signal 9 (SIGKILL)");
	svc_exit_describe(KILLED(SIGSEGV) | 0x80, buf, sizeof(buf));
	assert_string_equal(buf, "killed by signal 11 (SIGSEGV), core dumped");
	svc_exit_describe(KILLED(40), buf, sizeof(buf));
	assert_string_equal(buf, "killed by signal 40");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_loop_backs_off_exponentially_then_gives_up),
		cmocka_unit_test(test_a_long_run_starts_the_backoff_over),
		cmocka_unit_test(test_restart_modes),
		cmocka_unit_test(
			test_oneshot_is_done_at_exit_0_and_retried_on_failure_only_if_asked),
		cmocka_unit_test(test_exit_descriptions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

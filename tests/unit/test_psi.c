/* Unit tests for PSI text parsing and trigger formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "psi.h"

static void test_parse_some_and_full(void **state)
{
	(void)state;
	struct psi_stats st;
	const char *text = "some avg10=16.12 avg60=3.40 avg300=0.75 total=2724448\n"
			   "full avg10=1.00 avg60=0.50 avg300=0.10 total=99\n";
	assert_int_equal(psi_parse(text, &st), 0);
	assert_true(st.some.avg10 > 16.11 && st.some.avg10 < 16.13);
	assert_true(st.some.avg300 > 0.74 && st.some.avg300 < 0.76);
	assert_int_equal(st.some.total, 2724448ULL);
	assert_true(st.has_full);
	assert_int_equal(st.full.total, 99ULL);
}

static void test_parse_some_only(void **state)
{
	(void)state;
	struct psi_stats st;
	assert_int_equal(psi_parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &st), 0);
	assert_false(st.has_full);
	assert_int_equal(st.some.total, 0ULL);
}

static void test_parse_rejects_malformed(void **state)
{
	(void)state;
	struct psi_stats st;
	assert_int_equal(psi_parse("", &st), -EINVAL);
	assert_int_equal(psi_parse("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &st),
			 -EINVAL);
	assert_int_equal(psi_parse("some avg10=x avg60=0.00 avg300=0.00 total=0\n", &st), -EINVAL);
	assert_int_equal(psi_parse("some avg10=1.0 avg60=0.00\n", &st), -EINVAL);
}

static void test_trigger_format(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(psi_trigger_format(buf, sizeof(buf), false, 10000, 500000), 17);
	assert_string_equal(buf, "some 10000 500000");
	assert_int_equal(psi_trigger_format(buf, sizeof(buf), true, 1, 2), 8);
	assert_string_equal(buf, "full 1 2");
}

static void test_trigger_format_rejects_bad_windows(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(psi_trigger_format(buf, sizeof(buf), false, 0, 500000), -EINVAL);
	assert_int_equal(psi_trigger_format(buf, sizeof(buf), false, 600000, 500000), -EINVAL);
	assert_int_equal(psi_trigger_format(buf, sizeof(buf), false, 10000, 500000), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_some_and_full),
		cmocka_unit_test(test_parse_some_only),
		cmocka_unit_test(test_parse_rejects_malformed),
		cmocka_unit_test(test_trigger_format),
		cmocka_unit_test(test_trigger_format_rejects_bad_windows),
	};
	return cmocka_run_group_tests_name("unit/psi", tests, NULL, NULL);
}

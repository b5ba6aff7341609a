/* Unit tests for alcove top's pure half: groups lines, rates, bars, frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "top.h"

static const char batch_line[] = "box/batch\tbatch\t50000\t100000\t0\tmanaged\tcut\t1234\n";
static const char lat_line[] = "box/lat\tlatency\tmax\t100000\t20000\tmanaged\t-\t-1\n";

static void test_parse_group_reads_every_field(void **state)
{
	(void)state;
	struct top_group g;
	assert_int_equal(top_parse_group(batch_line, &g), 0);
	assert_string_equal(g.path, "box/batch");
	assert_string_equal(g.cls, "batch");
	assert_int_equal(g.quota_us, 50000);
	assert_int_equal(g.period_us, 100000);
	assert_int_equal(g.burst_us, 0);
	assert_string_equal(g.state, "managed");
	assert_string_equal(g.reason, "cut");
	assert_true(g.ago_ms > 1233.9 && g.ago_ms < 1234.1);
}

static void test_parse_group_max_quota_and_no_decision(void **state)
{
	(void)state;
	struct top_group g;
	assert_int_equal(top_parse_group(lat_line, &g), 0);
	assert_true(g.quota_us == UINT64_MAX);
	assert_string_equal(g.reason, "-");
	assert_true(g.ago_ms < 0);
}

static void test_parse_group_rejects_malformed_lines(void **state)
{
	(void)state;
	struct top_group g;
	const char *bad[] = {
		"",
		"box/batch batch 50000 100000 0 managed cut 12",		   /* spaces */
		"box/batch\tbatch\t50000\t100000\t0\tmanaged\tcut",		   /* 7 fields */
		"box/batch\tbatch\t50000\t100000\t0\tmanaged\tcut\t1\textra",	   /* 9 */
		"box/batch\tbatch\tlots\t100000\t0\tmanaged\tcut\t1",		   /* quota */
		"box/batch\tbatch\t-5\t100000\t0\tmanaged\tcut\t1",		   /* negative */
		"box/batch\tbatch\t50000\t0\t0\tmanaged\tcut\t1",		   /* period 0 */
		"box/batch\tbatch\t50000\t100000\t0\tmanaged\tcut\tsoon",	   /* ago */
		"\tbatch\t50000\t100000\t0\tmanaged\tcut\t1",			   /* no path */
		"box/batch\tabcdefghijklmnopq\t50000\t100000\t0\tmanaged\tcut\t1", /* class */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(top_parse_group(bad[i], &g), -EINVAL);
}

static void test_parse_groups_counts_lines_and_names_the_bad_one(void **state)
{
	(void)state;
	struct top_group g[4];
	char text[512];
	size_t bad = 0;
	snprintf(text, sizeof(text), "%s%s", batch_line, lat_line);
	assert_int_equal(top_parse_groups(text, g, 4, &bad), 2);
	assert_string_equal(g[1].path, "box/lat");
	assert_int_equal(top_parse_groups("", g, 4, &bad), 0);
	assert_int_equal(top_parse_groups(text, g, 1, &bad), 1);
	snprintf(text, sizeof(text), "%serror: unknown command 'groups'\n", batch_line);
	assert_int_equal(top_parse_groups(text, g, 4, &bad), -EINVAL);
	assert_int_equal(bad, 2);
}

static void test_bar_fills_in_proportion_and_clamps(void **state)
{
	(void)state;
	char b[16];
	assert_string_equal(top_bar(b, sizeof(b), 0, 1, 10), "[..........]");
	assert_string_equal(top_bar(b, sizeof(b), 0.5, 1, 10), "[#####.....]");
	assert_string_equal(top_bar(b, sizeof(b), 3, 1, 10), "[##########]");
	assert_string_equal(top_bar(b, sizeof(b), 0.001, 1, 10), "[#.........]");
	assert_string_equal(top_bar(b, 5, 0.5, 1, 10), "");
}

static struct top_row row_of(const struct top_group *g, uint64_t used_us, uint64_t periods,
			     uint64_t throttled)
{
	struct top_row r = { .g = g };
	r.prev = (struct top_sample){ .ok = true, .at_us = 1000000, .usage_us = 5000000 };
	r.cur = r.prev;
	r.cur.at_us += 1000000;
	r.cur.usage_us += used_us;
	r.cur.nr_periods = periods;
	r.cur.nr_throttled = throttled;
	r.cur.has_psi = r.cur.has_full = true;
	r.cur.some10 = 12.5;
	r.cur.full10 = 3.25;
	return r;
}

static void test_rates_against_quota_and_max(void **state)
{
	(void)state;
	struct top_group b, l;
	struct top_rates r;
	assert_int_equal(top_parse_group(batch_line, &b), 0);
	assert_int_equal(top_parse_group(lat_line, &l), 0);
	struct top_row row = row_of(&b, 250000, 10, 4);
	top_rates(&row, 4, &r);
	assert_true(r.have_usage && r.usage_cpus > 0.249 && r.usage_cpus < 0.251);
	assert_true(r.limit_cpus > 0.499 && r.limit_cpus < 0.501);
	assert_true(r.have_throttle && r.throttled_pct > 39.9 && r.throttled_pct < 40.1);
	row = row_of(&l, 2000000, 0, 0);
	top_rates(&row, 4, &r);
	assert_true(r.limit_cpus > 3.99 && r.limit_cpus < 4.01); /* max: the CPU count */
	assert_false(r.have_throttle);				 /* no periods elapsed */
	row.cur.has_quota = true;
	row.cur.quota_us = 150000; /* the file wins over the daemon's word */
	top_rates(&row, 4, &r);
	assert_int_equal(r.quota_us, 150000);
	row.prev.ok = false;
	top_rates(&row, 4, &r);
	assert_false(r.have_usage);
}

/* Renders rows into a heap buffer the caller frees. */
static char *frame_of(const struct top_row *rows, size_t n, unsigned width)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct top_header h = { "12:00:00", "/run/alcove/sched.sock", 1000, 4 };
	assert_int_equal(top_frame(f, &h, rows, n, width), (int)n + 2);
	fclose(f);
	return text;
}

static void test_frame_shows_bars_percentages_and_quotas(void **state)
{
	(void)state;
	struct top_group b, l;
	assert_int_equal(top_parse_group(batch_line, &b), 0);
	assert_int_equal(top_parse_group(lat_line, &l), 0);
	struct top_row rows[2] = { row_of(&b, 250000, 10, 4), row_of(&l, 0, 0, 0) };
	char *text = frame_of(rows, 2, 120);
	assert_non_null(strstr(text, "alcove top  12:00:00  socket /run/alcove/sched.sock"));
	assert_non_null(strstr(text, "box/batch batch    [#####.....] 0.25/0.50"));
	assert_non_null(strstr(text, " 40.0  12.50   3.25     50000  cut 1.2s ago\n"));
	assert_non_null(strstr(text, "box/lat   latency  [..........] 0.00/4.00"));
	assert_non_null(strstr(text, "      max  -\n"));
	free(text);
}

static void test_frame_cuts_every_line_to_a_narrow_width(void **state)
{
	(void)state;
	struct top_group g;
	assert_int_equal(
		top_parse_group("a/very/long/path/to/some/deep/group/worker\tbatch\t50000\t"
				"100000\t0\tgone\tcut\t5\n",
				&g),
		0);
	struct top_row row = row_of(&g, 100000, 0, 0);
	char *text = frame_of(&row, 1, 40);
	int lines = 0;
	for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1, lines++)
		assert_true(nl - p <= 40);
	assert_int_equal(lines, 3);
	assert_non_null(strstr(text, "\n~up/worker batch    [##")); /* the tail stays */
	free(text);
	text = frame_of(&row, 1, 200);
	assert_non_null(strstr(text, "  gone\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_group_reads_every_field),
		cmocka_unit_test(test_parse_group_max_quota_and_no_decision),
		cmocka_unit_test(test_parse_group_rejects_malformed_lines),
		cmocka_unit_test(test_parse_groups_counts_lines_and_names_the_bad_one),
		cmocka_unit_test(test_bar_fills_in_proportion_and_clamps),
		cmocka_unit_test(test_rates_against_quota_and_max),
		cmocka_unit_test(test_frame_shows_bars_percentages_and_quotas),
		cmocka_unit_test(test_frame_cuts_every_line_to_a_narrow_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

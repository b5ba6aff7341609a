/* Unit tests for the per-service log ring: wrap-around, dropping whole
 * lines, partial lines, lines longer than the ring, tail read-out, and a
 * randomised comparison against a model of "the newest lines that fit". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logring.h"

static void put(struct logring *r, const char *s)
{
	logring_append(r, s, strlen(s));
}

static void holds(const struct logring *r, const char *want)
{
	char got[4096];
	size_t n = logring_copy(r, got, sizeof(got) - 1);
	got[n] = '\0';
	assert_string_equal(got, want);
	assert_int_equal(n, r->len);
}

static void tail_is(const struct logring *r, size_t lines, const char *want)
{
	struct iovec iov[2];
	char got[4096] = "";
	int n = logring_tail(r, lines, iov);
	for (int k = 0; k < n; k++)
		strncat(got, iov[k].iov_base, iov[k].iov_len);
	assert_string_equal(got, want);
}

static void test_wraps_around_and_keeps_the_newest_lines(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, 16), 0);
	put(&r, "line-1\n");
	put(&r, "line-2\n");
	holds(&r, "line-1\nline-2\n");
	put(&r, "line-3\n"); /* 21 bytes: line-1 goes */
	holds(&r, "line-2\nline-3\n");
	assert_int_equal(r.dropped, 7);
	struct iovec iov[2];
	assert_int_equal(logring_spans(&r, iov), 2); /* it wrapped */
	assert_int_equal(iov[0].iov_len + iov[1].iov_len, 14);
	assert_false(r.cut);
	logring_free(&r);
	assert_null(r.buf);
}

static void test_a_cut_line_is_dropped_whole(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, 16), 0);
	put(&r, "aaaa\nbbbbbbbb\n"); /* 14 */
	put(&r, "cc\n");	     /* needs 1 byte: 'a' goes, then the rest of its line */
	holds(&r, "bbbbbbbb\ncc\n");
	assert_int_equal(r.dropped, 5);
	logring_free(&r);
}

static void test_partial_lines_join_and_tail_counts_them(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, 64), 0);
	tail_is(&r, 3, "");
	put(&r, "one\ntw");
	put(&r, "o\nthr");
	holds(&r, "one\ntwo\nthr");
	tail_is(&r, 1, "thr");
	tail_is(&r, 2, "two\nthr");
	tail_is(&r, 9, "one\ntwo\nthr");
	tail_is(&r, 0, "");
	put(&r, "ee\n");
	tail_is(&r, 1, "three\n");
	tail_is(&r, 2, "two\nthree\n");
	logring_free(&r);
}

static void test_a_line_longer_than_the_ring_keeps_its_end(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, 8), 0);
	put(&r, "x\n");
	put(&r, "0123456789abcdef");
	holds(&r, "89abcdef");
	assert_true(r.cut);
	assert_int_equal(r.dropped, 10);
	put(&r, "gh");
	holds(&r, "abcdefgh");
	assert_true(r.cut);
	put(&r, "\nxy\n"); /* the long line ends: it goes, whole lines stay */
	holds(&r, "xy\n");
	assert_false(r.cut);
	put(&r, "0123456\n"); /* exactly the size of the ring, after a newline */
	holds(&r, "0123456\n");
	assert_false(r.cut);
	logring_free(&r);
}

static void test_bad_size_is_refused(void **state)
{
	(void)state;
	struct logring r;
	assert_int_equal(logring_init(&r, 0), -EINVAL);
	logring_append(&r, "x", 1); /* harmless on a ring that failed to init */
	assert_int_equal(r.len, 0);
}

/* What the ring must hold after history h: all of it when it fits, else the
 * suffix from the first line start at or after len-cap that has bytes after
 * it, else (one cut line) the last cap bytes. */
static size_t model_start(const char *h, size_t len, size_t cap, int *cut)
{
	*cut = 0;
	if (len <= cap)
		return 0;
	for (size_t k = len - cap; k < len; k++)
		if (h[k - 1] == '\n')
			return k;
	*cut = 1;
	return len - cap;
}

static void test_matches_the_model_on_random_writes(void **state)
{
	(void)state;
	static char hist[1 << 16];
	uint32_t seed = 12345;
	for (size_t cap = 1; cap < 40; cap += 3) {
		struct logring r;
		size_t len = 0;
		assert_int_equal(logring_init(&r, cap), 0);
		for (int step = 0; step < 400; step++) {
			char chunk[64];
			seed = seed * 1103515245u + 12345u;
			size_t n = (seed >> 16) % 50;
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				chunk[i] = (seed >> 16) % 7 == 0 ? '\n'
								 : (char)('a' + (seed >> 20) % 26);
			}
			logring_append(&r, chunk, n);
			memcpy(hist + len, chunk, n);
			len += n;
			int cut;
			size_t from = model_start(hist, len, cap, &cut);
			char got[64];
			size_t got_n = logring_copy(&r, got, sizeof(got));
			assert_int_equal(got_n, len - from);
			assert_memory_equal(got, hist + from, got_n);
			if (len > cap)
				assert_int_equal(r.cut, cut);
			assert_int_equal(r.dropped, from);
		}
		logring_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wraps_around_and_keeps_the_newest_lines),
		cmocka_unit_test(test_a_cut_line_is_dropped_whole),
		cmocka_unit_test(test_partial_lines_join_and_tail_counts_them),
		cmocka_unit_test(test_a_line_longer_than_the_ring_keeps_its_end),
		cmocka_unit_test(test_bad_size_is_refused),
		cmocka_unit_test(test_matches_the_model_on_random_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

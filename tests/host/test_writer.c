/* Host tier for the batched writer and its calibration: io_uring and write(2)
 * land the same values in real v1 cgroup files (cpu, memory, pids groups of
 * our own, removed at the end), and calibration picks one and changes
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "calibrate.h"
#include "cgtest.h"
#include "fileio.h"
#include "writer.h"

enum { NFILES = 8, NCTRL = 3 };

static const char *const ctrl_dir[NCTRL] = {
	"/sys/fs/cgroup/cpu",
	"/sys/fs/cgroup/memory",
	"/sys/fs/cgroup/pids",
};

/* Each file's baseline and target: both valid, and distinct, so a write
 * that did not land shows. Targets hold no order dependency in a batch. */
static const struct {
	int ctrl;
	const char *file, *base, *target;
} files[NFILES] = {
	{ 0, "cpu.cfs_quota_us", "50000", "30000" },
	{ 0, "cpu.cfs_period_us", "100000", "200000" },
	{ 0, "cpu.shares", "1024", "512" },
	{ 1, "memory.limit_in_bytes", "268435456", "134217728" },
	{ 1, "memory.soft_limit_in_bytes", "134217728", "67108864" },
	{ 1, "memory.swappiness", "60", "30" },
	{ 2, "pids.max", "max", "64" },
	{ 0, "cpu.cfs_burst_us", "0", "10000" },
};

struct fixture {
	int dir[NCTRL];
	int fd[NFILES];
};

static char group[64];
static struct fixture fx;

static int teardown(void **state);

static int setup(void **state)
{
	snprintf(group, sizeof(group), "alcove-writer-test.%d", (int)getpid());
	for (int c = 0; c < NCTRL; c++)
		fx.dir[c] = -1;
	for (int i = 0; i < NFILES; i++)
		fx.fd[i] = -1;
	for (int c = 0; c < NCTRL; c++) {
		fx.dir[c] = cgt_group_create(ctrl_dir[c], group);
		if (fx.dir[c] < 0) {
			print_error("mkdir %s/%s: %s\n", ctrl_dir[c], group, strerror(-fx.dir[c]));
			teardown(state);
			return -1;
		}
	}
	for (int i = 0; i < NFILES; i++) {
		fx.fd[i] = openat(fx.dir[files[i].ctrl], files[i].file, O_RDWR | O_CLOEXEC);
		if (fx.fd[i] < 0) {
			print_error("open %s: %s\n", files[i].file, strerror(errno));
			teardown(state);
			return -1;
		}
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int bad = 0;
	for (int i = 0; i < NFILES; i++)
		if (fx.fd[i] >= 0)
			close(fx.fd[i]);
	for (int c = 0; c < NCTRL; c++) {
		if (fx.dir[c] >= 0)
			close(fx.dir[c]);
		bad |= cgt_group_destroy(ctrl_dir[c], group) < 0;
	}
	return bad ? -1 : 0;
}

/* Reads file i (whole, newline stripped) into out. */
static void read_value(int i, char *out, size_t len)
{
	char *text = NULL;
	assert_true(alc_read_file_at(fx.dir[files[i].ctrl], files[i].file, &text) > 0);
	text[strcspn(text, "\n")] = '\0';
	snprintf(out, len, "%s", text);
	free(text);
}

static void set_all(int target)
{
	char back[64];
	for (int i = 0; i < NFILES; i++) {
		const char *v = target ? files[i].target : files[i].base;
		assert_int_equal(alc_write_file_at(fx.dir[files[i].ctrl], files[i].file, v), 0);
		read_value(i, back, sizeof(back));
		assert_string_equal(back, v);
	}
}

/* From the baseline, writes the first n targets as one batch through be and
 * reads the n files back into back[]. */
static void land_batch(enum uring_backend be, unsigned depth, size_t n, char back[][64])
{
	set_all(0);
	struct uring_writer *w = NULL;
	alc_err err = { 0 };
	assert_int_equal(uring_writer_new(be, depth, &w, &err), 0);
	struct uring_write ws[NFILES];
	for (size_t i = 0; i < n; i++)
		ws[i] = (struct uring_write){ .fd = fx.fd[i],
					      .buf = files[i].target,
					      .len = strlen(files[i].target) };
	int r = uring_writer_submit(w, ws, n, &err);
	uring_writer_free(w);
	if (r != 0)
		fail_msg("%s batch of %zu: %d failed (%s)", uring_backend_name(be), n, r, err.msg);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ws[i].result, (long)strlen(files[i].target));
		read_value((int)i, back[i], 64);
	}
}

static void test_backends_land_identical_values_in_batches_of_1_3_8(void **state)
{
	(void)state;
	static const size_t sizes[] = { 1, 3, 8 };
	for (size_t s = 0; s < 3; s++) {
		size_t n = sizes[s];
		char sync_back[NFILES][64], uring_back[NFILES][64];
		land_batch(URING_BACKEND_SYNC, (unsigned)n, n, sync_back);
		land_batch(URING_BACKEND_URING, (unsigned)n, n, uring_back);
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(sync_back[i], uring_back[i]);
			assert_string_equal(uring_back[i], files[i].target);
		}
	}
}

/* An invalid value in the middle of a batch of 8: both backends report the
 * same per-write results, -EINVAL for it and full lengths for the others. The
 * io_uring writer has depth 3, so the batch goes in three submissions. */
static void test_backends_agree_per_write_with_invalid_value_mid_batch(void **state)
{
	(void)state;
	enum { BAD = 4 };
	long results[2][NFILES];
	for (int b = 0; b < 2; b++) {
		enum uring_backend be = b ? URING_BACKEND_URING : URING_BACKEND_SYNC;
		set_all(0);
		struct uring_writer *w = NULL;
		assert_int_equal(uring_writer_new(be, 3, &w, NULL), 0);
		struct uring_write ws[NFILES];
		for (int i = 0; i < NFILES; i++) {
			const char *v = i == BAD ? "bogus" : files[i].target;
			ws[i] = (struct uring_write){ .fd = fx.fd[i], .buf = v, .len = strlen(v) };
		}
		assert_int_equal(uring_writer_submit(w, ws, NFILES, NULL), 1);
		uring_writer_free(w);
		for (int i = 0; i < NFILES; i++)
			results[b][i] = ws[i].result;
		char back[64];
		read_value(BAD, back, sizeof(back));
		assert_string_equal(back, files[BAD].base);
		read_value(NFILES - 1, back, sizeof(back));
		assert_string_equal(back, files[NFILES - 1].target);
	}
	assert_memory_equal(results[0], results[1], sizeof(results[0]));
	for (int i = 0; i < NFILES; i++)
		assert_int_equal(results[0][i], i == BAD ? -EINVAL : (long)strlen(files[i].target));
}

static void snapshot(char vals[][64])
{
	for (int i = 0; i < NFILES; i++)
		read_value(i, vals[i], 64);
}

static void test_calibration_picks_a_backend_and_leaves_values_unchanged(void **state)
{
	(void)state;
	set_all(1); /* non-default values, so a stray write would show */
	char before[NFILES][64], after[NFILES][64];
	snapshot(before);
	static const size_t sizes[] = { 1, 3, 8 };
	for (size_t s = 0; s < 3; s++) {
		struct uring_calibration cal;
		alc_err err = { 0 };
		int r = uring_calibrate(fx.fd, sizes[s], &cal, &err);
		if (r < 0)
			fail_msg("calibrate %zu: %s", sizes[s], err.msg);
		print_message("calibrate %zu: %s; sync mean %.1f us, uring mean %.1f us, %.0f us "
			      "total\n",
			      sizes[s], cal.reason, cal.sync_mean_us, cal.uring_mean_us,
			      cal.total_us);
		assert_true(cal.uring_available);
		assert_true(cal.choice == URING_BACKEND_SYNC || cal.choice == URING_BACKEND_URING);
		assert_true(cal.sync_mean_us > 0 && cal.sync_median_us > 0);
		assert_true(cal.uring_mean_us > 0 && cal.uring_median_us > 0);
		assert_true(cal.batches >= 5);
		assert_int_equal(cal.writes, sizes[s]);
		/* the faster median wins */
		assert_int_equal(cal.choice == URING_BACKEND_URING,
				 cal.uring_median_us < cal.sync_median_us);
		/* ~20 ms budget; the sanitizer build is allowed some slack */
		assert_true(cal.total_us < 100000);
	}
	snapshot(after);
	for (int i = 0; i < NFILES; i++)
		assert_string_equal(before[i], after[i]);
}

/* io_uring_setup(2) needs a new fd: with RLIMIT_NOFILE at the lowest free fd
 * the kernel refuses the ring (EMFILE), as it would with io_uring_disabled,
 * and calibration falls back to sync with the reason. */
static void test_calibration_falls_back_to_sync_when_io_uring_is_refused(void **state)
{
	(void)state;
	struct rlimit old, tight;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	int lowest = fcntl(fx.fd[0], F_DUPFD_CLOEXEC, 0);
	assert_true(lowest >= 0);
	close(lowest);
	tight = (struct rlimit){ .rlim_cur = (rlim_t)lowest, .rlim_max = old.rlim_max };
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
	struct uring_calibration cal;
	alc_err err = { 0 };
	int r = uring_calibrate(fx.fd, 3, &cal, &err);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	if (r < 0)
		fail_msg("calibrate: %s", err.msg);
	print_message("fallback: %s\n", cal.reason);
	assert_false(cal.uring_available);
	assert_int_equal(cal.choice, URING_BACKEND_SYNC);
	assert_non_null(strstr(cal.reason, "io_uring unavailable"));
	assert_non_null(strstr(cal.reason, "Too many open files"));
	assert_true(cal.sync_median_us > 0);
	assert_true(cal.uring_mean_us == 0);
}

static void test_calibration_rejects_unreadable_and_empty_input(void **state)
{
	(void)state;
	struct uring_calibration cal;
	alc_err err = { 0 };
	int wronly = openat(fx.dir[0], "cpu.shares", O_WRONLY | O_CLOEXEC);
	assert_true(wronly >= 0);
	assert_int_equal(uring_calibrate(&wronly, 1, &cal, &err), -EBADF);
	close(wronly);
	assert_non_null(strstr(err.msg, "calibrate: read fd"));
	assert_int_equal(uring_calibrate(fx.fd, 0, &cal, &err), -EINVAL);
}

static void test_backend_parse_accepts_modes_and_rejects_junk(void **state)
{
	(void)state;
	static const char *const good[] = { "auto", "uring", "sync" };
	static const enum uring_mode want[] = { URING_MODE_AUTO, URING_MODE_URING,
						URING_MODE_SYNC };
	for (int i = 0; i < 3; i++) {
		enum uring_mode m = URING_MODE_AUTO;
		assert_int_equal(uring_backend_parse(good[i], &m, NULL), 0);
		assert_int_equal(m, want[i]);
		assert_string_equal(uring_mode_name(m), good[i]);
	}
	static const char *const junk[] = { "", "URING", "uring ", "io_uring", "syncx", "1" };
	for (size_t i = 0; i < sizeof(junk) / sizeof(*junk); i++) {
		enum uring_mode m = URING_MODE_SYNC;
		alc_err err = { 0 };
		assert_int_equal(uring_backend_parse(junk[i], &m, &err), -EINVAL);
		assert_int_equal(m, URING_MODE_SYNC);
		char want_msg[64];
		snprintf(want_msg, sizeof(want_msg), "\"%s\"", junk[i]);
		assert_non_null(strstr(err.msg, want_msg));
		assert_null(strchr(err.msg, '\n'));
	}
	enum uring_mode m;
	assert_int_equal(uring_backend_parse(NULL, &m, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backends_land_identical_values_in_batches_of_1_3_8),
		cmocka_unit_test(test_backends_agree_per_write_with_invalid_value_mid_batch),
		cmocka_unit_test(test_calibration_picks_a_backend_and_leaves_values_unchanged),
		cmocka_unit_test(test_calibration_falls_back_to_sync_when_io_uring_is_refused),
		cmocka_unit_test(test_calibration_rejects_unreadable_and_empty_input),
		cmocka_unit_test(test_backend_parse_accepts_modes_and_rejects_junk),
	};
	return cmocka_run_group_tests_name("host/writer", tests, setup, teardown);
}

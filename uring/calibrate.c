#include "calibrate.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Enough batches for a stable median on a quiet board, few enough to stay
 * well under 20 ms; a slow machine (QEMU TCG) stops at the time budget but
 * still takes MIN_BATCHES. */
enum {
	MIN_BATCHES = 5,
	MAX_BATCHES = 200,
	BUDGET_NS = 15 * 1000 * 1000,
	VALUE_MAX = 128,
};

static const char *const mode_names[] = {
	[URING_MODE_AUTO] = "auto",
	[URING_MODE_URING] = "uring",
	[URING_MODE_SYNC] = "sync",
};

const char *uring_mode_name(enum uring_mode mode)
{
	return (unsigned)mode < sizeof(mode_names) / sizeof(*mode_names) ? mode_names[mode] : "?";
}

int uring_backend_parse(const char *s, enum uring_mode *out, alc_err *err)
{
	for (size_t i = 0; s && i < sizeof(mode_names) / sizeof(*mode_names); i++) {
		if (!strcmp(s, mode_names[i])) {
			*out = (enum uring_mode)i;
			return 0;
		}
	}
	return alc_err_setx(err, EINVAL, "unknown io backend \"%s\" (want auto, uring or sync)",
			    s ? s : "");
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	/* CLOCK_MONOTONIC cannot fail with a valid pointer */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads each fd's current value (first line, without its newline). */
static int read_values(const int *fds, size_t n, char (*vals)[VALUE_MAX], alc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		ssize_t len = pread(fds[i], vals[i], VALUE_MAX, 0);
		if (len < 0)
			return alc_err_set(err, errno, "calibrate: read fd %d", fds[i]);
		if (len == VALUE_MAX)
			return alc_err_setx(err, EFBIG, "calibrate: fd %d holds over %d bytes",
					    fds[i], VALUE_MAX - 1);
		vals[i][len] = '\0';
		vals[i][strcspn(vals[i], "\n")] = '\0';
		if (!vals[i][0])
			return alc_err_setx(err, EINVAL, "calibrate: fd %d reads empty", fds[i]);
	}
	return 0;
}

/* Submits one batch and returns its duration in ns, or -errno when the batch
 * failed or any write in it did (writing a value just read must succeed). */
static int64_t time_batch(struct uring_writer *w, struct uring_write *ws, size_t n, alc_err *err)
{
	uint64_t t0 = now_ns();
	int r = uring_writer_submit(w, ws, n, err);
	uint64_t t1 = now_ns();
	if (r < 0)
		return r;
	for (size_t i = 0; r > 0 && i < n; i++)
		if (ws[i].result < 0)
			return alc_err_set(err, (int)-ws[i].result,
					   "calibrate: write \"%s\" back to fd %d", ws[i].buf,
					   ws[i].fd);
	return (int64_t)(t1 - t0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Mean and median in us of n samples in ns; sorts them. */
static void summarise(uint64_t *t, unsigned n, double *mean, double *median)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp_u64);
	*mean = (double)sum / n / 1e3;
	*median = (n % 2 ? (double)t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0) / 1e3;
}

/* Runs interleaved batches (alternating which backend goes first) until the
 * budget is spent; w[0] is sync, w[1] io_uring or NULL. */
static int run_batches(struct uring_writer *w[2], struct uring_write *ws, size_t n,
		       uint64_t t[2][MAX_BATCHES], unsigned *batches, alc_err *err)
{
	uint64_t start = now_ns();
	/* untimed warm-up: io_uring's first punt starts an io-wq worker */
	for (int b = 0; b < 2; b++) {
		int64_t d = w[b] ? time_batch(w[b], ws, n, err) : 0;
		if (d < 0)
			return (int)d;
	}
	unsigned i = 0;
	for (; i < MAX_BATCHES; i++) {
		if (i >= MIN_BATCHES && now_ns() - start > BUDGET_NS)
			break;
		for (int k = 0; k < 2; k++) {
			int b = k ^ (int)(i & 1);
			int64_t d = w[b] ? time_batch(w[b], ws, n, err) : 0;
			if (d < 0)
				return (int)d;
			t[b][i] = (uint64_t)d;
		}
	}
	*batches = i;
	return 0;
}

static void decide(struct uring_calibration *out)
{
	if (!out->uring_available) {
		out->choice = URING_BACKEND_SYNC;
		return;
	}
	bool uring = out->uring_median_us < out->sync_median_us;
	out->choice = uring ? URING_BACKEND_URING : URING_BACKEND_SYNC;
	snprintf(out->reason, sizeof(out->reason),
		 "%s faster: median %.1f us (uring) vs %.1f us (sync) per batch of %zu writes, "
		 "%u batches",
		 uring ? "uring" : "sync", out->uring_median_us, out->sync_median_us, out->writes,
		 out->batches);
}

int uring_calibrate(const int *fds, size_t nfds, struct uring_calibration *out, alc_err *err)
{
	*out = (struct uring_calibration){ .writes = nfds };
	if (nfds == 0 || nfds > URING_CALIBRATE_MAX_FDS)
		return alc_err_setx(err, EINVAL, "calibrate: %zu files (want 1 to %d)", nfds,
				    URING_CALIBRATE_MAX_FDS);
	uint64_t start = now_ns();
	char vals[URING_CALIBRATE_MAX_FDS][VALUE_MAX];
	int r = read_values(fds, nfds, vals, err);
	if (r < 0)
		return r;
	struct uring_write ws[URING_CALIBRATE_MAX_FDS];
	for (size_t i = 0; i < nfds; i++)
		ws[i] = (struct uring_write){ .fd = fds[i],
					      .buf = vals[i],
					      .len = strlen(vals[i]) };

	struct uring_writer *w[2] = { NULL, NULL };
	r = uring_writer_new(URING_BACKEND_SYNC, (unsigned)nfds, &w[0], err);
	if (r < 0)
		return r;
	alc_err uerr = { 0 };
	out->uring_available =
		uring_writer_new(URING_BACKEND_URING, (unsigned)nfds, &w[1], &uerr) == 0;
	if (!out->uring_available)
		snprintf(out->reason, sizeof(out->reason), "io_uring unavailable: %.160s",
			 uerr.msg);

	_Static_assert(MAX_BATCHES * sizeof(uint64_t) * 2 <= 4096, "samples fit the stack");
	uint64_t t[2][MAX_BATCHES];
	r = run_batches(w, ws, nfds, t, &out->batches, err);
	uring_writer_free(w[0]);
	uring_writer_free(w[1]);
	if (r < 0)
		return r;
	summarise(t[0], out->batches, &out->sync_mean_us, &out->sync_median_us);
	if (out->uring_available)
		summarise(t[1], out->batches, &out->uring_mean_us, &out->uring_median_us);
	decide(out);
	out->total_us = (double)(now_ns() - start) / 1e3;
	return 0;
}

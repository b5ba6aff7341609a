/* bench/run writes: the cost of a batch of cgroup writes through io_uring
 * against write(2), with libalcove's writer (the daemon's code path). For
 * batch sizes 1, 3 and 8, N times each, alternates the two backends (which
 * goes first alternates too), writing each file's current value back.
 *   writes_micro N FILE...      (8 files; opened O_RDWR)
 * Prints "BACKEND SIZE mean p50 p99" in us per batch, then what calibration
 * chose for each size: "calibrate SIZE CHOICE sync_median uring_median". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "timing.h"
#include "writer.h"

enum { NFILES = 8, WARMUP = 20 };

static const size_t sizes[] = { 1, 3, 8 };

static void report(const char *name, size_t size, double *t, int n)
{
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += t[i];
	bench_sort(t, (size_t)n);
	printf("%s %zu %.2f %.2f %.2f\n", name, size, sum / n, t[n / 2], t[(n * 99) / 100]);
}

/* One timed batch; -1 when any write failed. */
static double batch_us(struct uring_writer *w, struct uring_write *ws, size_t n)
{
	alc_err err = { 0 };
	double t0 = bench_now_us();
	int r = uring_writer_submit(w, ws, n, &err);
	double t = bench_now_us() - t0;
	if (r != 0) {
		for (size_t i = 0; i < n; i++)
			if (ws[i].result < 0)
				fprintf(stderr, "writes_micro: write \"%s\": %s\n", ws[i].buf,
					strerror((int)-ws[i].result));
		fprintf(stderr, "writes_micro: batch of %zu: %d failed %s\n", n, r, err.msg);
		return -1;
	}
	return t;
}

/* Times n batches of size writes per backend; t[b] gets backend b's. */
static int measure(struct uring_write *ws, size_t size, int n, double *t[2])
{
	struct uring_writer *w[2] = { NULL, NULL };
	alc_err err = { 0 };
	if (uring_writer_new(URING_BACKEND_SYNC, (unsigned)size, &w[0], &err) < 0 ||
	    uring_writer_new(URING_BACKEND_URING, (unsigned)size, &w[1], &err) < 0) {
		fprintf(stderr, "writes_micro: %s\n", err.msg);
		uring_writer_free(w[0]);
		return -1;
	}
	int bad = 0;
	for (int i = -WARMUP; !bad && i < n; i++) {
		for (int k = 0; !bad && k < 2; k++) {
			int b = k ^ (i & 1);
			double d = batch_us(w[b], ws, size);
			bad = d < 0;
			if (i >= 0)
				t[b][i] = d;
		}
	}
	uring_writer_free(w[0]);
	uring_writer_free(w[1]);
	return bad ? -1 : 0;
}

static int calibrate(const int *fds, size_t size)
{
	struct uring_calibration cal;
	alc_err err = { 0 };
	if (uring_calibrate(fds, size, &cal, &err) < 0) {
		fprintf(stderr, "writes_micro: %s\n", err.msg);
		return -1;
	}
	printf("calibrate %zu %s %.2f %.2f %u %.0f\n", size, uring_backend_name(cal.choice),
	       cal.sync_median_us, cal.uring_median_us, cal.batches, cal.total_us);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc == 2 + NFILES ? atoi(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: writes_micro N FILE1 ... FILE%d\n", NFILES);
		return 2;
	}
	int fds[NFILES];
	char vals[NFILES][128];
	struct uring_write ws[NFILES];
	for (int i = 0; i < NFILES; i++) {
		fds[i] = open(argv[2 + i], O_RDWR | O_CLOEXEC);
		ssize_t len = fds[i] < 0 ? -1 : pread(fds[i], vals[i], sizeof(vals[i]) - 1, 0);
		if (len <= 0) {
			perror(argv[2 + i]);
			return 1;
		}
		vals[i][len] = '\0';
		vals[i][strcspn(vals[i], "\n")] = '\0';
		ws[i] = (struct uring_write){ .fd = fds[i],
					      .buf = vals[i],
					      .len = strlen(vals[i]) };
	}
	double *t[2] = { calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double)) };
	if (!t[0] || !t[1])
		return 1;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		if (measure(ws, sizes[s], n, t) < 0)
			return 1;
		report("sync", sizes[s], t[0], n);
		report("uring", sizes[s], t[1], n);
	}
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		if (calibrate(fds, sizes[s]) < 0)
			return 1;
	free(t[0]);
	free(t[1]);
	return 0;
}

/* bench/run protection: a latency-critical task. Every P ms a burst of B
 * requests arrives (B = 1 by default); each request is W ms of CPU work
 * measured in this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), served one
 * after another. Response = completion - scheduled arrival, so time spent
 * waiting for the CPU (or throttled) and any backlog count.
 *   latency_task W_MS P_MS SECONDS [B [RAW-FILE]]
 * Prints one line: "n=N p50_ms=.. p99_ms=.. max_ms=.. mean_ms=.. cpu_s=..",
 * and with RAW-FILE every response time in ms, one per line. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

static double ts_ms(const struct timespec *ts)
{
	return (double)ts->tv_sec * 1e3 + (double)ts->tv_nsec / 1e6;
}

/* Burns W ms of this thread's CPU time. */
static void work(double w_ms)
{
	double end = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID) + w_ms;
	volatile unsigned long x = 0;
	while (bench_clock_ms(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 1000; i++)
			x += (unsigned long)i;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: latency_task W_MS P_MS SECONDS [BURST [RAW-FILE]]\n");
		return 2;
	}
	double w = atof(argv[1]), p = atof(argv[2]), secs = atof(argv[3]);
	long burst = argc > 4 ? atol(argv[4]) : 1;
	if (w <= 0 || p <= 0 || secs <= 0 || burst < 1) {
		fprintf(stderr, "latency_task: W, P, SECONDS and BURST must be positive\n");
		return 2;
	}
	long periods = (long)(secs * 1000.0 / p), n = 0;
	double *rt = calloc((size_t)(periods * burst + 1), sizeof(double));
	if (!rt) {
		perror("latency_task");
		return 1;
	}
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	double t0 = ts_ms(&start), cpu0 = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID);
	for (long k = 0; k < periods; k++) {
		double arrival = t0 + (double)k * p;
		long long ns = (long long)start.tv_nsec + k * (long long)(p * 1e6);
		struct timespec at = { start.tv_sec + (time_t)(ns / 1000000000LL),
				       (long)(ns % 1000000000LL) };
		/* Behind schedule: the request is already waiting, serve it now. */
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) != 0)
			;
		for (long b = 0; b < burst; b++) {
			work(w);
			rt[n++] = bench_clock_ms(CLOCK_MONOTONIC) - arrival;
		}
	}
	double cpu = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	if (argc > 5) {
		FILE *f = fopen(argv[5], "we");
		if (!f) {
			perror(argv[5]);
			return 1;
		}
		for (long i = 0; i < n; i++)
			fprintf(f, "%.3f\n", rt[i]);
		if (fclose(f) != 0) {
			perror(argv[5]);
			return 1;
		}
	}
	double mean = bench_mean(rt, (size_t)n);
	bench_sort(rt, (size_t)n);
	printf("n=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f cpu_s=%.3f\n", n,
	       bench_pct(rt, (size_t)n, 50), bench_pct(rt, (size_t)n, 99), rt[n - 1], mean,
	       cpu / 1e3);
	return 0;
}

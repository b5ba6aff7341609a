/* Timing and summary helpers shared by the benchmark programs: clocks in
 * us or ms, sorting samples, the nearest-rank percentile and the mean. */
#ifndef ALC_BENCH_TIMING_H
#define ALC_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

/* Returns clock c in milliseconds. */
static inline double bench_clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Returns CLOCK_MONOTONIC in microseconds. */
static inline double bench_now_us(void)
{
	return bench_clock_ms(CLOCK_MONOTONIC) * 1e3;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts n samples ascending. */
static inline void bench_sort(double *t, size_t n)
{
	qsort(t, n, sizeof(*t), bench_cmp);
}

/* Returns the q-th percentile (0..100, nearest rank) of n sorted samples. */
static inline double bench_pct(const double *sorted, size_t n, double q)
{
	size_t i = (size_t)(q / 100.0 * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

/* Returns the mean of n samples. */
static inline double bench_mean(const double *t, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += t[i];
	return n ? sum / (double)n : 0;
}

#endif

/* The demo's latency-class periodic task: wakes up every PERIOD_US on an
 * absolute CLOCK_MONOTONIC timer and measures how late each wakeup was.
 *   wakeup PERIOD_US REPORT_S
 * Every REPORT_S seconds prints "latency: ..." for that window; SIGUSR1
 * closes the current phase and SIGTERM the last one, each printing
 *   latency phase N: n=.. p50_us=.. p99_us=.. max_us=..
 * (SIGTERM then exits 0). A wakeup more than a period late skips the
 * missed periods rather than queueing them. Exit: 0; 1 error; 2 usage. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/timing.h"

#define MAX_SAMPLES (1 << 20)

struct series {
	double *v;
	size_t n;
};

static volatile sig_atomic_t phase_end, stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		phase_end = 1;
	else
		stop = 1;
}

static void add_ns(struct timespec *t, long long ns)
{
	ns += t->tv_nsec;
	t->tv_sec += (time_t)(ns / 1000000000LL);
	t->tv_nsec = (long)(ns % 1000000000LL);
}

static long long diff_ns(const struct timespec *a, const struct timespec *b)
{
	return (long long)(a->tv_sec - b->tv_sec) * 1000000000LL + (a->tv_nsec - b->tv_nsec);
}

/* Prints "<label> n=.. p50_us=.. p99_us=.. max_us=.." and empties s. */
static void report(const char *label, struct series *s)
{
	if (s->n == 0) {
		printf("%s n=0\n", label);
		return;
	}
	bench_sort(s->v, s->n);
	printf("%s n=%zu p50_us=%.0f p99_us=%.0f max_us=%.0f\n", label, s->n,
	       bench_pct(s->v, s->n, 50), bench_pct(s->v, s->n, 99), s->v[s->n - 1]);
	fflush(stdout);
	s->n = 0;
}

static void push(struct series *s, double v)
{
	if (s->n < MAX_SAMPLES)
		s->v[s->n++] = v;
}

int main(int argc, char **argv)
{
	long period_us = argc == 3 ? atol(argv[1]) : 0;
	double report_s = argc == 3 ? atof(argv[2]) : 0;
	if (period_us <= 0 || report_s <= 0) {
		fputs("usage: wakeup PERIOD_US REPORT_S\n", stderr);
		return 2;
	}
	struct series window = { calloc(MAX_SAMPLES, sizeof(double)), 0 };
	struct series phase = { calloc(MAX_SAMPLES, sizeof(double)), 0 };
	if (!window.v || !phase.v) {
		perror("wakeup");
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct timespec next, now, window_start;
	clock_gettime(CLOCK_MONOTONIC, &next);
	window_start = next;
	int n_phase = 1;
	char label[48];
	while (!stop) {
		add_ns(&next, period_us * 1000LL);
		/* EINTR: a signal; sleep on unless it asks to stop. */
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0 && !stop)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long late = diff_ns(&now, &next);
		if (late >= 0) {
			push(&window, (double)late / 1e3);
			push(&phase, (double)late / 1e3);
		}
		if (late > period_us * 1000LL)
			next = now; /* skip what was missed */
		if (diff_ns(&now, &window_start) >= (long long)(report_s * 1e9)) {
			report("latency:", &window);
			window_start = now;
		}
		if (phase_end || stop) {
			phase_end = 0;
			snprintf(label, sizeof(label), "latency phase %d:", n_phase++);
			report(label, &phase);
		}
	}
	return 0;
}

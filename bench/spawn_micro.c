/* bench/run spawn, part 2: the cost of placing a child in a cgroup.
 * Alternates, N times each, (a) clone3 with CLONE_INTO_CGROUP and (b) fork
 * followed by the parent's write of the pid to cgroup.procs, into one
 * temporary v2 group; each child exits at once and is reaped.
 *   spawn_micro V2-PARENT-DIR N
 * Prints "clone3 mean p50 p99" and "fork+procs mean p50 p99" in us. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clone3.h"
#include "timing.h"

static void report(const char *name, double *t, int n)
{
	bench_sort(t, (size_t)n);
	printf("%s %.1f %.1f %.1f\n", name, bench_mean(t, (size_t)n), t[n / 2], t[(n * 99) / 100]);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: spawn_micro V2-PARENT-DIR N\n");
		return 2;
	}
	int n = atoi(argv[2]);
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/alcove-bench.%d", argv[1], (int)getpid());
	if (n <= 0 || mkdir(dir, 0755) < 0) {
		perror(dir);
		return 1;
	}
	int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int procs = openat(cg, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	double *a = calloc((size_t)n, sizeof(double)), *b = calloc((size_t)n, sizeof(double));
	int r = cg < 0 || procs < 0 || !a || !b;
	for (int i = 0; !r && i < n; i++) {
		double t0 = bench_now_us();
		pid_t p = alc_clone3(cg, 0);
		if (p == 0)
			_exit(0);
		r |= p < 0 || waitpid(p, NULL, 0) < 0;
		a[i] = bench_now_us() - t0;
		t0 = bench_now_us();
		p = fork();
		if (p == 0)
			_exit(0);
		char buf[16];
		int len = snprintf(buf, sizeof(buf), "%d", (int)p);
		/* ESRCH is fine: the child may already be gone, as in any runtime
		 * that places after fork; the cost is what is measured. */
		if (write(procs, buf, (size_t)len) < 0 && errno != ESRCH)
			r = 1;
		r |= p < 0 || waitpid(p, NULL, 0) < 0;
		b[i] = bench_now_us() - t0;
	}
	if (!r) {
		report("clone3", a, n);
		report("fork+procs", b, n);
	}
	free(a);
	free(b);
	close(procs);
	close(cg);
	if (rmdir(dir) < 0)
		perror(dir);
	return r;
}

/* bench/run reaction: one trial. Forks NCHILD busy loops held on a pipe,
 * places each in every listed cgroup.procs file, then takes t0
 * (CLOCK_MONOTONIC) and releases them. It polls the batch and latency
 * quota files (cpu.cfs_quota_us or cpu.max) every 100 us until the batch
 * quota drops below its value at t0 (the first cut) and the latency quota
 * rises above its value at t0 (relief), or TIMEOUT_MS passes.
 *   reaction_probe TIMEOUT_MS NCHILD BATCH-QUOTA LAT-QUOTA PROCS-FILE...
 * Prints "cut_ms relief_ms batch_before batch_after lat_before lat_after";
 * -1 for an event that did not happen. A quota of "max" or -1 reads as
 * unlimited. The children are killed and reaped before it returns. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 16
#define UNLIMITED (1LL << 62)

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The quota in us, UNLIMITED for max/-1, -2 on a read error. */
static long long read_quota(int fd)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -2;
	buf[n] = '\0';
	if (!strncmp(buf, "max", 3) || !strncmp(buf, "-1", 2))
		return UNLIMITED;
	return atoll(buf);
}

static int write_pid(const char *file, pid_t pid)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[24];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	int r = write(fd, buf, (size_t)len) == len ? 0 : -1;
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: reaction_probe TIMEOUT_MS NCHILD BATCH-QUOTA LAT-QUOTA "
				"PROCS-FILE...\n");
		return 2;
	}
	double timeout = atof(argv[1]);
	int nchild = atoi(argv[2]);
	int bfd = open(argv[3], O_RDONLY | O_CLOEXEC), lfd = open(argv[4], O_RDONLY | O_CLOEXEC);
	if (nchild < 1 || nchild > MAX_CHILDREN || bfd < 0 || lfd < 0) {
		fprintf(stderr, "reaction_probe: bad NCHILD or cannot open the quota files\n");
		return 2;
	}
	int go[2];
	if (pipe(go) < 0)
		return 1;
	pid_t kids[MAX_CHILDREN];
	for (int i = 0; i < nchild; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			return 1;
		if (kids[i] == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			for (volatile unsigned long x = 0;; x++)
				;
		}
		for (int f = 5; f < argc; f++)
			if (write_pid(argv[f], kids[i]) < 0) {
				perror(argv[f]);
				for (int k = 0; k <= i; k++)
					kill(kids[k], SIGKILL);
				return 1;
			}
	}
	close(go[0]);
	long long b0 = read_quota(bfd), l0 = read_quota(lfd), b = b0, l = l0;
	double t0 = now_ms(), cut = -1, relief = -1;
	close(go[1]); /* EOF releases every child at once */
	struct timespec tick = { 0, 100000 };
	while (now_ms() - t0 < timeout && (cut < 0 || relief < 0)) {
		double t = now_ms();
		long long bq = read_quota(bfd), lq = read_quota(lfd);
		if (cut < 0 && bq >= 0 && bq < b0) {
			cut = t - t0;
			b = bq;
		}
		if (relief < 0 && lq >= 0 && lq > l0) {
			relief = t - t0;
			l = lq;
		}
		nanosleep(&tick, NULL);
	}
	for (int i = 0; i < nchild; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < nchild; i++)
		waitpid(kids[i], NULL, 0);
	printf("%.3f %.3f %lld %lld %lld %lld\n", cut, relief, b0 == UNLIMITED ? -1 : b0,
	       b == UNLIMITED ? -1 : b, l0 == UNLIMITED ? -1 : l0, l == UNLIMITED ? -1 : l);
	return 0;
}

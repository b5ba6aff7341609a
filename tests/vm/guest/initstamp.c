/* /init for bench/boot.sh: stamps the kernel's exec of /init, then becomes
 * the init under test (/sbin/init.real, exec'd with argv[0] "init", so
 * busybox runs its init applet and alcove its init role).
 *
 * t0 is CLOCK_BOOTTIME read first thing in main(); each service stamps
 * CLOCK_BOOTTIME itself when it is ready (svctool ready|oneshot). Before
 * the exec this program forks a collector, which the init inherits as a
 * child it did not start. The collector waits (inotify, no polling) until
 * every name in /bench/expect has a stamp in /bench/ready, reads PID 1's
 * memory from /proc/1/status, prints one line
 *   BOOTBENCH kind=K t0_ms=.. ready_ms=.. boot_to_ready_ms=..
 *             boot_to_first_ms=.. rss_kib=.. hwm_kib=.. last=NAME
 * (boot_to_first: to the earliest stamp, i.e. init's own start-up cost)
 * and sends PID 1 SIGUSR2 (poweroff for busybox init and alcove init).
 * After 120 s without every stamp it prints "BOOTBENCH timeout ..." and
 * powers off the same way. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/reboot.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

#define READY_DIR "/bench/ready"
#define DEADLINE_MS 120000
#define MAX_SERVICES 64

static long long boottime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Reads "Key:   N kB" from /proc/1/status; -1 when missing. */
static long status_kib(const char *status, const char *key)
{
	const char *p = status ? strstr(status, key) : NULL;
	return p ? atol(p + strlen(key)) : -1;
}

/* Counts the expected services that have a stamp; tracks the latest and
 * the earliest. */
static int count_ready(char **names, int n, long long *last_ns, const char **last,
		       long long *first_ns)
{
	int got = 0;
	*last_ns = 0;
	*first_ns = 0;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		_cleanup_free_ char *text = NULL;
		snprintf(path, sizeof(path), READY_DIR "/%s", names[i]);
		if (alc_read_file_at(AT_FDCWD, path, &text) < 0)
			continue;
		got++;
		long long ns = atoll(text);
		if (ns > *last_ns) {
			*last_ns = ns;
			*last = names[i];
		}
		if (!*first_ns || ns < *first_ns)
			*first_ns = ns;
	}
	return got;
}

static void collect(long long t0)
{
	_cleanup_free_ char *kind = NULL, *expect = NULL;
	char *names[MAX_SERVICES];
	int n = 0;
	if (alc_read_file_at(AT_FDCWD, "/bench/kind", &kind) < 0 ||
	    alc_read_file_at(AT_FDCWD, "/bench/expect", &expect) < 0) {
		printf("BOOTBENCH error: no /bench/kind or /bench/expect\n");
		_exit(1);
	}
	kind[strcspn(kind, "\n")] = 0;
	for (char *s = NULL, *w = strtok_r(expect, "\n", &s); w && n < MAX_SERVICES;
	     w = strtok_r(NULL, "\n", &s))
		names[n++] = w;
	_cleanup_close_ int in = inotify_init1(IN_CLOEXEC);
	if (in < 0 || inotify_add_watch(in, READY_DIR, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		printf("BOOTBENCH error: inotify on " READY_DIR ": %s\n", strerror(errno));
		kill(1, SIGUSR2);
		_exit(1);
	}
	long long last_ns = 0, first_ns = 0;
	const char *last = "-";
	int got;
	while ((got = count_ready(names, n, &last_ns, &last, &first_ns)) < n) {
		if ((boottime_ns() - t0) / 1000000 > DEADLINE_MS) {
			printf("BOOTBENCH timeout kind=%s ready=%d/%d\n", kind, got, n);
			kill(1, SIGUSR2);
			_exit(1);
		}
		struct pollfd p = { in, POLLIN, 0 };
		char buf[4096];
		/* The events only wake us up; the rescan above decides. */
		if (poll(&p, 1, 1000) > 0 && read(in, buf, sizeof(buf)) < 0 && errno != EINTR)
			usleep(10000);
	}
	_cleanup_free_ char *status = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/1/status", &status) < 0)
		status = NULL;
	printf("BOOTBENCH kind=%s t0_ms=%.1f ready_ms=%.1f boot_to_ready_ms=%.1f "
	       "boot_to_first_ms=%.1f rss_kib=%ld hwm_kib=%ld last=%s\n",
	       kind, t0 / 1e6, last_ns / 1e6, (last_ns - t0) / 1e6, (first_ns - t0) / 1e6,
	       status_kib(status, "VmRSS:"), status_kib(status, "VmHWM:"), last);
	fflush(stdout);
	kill(1, SIGUSR2);
	_exit(0);
}

int main(int argc, char **argv)
{
	long long t0 = boottime_ns();
	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t pid = fork();
	if (pid == 0)
		collect(t0);
	if (pid < 0)
		printf("BOOTBENCH error: fork: %s\n", strerror(errno));
	argv[0] = "init";
	execv("/sbin/init.real", argv);
	printf("BOOTBENCH error: exec /sbin/init.real: %s\n", strerror(errno));
	fflush(stdout);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Service behaviours for the VM tier's `alcove init` cases and boot
 * benchmark, as one static program:
 *   svctool memhog MIB FILE     touches MIB MiB one at a time, writing the
 *                               count so far to FILE, then waits: a memory
 *                               limit below MIB must OOM-kill it first
 *   svctool forkbomb MAX FILE   forks idle children until fork fails or MAX
 *                               are alive, writes "N ERRNO-NAME" to FILE,
 *                               then waits: a pids limit must hold it
 *   svctool ready NAME [FD]     writes CLOCK_BOOTTIME (ns) to
 *                               /bench/ready/NAME (atomically), writes a
 *                               line to FD when it is open (ready=fd:FD),
 *                               then waits until SIGTERM
 *   svctool oneshot NAME        writes the same stamp and exits 0
 * Exit: 0 done or terminated; 1 an error; 2 usage. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

/* Replaces FILE's content with text (write to FILE.tmp, then rename). */
static int put(const char *file, const char *text)
{
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, file) < 0)
		return -errno;
	return 0;
}

static void idle_forever(void)
{
	for (;;)
		pause();
}

static int memhog(long mib, const char *file)
{
	char text[32];
	for (long i = 0; i < mib; i++) {
		char *p =
			mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("memhog: mmap");
			return 1;
		}
		memset(p, 0x5a, MIB);
		snprintf(text, sizeof(text), "%ld\n", i + 1);
		if (put(file, text) < 0) {
			perror("memhog: write count");
			return 1;
		}
	}
	printf("memhog: touched %ld MiB and was not stopped\n", mib);
	fflush(stdout);
	idle_forever();
	return 0;
}

static int forkbomb(long max, const char *file)
{
	long n = 0;
	int err = 0;
	while (n < max) {
		pid_t pid = fork();
		if (pid == 0)
			idle_forever();
		if (pid < 0) {
			err = errno;
			break;
		}
		n++;
	}
	char text[64];
	snprintf(text, sizeof(text), "%ld %s\n", n, err == EAGAIN ? "EAGAIN" : strerror(err));
	printf("forkbomb: %s", text);
	fflush(stdout);
	if (put(file, text) < 0) {
		perror("forkbomb: write result");
		return 1;
	}
	idle_forever();
	return 0;
}

static int stamp(const char *name)
{
	struct timespec ts;
	char path[256], text[32];
	clock_gettime(CLOCK_BOOTTIME, &ts);
	snprintf(path, sizeof(path), "/bench/ready/%s", name);
	snprintf(text, sizeof(text), "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	int r = put(path, text);
	if (r < 0)
		fprintf(stderr, "svctool: %s: %s\n", path, strerror(-r));
	return r;
}

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static int ready(const char *name, const char *fd_arg)
{
	signal(SIGTERM, on_term);
	if (stamp(name) < 0)
		return 1;
	if (fd_arg) {
		int fd = atoi(fd_arg);
		/* ready=fd:N: no fd N means init did not ask; that is fine. */
		if (write(fd, "READY=1\n", 8) == 8)
			close(fd);
	}
	idle_forever();
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *cmd = argc > 1 ? argv[1] : "";
	if (!strcmp(cmd, "memhog") && argc == 4)
		return memhog(atol(argv[2]), argv[3]);
	if (!strcmp(cmd, "forkbomb") && argc == 4)
		return forkbomb(atol(argv[2]), argv[3]);
	if (!strcmp(cmd, "ready") && (argc == 3 || argc == 4))
		return ready(argv[2], argc == 4 ? argv[3] : NULL);
	if (!strcmp(cmd, "oneshot") && argc == 3)
		return stamp(argv[2]) < 0;
	fputs("usage: svctool memhog MIB FILE | forkbomb MAX FILE | ready NAME [FD] | "
	      "oneshot NAME\n",
	      stderr);
	return 2;
}

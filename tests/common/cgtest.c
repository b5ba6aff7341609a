#include "cgtest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cglayout.h"
#include "clone3.h"
#include "fileio.h"

static void group_path(char *buf, size_t len, const char *parent, const char *name)
{
	snprintf(buf, len, "%s/%s", parent, name);
}

int cgt_group_create(const char *parent, const char *name)
{
	char path[512];
	group_path(path, sizeof(path), parent, name);
	cgt_group_destroy(parent, name); /* a stale group from a crashed run */
	if (mkdir(path, 0755) < 0)
		return -errno;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int cgt_group_destroy(const char *parent, const char *name)
{
	char path[512], file[600];
	group_path(path, sizeof(path), parent, name);
	snprintf(file, sizeof(file), "%s/cgroup.kill", path);
	if (access(file, F_OK) == 0)
		alc_write_file_at(AT_FDCWD, file, "1");
	for (int i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL); /* cgroup.kill is asynchronous */
	}
	return -EBUSY;
}

pid_t cgt_spawn_parked(int cgfd, uint64_t flags, int *gate, int *report)
{
	int g[2], r[2] = { -1, -1 };
	if (pipe2(g, O_CLOEXEC) < 0)
		return -errno;
	if (report && pipe2(r, O_CLOEXEC) < 0) {
		int e = errno;
		close(g[0]);
		close(g[1]);
		return -e;
	}
	pid_t pid = alc_clone3(cgfd, flags);
	if (pid == 0) {
		char c;
		pid_t self = getpid();
		close(g[1]);
		if (r[1] >= 0 && write(r[1], &self, sizeof(self)) < 0)
			_exit(2);
		_exit(read(g[0], &c, 1) < 0);
	}
	close(g[0]);
	if (r[1] >= 0)
		close(r[1]);
	if (pid < 0) {
		close(g[1]);
		if (r[0] >= 0)
			close(r[0]);
		return pid;
	}
	*gate = g[1];
	if (report)
		*report = r[0];
	return pid;
}

pid_t cgt_spawn_hog(int cgfd)
{
	pid_t pid = alc_clone3(cgfd, 0);
	if (pid == 0) {
		volatile unsigned long n = 0;
		for (;;)
			n++;
	}
	return pid;
}

int cgt_proc_cgroup(pid_t pid, char *out, size_t len)
{
	char path[64];
	char *text = NULL;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	long n = alc_read_file_at(AT_FDCWD, path, &text);
	if (n < 0)
		return (int)n;
	int r = alc_cg_parse_proc_cgroup(text, out, len);
	free(text);
	return r;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int cgt_wait_pri(int fd, int timeout_ms, long *elapsed_ms)
{
	long start = now_ms(), left = timeout_ms;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		int r = poll(&p, 1, (int)left);
		long spent = now_ms() - start;
		if (elapsed_ms)
			*elapsed_ms = spent;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0 && (p.revents & POLLERR))
			return -EIO;
		if (r > 0 && (p.revents & POLLPRI))
			return 1;
		left = timeout_ms - spent;
		if (left <= 0)
			return 0;
	}
}

int cgt_kill_reap(pid_t pid)
{
	if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
		return -errno;
	return waitpid(pid, NULL, 0) < 0 ? -errno : 0;
}

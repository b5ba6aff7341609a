#include "shutdown.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "cleanup.h"
#include "fileio.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reaps until no child is left or deadline (ms) passes; true when none is left. */
static bool reap_until(uint64_t deadline)
{
	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		if (p < 0 && errno == ECHILD)
			return true;
		if (p > 0)
			continue;
		if (now_ms() >= deadline)
			return false;
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

void init_kill_all(uint64_t timeout_ms)
{
	if (getpid() != 1)
		return; /* kill(-1) outside PID 1 would reach the whole machine */
	if (kill(-1, SIGTERM) == 0 && !reap_until(now_ms() + timeout_ms))
		fprintf(stderr, "alcove init: processes left after %llu ms: SIGKILL\n",
			(unsigned long long)timeout_ms);
	kill(-1, SIGKILL); /* ESRCH: nobody left */
	reap_until(now_ms() + 1000);
}

void init_unmount_all(void)
{
	sync();
	if (getpid() != 1 || !init_in_initial_pidns()) {
		fprintf(stderr, "alcove init: not the machine's init: file systems left mounted\n");
		return;
	}
	_cleanup_free_ char *text = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/self/mounts", &text) >= 0) {
		/* Newest mounts last: unmount from the end, keeping the
		 * kernel's own file systems (they hold nothing to flush). */
		for (char *line = strrchr(text, '\n'); line;) {
			*line = '\0';
			char *prev = strrchr(text, '\n');
			char *start = prev ? prev + 1 : text;
			char dev[256], dir[256], type[64];
			if (sscanf(start, "%255s %255s %63s", dev, dir, type) == 3 &&
			    strcmp(dir, "/") && strncmp(type, "proc", 4) && strcmp(type, "sysfs") &&
			    strcmp(type, "devtmpfs") && strncmp(type, "cgroup", 6))
				umount2(dir, 0); /* busy ones are remounted below */
			line = prev;
		}
	}
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		fprintf(stderr, "alcove init: remount / read-only: %s\n", strerror(errno));
	sync();
}

void init_reboot(enum init_action action)
{
	int cmd = action == INIT_ACT_REBOOT ? RB_AUTOBOOT
		  : action == INIT_ACT_HALT ? RB_HALT_SYSTEM
					    : RB_POWER_OFF;
	fprintf(stderr, "alcove init: %s\n",
		action == INIT_ACT_REBOOT ? "rebooting"
		: action == INIT_ACT_HALT ? "halting"
					  : "powering off");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		reboot(cmd);
		_exit(errno ? 1 : 0);
	}
	/* The kernel ends the machine (or this pid namespace); until then, and
	 * should it refuse, PID 1 waits and reaps. */
	for (;;)
		if (pid < 0 || waitpid(-1, NULL, 0) < 0)
			pause();
}

/* PID 1 of a VM-tier boot: mounts the kernel filesystems with alcove's own
 * board code, loads the modules the cases asked for, runs each case script
 * under a timeout and reports it on the console, then powers off.
 *
 * Console protocol (read by tests/vm/harness.py):
 *   ALCOVE-VM BEGIN <n>
 *   ALCOVE-VM CASE <name>
 *   ALCOVE-VM RESULT ok|fail <name> <detail>
 *   ALCOVE-VM END
 * Inputs in the initramfs: /cases/list (names in order), /cases/<name>.sh,
 * /cases/<name>.timeout (seconds), /etc/vm-modules (.ko paths in order). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "mounts.h"

#define DEFAULT_TIMEOUT_S 60

static void load_modules(void)
{
	_cleanup_free_ char *list = NULL;
	if (alc_read_file_at(AT_FDCWD, "/etc/vm-modules", &list) < 0)
		return;
	for (char *save = NULL, *ko = strtok_r(list, "\n", &save); ko;
	     ko = strtok_r(NULL, "\n", &save)) {
		_cleanup_close_ int fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0)
			printf("runner: load %s: %s\n", ko, strerror(errno));
	}
}

static int case_timeout(const char *name)
{
	char path[256];
	_cleanup_free_ char *text = NULL;
	snprintf(path, sizeof(path), "/cases/%s.timeout", name);
	if (alc_read_file_at(AT_FDCWD, path, &text) < 0)
		return DEFAULT_TIMEOUT_S;
	int t = atoi(text);
	return t > 0 ? t : DEFAULT_TIMEOUT_S;
}

/* Runs one case in its own process group; reaps every orphan meanwhile. */
static void run_case(const char *name)
{
	char script[256], detail[96];
	snprintf(script, sizeof(script), "/cases/%s.sh", name);
	int timeout_s = case_timeout(name);
	printf("ALCOVE-VM CASE %s\n", name);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-e", script, (char *)NULL);
		printf("runner: exec %s: %s\n", script, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		printf("ALCOVE-VM RESULT fail %s fork: %s\n", name, strerror(errno));
		return;
	}
	struct timespec start, now, tick = { 0, 20 * 1000 * 1000 };
	clock_gettime(CLOCK_MONOTONIC, &start);
	int status = 0;
	for (;;) {
		pid_t r = waitpid(-1, &status, WNOHANG);
		if (r == pid)
			break;
		if (r > 0)
			continue; /* an orphan reparented to us */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout_s) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(detail, sizeof(detail), "timeout after %d s", timeout_s);
			printf("ALCOVE-VM RESULT fail %s %s\n", name, detail);
			return;
		}
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL); /* leftovers of the case's process group */
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (WIFEXITED(status))
		snprintf(detail, sizeof(detail), "exit %d", WEXITSTATUS(status));
	else
		snprintf(detail, sizeof(detail), "signal %d", WTERMSIG(status));
	printf("ALCOVE-VM RESULT %s %s %s\n", ok ? "ok" : "fail", name, detail);
}

/* The initramfs rootfs cannot be pivoted away from, so containers could
 * not pivot_root on it. Like a board's initramfs, move onto a tmpfs first:
 * copy the tree, move the tmpfs over /, chroot into it (switch_root). */
static int switch_to_tmpfs(void)
{
	static const char *const skip[] = { ".", "..", "newroot", "proc", "sys", "dev" };
	if (mkdir("/newroot", 0755) < 0 || mount("tmpfs", "/newroot", "tmpfs", 0, "mode=755") < 0)
		return -errno;
	DIR *d = opendir("/");
	if (!d)
		return -errno;
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(d));) {
		int keep = 1;
		for (size_t i = 0; i < sizeof(skip) / sizeof(*skip); i++)
			keep &= strcmp(e->d_name, skip[i]) != 0;
		if (!keep)
			continue;
		char src[300];
		snprintf(src, sizeof(src), "/%s", e->d_name);
		pid_t pid = fork();
		if (pid == 0) {
			execl("/bin/busybox", "cp", "-a", src, "/newroot/", (char *)NULL);
			_exit(127);
		}
		int status;
		r = pid < 0 || waitpid(pid, &status, 0) < 0 || status ? -EIO : 0;
	}
	closedir(d);
	if (r == 0 && (mkdir("/newroot/proc", 0755) < 0 || mkdir("/newroot/sys", 0755) < 0 ||
		       mkdir("/newroot/dev", 0755) < 0))
		r = -errno;
	if (r == 0 && (chdir("/newroot") < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
		       chroot(".") < 0 || chdir("/") < 0))
		r = -errno;
	return r;
}

int main(void)
{
	alc_err err = { 0 };
	setvbuf(stdout, NULL, _IOLBF, 0);
	int sr = switch_to_tmpfs();
	if (sr < 0)
		printf("runner: switch to a tmpfs root: %s\n", strerror(-sr));
	if (board_mount_early(&err) < 0)
		printf("runner: %s\n", err.msg);
	if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL) < 0)
		printf("runner: mount /tmp: %s\n", strerror(errno));
	setenv("PATH", "/bin:/sbin", 1);
	load_modules();
	_cleanup_free_ char *list = NULL;
	if (alc_read_file_at(AT_FDCWD, "/cases/list", &list) < 0)
		list = strdup("");
	int n = 0;
	for (const char *p = list; p && *p; p++)
		n += *p == '\n';
	printf("ALCOVE-VM BEGIN %d\n", n);
	for (char *save = NULL, *name = strtok_r(list, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save))
		run_case(name);
	printf("ALCOVE-VM END\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause(); /* PID 1 must not exit */
}

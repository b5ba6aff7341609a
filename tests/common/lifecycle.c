#include "lifecycle.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "fileio.h"

static int failf(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void comm_of(pid_t pid, char *out, size_t len)
{
	char path[64];
	char *text = NULL;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	out[0] = '\0';
	if (alc_read_file_at(AT_FDCWD, path, &text) >= 0) {
		snprintf(out, len, "%s", text);
		out[strcspn(out, "\n")] = '\0';
	}
	free(text);
}

static int make_rootfs(const char *dir, const char *busybox)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/bin && cp %s %s/bin/busybox && ln -sf busybox %s/bin/sh", dir,
		 busybox, dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int steps(struct alc_container *c, char *msg, size_t len)
{
	char comm[64];
	struct alc_cg_stats a, b;
	alc_err err = { 0 };
	comm_of(c->child.pid, comm, sizeof(comm));
	if (!strcmp(comm, "sh"))
		return failf(msg, len, "the process exec'd before start");
	if (alc_container_start(c, &err) < 0)
		return failf(msg, len, "start: %s", err.msg);
	for (int i = 0; i < 100 && strcmp(comm, "sh"); i++, sleep_ms(10))
		comm_of(c->child.pid, comm, sizeof(comm));
	if (strcmp(comm, "sh"))
		return failf(msg, len, "after start the process is \"%s\", not sh", comm);
	sleep_ms(400);
	if (alc_container_stats(c, &a) < 0 || a.cpu_usage_us < 50000 || a.memory_current == 0 ||
	    a.pids_current < 2)
		return failf(
			msg, len, "stats after 400 ms busy: usage %llu us, memory %llu, pids %llu",
			(unsigned long long)a.cpu_usage_us, (unsigned long long)a.memory_current,
			(unsigned long long)a.pids_current);
	if (alc_container_pause(c, true, &err) < 0)
		return failf(msg, len, "pause: %s", err.msg);
	alc_container_stats(c, &a);
	sleep_ms(300);
	alc_container_stats(c, &b);
	if (b.cpu_usage_us - a.cpu_usage_us > 10000)
		return failf(msg, len, "paused, yet it used %llu us in 300 ms",
			     (unsigned long long)(b.cpu_usage_us - a.cpu_usage_us));
	if (alc_container_pause(c, false, &err) < 0)
		return failf(msg, len, "resume: %s", err.msg);
	sleep_ms(300);
	alc_container_stats(c, &a);
	if (a.cpu_usage_us - b.cpu_usage_us < 50000)
		return failf(msg, len, "resumed, yet it used only %llu us in 300 ms",
			     (unsigned long long)(a.cpu_usage_us - b.cpu_usage_us));
	if (alc_container_signal(c, SIGKILL, true, &err) < 0)
		return failf(msg, len, "kill all: %s", err.msg);
	int status = 0;
	if (alc_container_wait(c, false, &status) < 0 || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGKILL)
		return failf(msg, len, "after kill all the process ended with status %#x", status);
	pid_t *pids = NULL;
	size_t n = 1;
	for (int i = 0; i < 100 && n; i++, sleep_ms(10)) {
		free(pids);
		alc_cgroup_pids(&c->cg, &pids, &n);
	}
	free(pids);
	return n ? failf(msg, len, "%zu processes survived kill all", n) : 0;
}

int lifecycle_scenario(const char *busybox, bool force_v1, char *msg, size_t len)
{
	char dir[128], root[160], name[64], cmd[200];
	struct alc_spec spec;
	struct alc_container c;
	struct alc_runtime_opts o = { .cg = { .force_v1 = force_v1 } };
	alc_err err = { 0 };
	snprintf(dir, sizeof(dir), "/tmp/alcove-lifecycle.%d", (int)getpid());
	snprintf(root, sizeof(root), "%s/rootfs", dir);
	snprintf(name, sizeof(name), "lifecycle-%d", (int)getpid());
	if (make_rootfs(root, busybox) < 0)
		return failf(msg, len, "cannot make a rootfs from %s", busybox);
	int r = alc_spec_init_default(&spec);
	r = r ?: alc_strv_add(&spec.process.args, &spec.process.n_args, "sh");
	r = r ?: alc_strv_add(&spec.process.args, &spec.process.n_args, "-c");
	r = r
		    ?: alc_strv_add(&spec.process.args, &spec.process.n_args,
				    "/bin/busybox sleep 1000 & while :; do :; done");
	spec.root_path = strdup(root);
	spec.name = strdup(name);
	spec.res.set = ALC_RES_MEMORY | ALC_RES_PIDS;
	spec.res.memory = 64 << 20;
	spec.res.pids = 16;
	if (r == 0 && alc_container_create(&c, &spec, &o, &err) < 0)
		r = failf(msg, len, "create: %s", err.msg);
	else if (r == 0)
		r = steps(&c, msg, len);
	if (c.has_cg || c.child.pid > 0) {
		char group[512];
		snprintf(group, sizeof(group), "%s/%s/%s", c.cg.root,
			 c.cg.layout == ALC_CG_V2 ? "" : "pids", c.cg.rel);
		if (alc_container_destroy(&c, &err) < 0 && r == 0)
			r = failf(msg, len, "destroy: %s", err.msg);
		struct stat st;
		if (r == 0 && stat(group, &st) == 0)
			r = failf(msg, len, "destroy left %s behind", group);
	}
	alc_spec_free(&spec);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0 && r == 0)
		r = failf(msg, len, "cannot remove %s", dir);
	return r;
}

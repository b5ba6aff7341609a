#include "ocisec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "fileio.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int ocisec_spec(struct alc_spec *spec, const char *busybox, const char *name, const char *script)
{
	static int seq;
	char dir[160], cmd[1024], cg[128];
	snprintf(dir, sizeof(dir), "/tmp/alcove-oci-sec.%d.%d/rootfs", (int)getpid(), ++seq);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/bin %s/tmp && cp %s %s/bin/busybox && "
		 "for a in sh cat mkdir chmod uname stat echo ls head touch grep wc; do "
		 "ln -sf busybox %s/bin/$a; done",
		 dir, dir, busybox, dir, dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cg, sizeof(cg), "oci-sec/%s-%d", name, (int)getpid());
	int r = alc_spec_init_default(spec);
	r = r ?: alc_strv_add(&spec->process.args, &spec->process.n_args, "sh");
	r = r ?: alc_strv_add(&spec->process.args, &spec->process.n_args, "-c");
	r = r ?: alc_strv_add(&spec->process.args, &spec->process.n_args, script);
	spec->root_path = strdup(dir);
	spec->name = strdup(name);
	spec->cgroup_path = strdup(cg);
	return r == 0 && spec->root_path && spec->name && spec->cgroup_path ? 0 : -1;
}

static int wait_deadline(struct alc_container *c, int *status)
{
	for (int i = 0; i < 1000; i++, sleep_ms(10)) {
		int r = alc_container_wait(c, true, status);
		if (r != -EAGAIN)
			return r;
	}
	return -ETIMEDOUT;
}

int ocisec_run(const struct alc_spec *spec, struct ocisec_result *res)
{
	struct alc_runtime_opts o = { 0 };
	return ocisec_run_opts(spec, &o, res);
}

int ocisec_run_opts(const struct alc_spec *spec, const struct alc_runtime_opts *o,
		    struct ocisec_result *res)
{
	struct alc_container c;
	alc_err err = { 0 };
	char path[512], group[512], *text = NULL;
	memset(res, 0, sizeof(*res));
	int r = alc_container_create(&c, spec, o, &err);
	if (r < 0)
		snprintf(res->err, sizeof(res->err), "create: %s", err.msg);
	else if ((r = alc_container_start(&c, &err)) < 0)
		snprintf(res->err, sizeof(res->err), "start: %s", err.msg);
	else if ((r = wait_deadline(&c, &res->status)) < 0)
		snprintf(res->err, sizeof(res->err), "wait: %s", strerror(-r));
	snprintf(group, sizeof(group), "%s/unified/%s", c.cg.root[0] ? c.cg.root : "/sys/fs/cgroup",
		 spec->cgroup_path);
	if (access("/sys/fs/cgroup/unified", F_OK) != 0)
		snprintf(group, sizeof(group), "/sys/fs/cgroup/%s", spec->cgroup_path);
	if ((c.has_cg || c.child.pid > 0) && alc_container_destroy(&c, &err) < 0 && r == 0) {
		snprintf(res->err, sizeof(res->err), "destroy: %s", err.msg);
		r = -1;
	}
	struct stat st;
	res->leftover = stat(group, &st) == 0;
	snprintf(path, sizeof(path), "%s/out", spec->root_path);
	if (alc_read_file_at(AT_FDCWD, path, &text) >= 0)
		snprintf(res->out, sizeof(res->out), "%s", text);
	free(text);
	snprintf(path, sizeof(path), "rm -rf %s", spec->root_path);
	*strrchr(path, '/') = '\0'; /* the run's directory, above rootfs */
	if (system(path) != 0)
		res->leftover = true;
	return r < 0 ? -1 : 0;
}

bool ocisec_saw(const struct ocisec_result *res, const char *needle)
{
	return strstr(res->out, needle) != NULL;
}

const char *ocisec_describe(const struct ocisec_result *res, char *buf, size_t len)
{
	char how[48];
	if (WIFEXITED(res->status))
		snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(res->status));
	else
		snprintf(how, sizeof(how), "signal %d", WTERMSIG(res->status));
	snprintf(buf, len, "%s%s%s; /out: %s", how, res->err[0] ? "; " : "", res->err, res->out);
	return buf;
}

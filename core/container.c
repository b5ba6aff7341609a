#include "container.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgattach.h"
#include "devices.h"
#include "seccomp_oci.h"

static int validate(const struct alc_spec *spec, alc_err *err)
{
	struct stat st;
	if (!spec->root_path || !*spec->root_path)
		return alc_err_setx(err, EINVAL, "no rootfs given");
	if (stat(spec->root_path, &st) < 0)
		return alc_err_set(err, errno, "rootfs %s", spec->root_path);
	if (!S_ISDIR(st.st_mode))
		return alc_err_setx(err, ENOTDIR, "rootfs %s is not a directory", spec->root_path);
	if (spec->process.n_args == 0)
		return alc_err_setx(err, EINVAL, "no command given");
	if (!(spec->ns_flags & CLONE_NEWNS) && spec->n_mounts)
		return alc_err_setx(err, EINVAL, "volumes need a mount namespace");
	return alc_seccomp_check(spec->seccomp, err);
}

/* The groups' limits and devices, and the tasks files the child writes
 * itself into (self); returns 0 or -errno. */
static int complete_groups(struct alc_cgroup *cg, const struct alc_spec *spec, bool self,
			   int tasks[ALC_CG_SELF_MAX], unsigned *n_tasks, alc_err *err)
{
	int r = cg ? alc_cgroup_complete(cg, &spec->res, err) : 0;
	if (r == 0 && cg)
		r = alc_devcg_apply(cg, spec, err);
	if (r == 0 && self && (r = alc_cg_self_attach_open(cg, tasks, err)) > 0) {
		*n_tasks = (unsigned)r;
		r = 0;
	}
	return r;
}

/* Whether the child may share our address space: when the caller asks
 * (it waits on the child from clone to exec, or exits once it is parked),
 * no runtime hooks run between its steps, nothing is left for us to attach
 * or map after clone, and the child enters no namespace that needs it
 * alone in its address space. */
static bool share_vm_possible(const struct alc_spec *spec, const struct alc_runtime_opts *o,
			      const struct alc_cgroup *cg, bool self)
{
	if (!o->spawn || !o->spawn->share_vm || !alc_spawn_vm_supported() || o->force_fallback ||
	    alc_spawn_reports_prepared(spec))
		return false;
	/* A process sharing its address space may not enter a user or time
	 * namespace (the kernel wants it single-threaded: EINVAL, EUSERS). */
	if (spec->ns_flags & (CLONE_NEWUSER | 0x80 /* CLONE_NEWTIME */))
		return false;
	return !cg || self || cg->layout == ALC_CG_V2;
}

int alc_container_create(struct alc_container *c, const struct alc_spec *spec,
			 const struct alc_runtime_opts *o, alc_err *err)
{
	memset(c, 0, sizeof(*c));
	c->child.pid = -1;
	c->child.sock = -1;
	c->child.exit_code = 125;
	int r = validate(spec, err);
	if (r < 0)
		return r;
	if (!o->no_cgroup) {
		char rel[256];
		if (spec->cgroup_path)
			snprintf(rel, sizeof(rel), "%s", spec->cgroup_path);
		else
			snprintf(rel, sizeof(rel), "alcove/%s", spec->name ? spec->name : "anon");
		r = alc_cgroup_create(&c->cg, &o->cg, rel, &spec->res, err);
		if (r == -EEXIST)
			return alc_err_setx(err, EEXIST, "container name \"%s\" is already in use",
					    spec->name ? spec->name : rel);
		if (r < 0)
			return r;
		c->has_cg = true;
	}
	/* The child sets itself up (mounts, credentials) while the cgroup is
	 * completed and it is placed in the v1 hierarchies; start waits. */
	struct alc_cgroup *cg = c->has_cg ? &c->cg : NULL;
	struct alc_spawn_opts so = { .force_fallback = o->force_fallback,
				     .park_fd = -1,
				     .console_fd = -1 };
	if (o->spawn) {
		so.park_fd = o->spawn->park_fd;
		so.console_fd = o->spawn->console_fd;
	}
	int tasks[ALC_CG_SELF_MAX];
	unsigned n_tasks = 0;
	/* The child joins its v1 groups itself once PLACED, unless runtime
	 * hooks must see it there before (the parent attaches it then). */
	bool self = cg && !o->force_fallback && alc_cg_self_attach_possible(spec->ns_flags) &&
		    !alc_spawn_reports_prepared(spec);
	/* Sharing the address space, the child must not run beside us: the
	 * groups are completed first. */
	so.share_vm = share_vm_possible(spec, o, cg, self);
	if (so.share_vm)
		r = complete_groups(cg, spec, self, tasks, &n_tasks, err);
	if (r == 0)
		r = alc_spawn_clone_opts(spec, cg, &so, &c->child, err);
	if (r == 0 && cg && !so.share_vm)
		r = complete_groups(cg, spec, self, tasks, &n_tasks, err);
	if (r == 0 && cg && !c->child.vm_stack)
		r = alc_cgroup_attach(cg, c->child.pid, !c->child.via_clone3, cg->writer, err);
	if (r == 0 && alc_spawn_reports_prepared(spec))
		r = alc_spawn_wait_prepared(&c->child, err);
	if (r == 0 && alc_spawn_reports_prepared(spec) && o->runtime_hooks)
		r = o->runtime_hooks(c, spec, o->runtime_hooks_arg, err);
	/* A process that failed has closed its end: its error message waits. */
	if (r == 0 && (r = alc_cg_send_placed(c->child.sock, tasks, n_tasks)) < 0 && r != -EPIPE)
		alc_err_set(err, -r, "signal the container process");
	alc_cg_self_attach_close(tasks, n_tasks);
	/* A child that failed its setup said why before it exited. */
	if ((r == 0 || r == -EPIPE) && (r = alc_spawn_wait_ready(&c->child, err)) == 0)
		return 0;
	if (c->child.pid > 0) /* wait_ready reaps a child whose setup failed */
		alc_spawn_abort(&c->child, r);
	if (cg) {
		alc_cgroup_destroy(cg, NULL); /* report the first error, not this */
		c->has_cg = false;
	}
	return r;
}

int alc_container_start(struct alc_container *c, alc_err *err)
{
	return alc_spawn_start(&c->child, err);
}

int alc_container_wait(struct alc_container *c, bool nohang, int *status)
{
	if (!c->reaped) {
		pid_t r;
		do
			r = waitpid(c->child.pid, &c->status, nohang ? WNOHANG : 0);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EAGAIN;
		c->reaped = true;
		alc_spawn_release_vm(&c->child);
	}
	*status = c->status;
	return 0;
}

int alc_container_signal(struct alc_container *c, int sig, bool all, alc_err *err)
{
	if (all && c->has_cg)
		return alc_cgroup_kill(&c->cg, sig, err);
	if (c->reaped)
		return alc_err_setx(err, ESRCH, "the container process has exited");
	return kill(c->child.pid, sig) < 0 ? alc_err_set(err, errno, "kill %d", c->child.pid) : 0;
}

int alc_container_pause(struct alc_container *c, bool paused, alc_err *err)
{
	if (!c->has_cg)
		return alc_err_setx(err, ENOENT, "pause needs a cgroup");
	return alc_cgroup_freeze(&c->cg, paused, err);
}

int alc_container_stats(struct alc_container *c, struct alc_cg_stats *st)
{
	return c->has_cg ? alc_cgroup_stats(&c->cg, st) : -ENOENT;
}

int alc_container_destroy(struct alc_container *c, alc_err *err)
{
	int r = 0, status;
	if (c->child.sock >= 0) {
		close(c->child.sock);
		c->child.sock = -1;
	}
	if (c->child.pid > 0 && !c->reaped) {
		kill(c->child.pid, SIGKILL);
		alc_container_wait(c, false, &status); /* reaped; status unused */
	}
	if (c->has_cg) {
		r = alc_cgroup_destroy(&c->cg, err);
		c->has_cg = false;
	}
	return r;
}

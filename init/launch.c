#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "launch_fast.h"
#include "units.h"

#define SVC_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The capabilities init holds (root's, less what the machine withholds). */
static uint64_t own_caps(void)
{
	uint64_t mask = 0;
	cap_t c = cap_get_proc();
	for (cap_value_t v = 0; c && v < 64; v++) {
		cap_flag_value_t f;
		if (CAP_IS_SUPPORTED(v) && cap_get_flag(c, v, CAP_PERMITTED, &f) == 0 &&
		    f == CAP_SET)
			mask |= 1ULL << v;
	}
	cap_free(c);
	return mask;
}

static int parse_id(const char *s, uint32_t *id)
{
	int64_t v;
	if (alc_parse_int(s, 0, 0xfffffffe, &v) < 0)
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}

/* user = NAME|UID and group = NAME|GID, as the host's /etc/passwd says. */
static int resolve_ids(const struct svc_def *def, struct alc_process *p, alc_err *err)
{
	uint32_t id;
	if (def->user && parse_id(def->user, &id) == 0) {
		p->uid = id;
		p->gid = id;
	} else if (def->user) {
		struct passwd *pw = getpwnam(def->user);
		if (!pw)
			return alc_err_setx(err, ENOENT, "%s: unknown user '%s'", def->source,
					    def->user);
		p->uid = pw->pw_uid;
		p->gid = pw->pw_gid;
	}
	if (def->group && parse_id(def->group, &id) == 0) {
		p->gid = id;
	} else if (def->group) {
		struct group *gr = getgrnam(def->group);
		if (!gr)
			return alc_err_setx(err, ENOENT, "%s: unknown group '%s'", def->source,
					    def->group);
		p->gid = gr->gr_gid;
	}
	return 0;
}

static int limit(const char *s, int (*parse)(const char *, int64_t *), int64_t *out)
{
	if (!strcmp(s, "max")) {
		*out = -1;
		return 0;
	}
	return parse(s, out);
}

static int parse_cpus_100ms(const char *s, int64_t *quota)
{
	return alc_parse_cpus(s, 100000, quota);
}

static int parse_count(const char *s, int64_t *n)
{
	return alc_parse_int(s, 1, INT64_MAX, n);
}

static int resources(const struct svc_def *def, bool sched_class, struct alc_resources *res,
		     alc_err *err)
{
	int r = 0;
	res->cpu_period_us = 100000;
	/* A scheduled service needs its cpu group even without a limit. */
	if (def->cpus || sched_class) {
		res->set |= ALC_RES_CPU_QUOTA;
		res->cpu_quota_us = -1;
		if (def->cpus && (r = limit(def->cpus, parse_cpus_100ms, &res->cpu_quota_us)) < 0)
			return alc_err_setx(err, EINVAL, "%s: cpus '%s'", def->source, def->cpus);
	}
	if (def->memory) {
		res->set |= ALC_RES_MEMORY;
		if (limit(def->memory, alc_parse_size, &res->memory) < 0)
			return alc_err_setx(err, EINVAL, "%s: memory '%s'", def->source,
					    def->memory);
	}
	if (def->pids) {
		res->set |= ALC_RES_PIDS;
		if (limit(def->pids, parse_count, &res->pids) < 0)
			return alc_err_setx(err, EINVAL, "%s: pids '%s'", def->source, def->pids);
	}
	if (def->cpuset) {
		res->set |= ALC_RES_CPUSET_CPUS;
		if (!(res->cpuset_cpus = strdup(def->cpuset)))
			return alc_err_set(err, ENOMEM, "%s", def->source);
	}
	return 0;
}

int svc_build_spec(const struct svc_def *def, const char *rel, bool sched_class,
		   struct alc_spec *spec, alc_err *err)
{
	memset(spec, 0, sizeof(*spec));
	int r = def->rootfs ? alc_spec_init_default(spec) : 0;
	if (r < 0)
		return alc_err_set(err, -r, "spec");
	struct alc_process *p = &spec->process;
	if (def->rootfs) {
		/* A container: its own mounts, pids, hostname and IPC; the
		 * host's network, as the board's other services have it. */
		spec->ns_flags &= ~CLONE_NEWNET;
		spec->root_path = strdup(def->rootfs);
		spec->hostname = strdup(def->name);
	} else {
		/* The host's root, with init's capabilities (none for
		 * another user). */
		spec->root_path = strdup("/");
		p->caps[ALC_CAP_BOUNDING] = own_caps();
		r = alc_strv_add(&p->env, &p->n_env, SVC_PATH);
	}
	spec->name = strdup(def->name);
	spec->cgroup_path = strdup(rel);
	for (size_t i = 0; r == 0 && i < def->n_exec; i++)
		r = alc_strv_add(&p->args, &p->n_args, def->exec[i]);
	for (size_t i = 0; r == 0 && i < def->n_env; i++)
		r = alc_spec_setenv(spec, def->env[i]);
	if (r < 0 || !spec->root_path || !spec->name || !spec->cgroup_path ||
	    (def->workdir && !(p->cwd = strdup(def->workdir))))
		return alc_err_set(err, ENOMEM, "%s", def->source);
	r = resolve_ids(def, p, err);
	if (r == 0 && !def->rootfs && p->uid == 0)
		p->caps[ALC_CAP_EFFECTIVE] = p->caps[ALC_CAP_PERMITTED] = p->caps[ALC_CAP_BOUNDING];
	return r ?: resources(def, sched_class, &spec->res, err);
}

/* Where a service's fds go while it is cloned: target <- src. */
struct fd_move {
	int target, src;
	int saved, flags; /* what target was (-1: closed) and its fd flags */
	bool placed;
};

/* Puts each src at its target (inheritable), saving what was there. */
static int place_fds(struct fd_move *m, size_t n, alc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		m[i].flags = fcntl(m[i].target, F_GETFD);
		m[i].saved = m[i].flags < 0 ? -1 : fcntl(m[i].target, F_DUPFD_CLOEXEC, 10);
		if (m[i].flags >= 0 && m[i].saved < 0)
			return alc_err_set(err, errno, "save fd %d", m[i].target);
		m[i].placed = true;
		if (dup2(m[i].src, m[i].target) < 0)
			return alc_err_set(err, errno, "dup2 to fd %d", m[i].target);
	}
	return 0;
}

/* Puts back what place_fds found, in reverse order. */
static void restore_fds(struct fd_move *m, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		if (!m[i].placed)
			continue;
		if (m[i].saved >= 0) {
			dup2(m[i].saved, m[i].target); /* the same fd numbers as before */
			fcntl(m[i].target, F_SETFD, m[i].flags);
			close(m[i].saved);
		} else if (m[i].flags < 0) {
			close(m[i].target);
		}
		m[i].placed = false;
	}
}

/* Creates the pipes the service needs; the read ends stay in p. */
static int open_pipes(const struct svc_def *def, struct svc_proc *p, int *log_w, int *ready_w,
		      alc_err *err)
{
	int fds[2];
	if (def->log == SVC_LOG_RING) {
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
			return alc_err_set(err, errno, "pipe");
		p->log_fd = fds[0];
		*log_w = fds[1];
		fcntl(*log_w, F_SETFL, 0); /* the service writes blocking */
	}
	if (def->ready == SVC_READY_FD) {
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
			return alc_err_set(err, errno, "pipe");
		p->ready_fd = fds[0];
		*ready_w = fds[1];
		fcntl(*ready_w, F_SETFL, 0);
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int svc_proc_release(struct svc_proc *p, alc_err *err)
{
	close_fd(&p->log_fd);
	close_fd(&p->ready_fd);
	int r = p->has_c ? alc_container_destroy(&p->c, err) : 0;
	p->has_c = false;
	return r;
}

/* A host service: one clone straight to exec, no handshake. */
static int launch_host(const struct alc_spec *spec, const struct alc_cg_opts *cgo,
		       const struct fd_move *m, size_t n, struct svc_proc *p, alc_err *err)
{
	struct svc_fd_map fm[4];
	for (size_t i = 0; i < n; i++)
		fm[i] = (struct svc_fd_map){ .target = m[i].target, .src = m[i].src };
	int r = svc_fast_spawn(&p->c, spec, cgo, fm, n, err);
	p->has_c = true; /* what is left on failure is released by the caller */
	p->has_cg = p->c.has_cg;
	p->via_clone3 = p->c.child.via_clone3;
	return r;
}

/* A container (or a host service the direct spawn cannot take): created
 * parked with the fds placed in init's own table, then started. */
static int launch_container(const struct alc_spec *spec, const struct alc_runtime_opts *o,
			    struct fd_move *m, size_t n, struct svc_proc *p, alc_err *err)
{
	int r = place_fds(m, n, err);
	if (r == 0) {
		r = alc_container_create(&p->c, spec, o, err);
		/* A setup failure in the child leaves create's cgroup behind. */
		if (r < 0 && p->c.has_cg)
			alc_container_destroy(&p->c, NULL); /* report the create error */
	}
	restore_fds(m, n);
	if (r == 0) {
		p->has_c = true;
		p->has_cg = p->c.has_cg;
		p->via_clone3 = p->c.child.via_clone3;
		r = alc_container_start(&p->c, err);
	}
	return r;
}

int svc_launch(const struct svc_def *def, const char *base, struct svc_proc *p, alc_err *err)
{
	char rel[256];
	struct alc_spec spec;
	_cleanup_close_ int log_w = -1, ready_w = -1, null_fd = -1;
	memset(p, 0, sizeof(*p));
	p->log_fd = p->ready_fd = -1;
	snprintf(rel, sizeof(rel), "%s/%s", base, def->name);
	int r = svc_build_spec(def, rel, def->class != NULL, &spec, err);
	r = r ?: open_pipes(def, p, &log_w, &ready_w, err);
	struct fd_move m[4];
	size_t n = 0;
	if (r == 0 && log_w >= 0) {
		null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null_fd >= 0)
			m[n++] = (struct fd_move){ .target = 0, .src = null_fd };
		m[n++] = (struct fd_move){ .target = 1, .src = log_w };
		m[n++] = (struct fd_move){ .target = 2, .src = log_w };
	}
	if (r == 0 && ready_w >= 0) {
		m[n++] = (struct fd_move){ .target = def->ready_fd, .src = ready_w };
		spec.process.preserve_fds = (unsigned)def->ready_fd - 2;
	}
	struct alc_runtime_opts o = { .cg.writer = URING_BACKEND_SYNC };
	if (r == 0 && svc_fast_eligible(&spec)) {
		r = launch_host(&spec, &o.cg, m, n, p, err);
	} else if (r == 0) {
		r = launch_container(&spec, &o, m, n, p, err);
	}
	alc_spec_free(&spec);
	if (r < 0) {
		alc_err ignored = { 0 };
		svc_proc_release(p, &ignored); /* report the launch error */
	}
	return r;
}

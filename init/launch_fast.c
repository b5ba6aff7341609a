#include "launch_fast.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clone3.h"
#include "spawn.h"
#include "spawn_oci.h"

extern char **environ;

/* What the child writes to the pipe when it cannot exec. */
struct fast_report {
	int err, exit_code;
	char text[480];
};

bool svc_fast_eligible(const struct alc_spec *spec)
{
	size_t hooks = 0;
	for (int i = 0; i < ALC_HOOK_PHASES; i++)
		hooks += spec->n_hooks[i];
	return spec->root_path && !strcmp(spec->root_path, "/") && spec->ns_flags == 0 &&
	       spec->n_ns_join == 0 && spec->n_mounts == 0 && spec->n_dev_rules == 0 &&
	       hooks == 0 && !spec->seccomp && !spec->has_oom_score_adj && !spec->has_personality &&
	       !spec->has_time_offsets && !spec->apparmor_profile && !spec->selinux_label &&
	       !spec->terminal && spec->process.n_args > 0;
}

static void __attribute__((noreturn)) child_fail(int pipe_w, int code, int e, const char *text)
{
	struct fast_report m = { .err = e, .exit_code = code };
	snprintf(m.text, sizeof(m.text), "%s", text);
	/* Nothing else to do if init cannot read it: the exit status tells. */
	ssize_t n = write(pipe_w, &m, sizeof(m));
	(void)n;
	_exit(code);
}

/* Joins the hierarchies clone3 did not place us in (v1 on hybrid hosts;
 * every one after a plain fork): "0" is the writer itself. The child is
 * single-threaded, so v1's tasks moves all of it, without the threadgroup
 * lock a cgroup.procs write takes (see core/cgattach.h); v2 has only
 * cgroup.procs. */
static int join_rest(const struct alc_cgroup *cg, bool via_clone3, alc_err *err)
{
	for (int h = 0; h < ALC_H_COUNT; h++) {
		if (cg->fd[h] < 0 || (h == ALC_H_V2 && via_clone3))
			continue;
		int fd = openat(cg->fd[h], h == ALC_H_V2 ? "cgroup.procs" : "tasks",
				O_WRONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : write(fd, "0", 1);
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (n != 1)
			return alc_err_set(err, e, "join %s group %s", alc_hier_name(h), cg->rel);
	}
	return 0;
}

/* Puts each src at its target: first every src above every target, so a
 * dup2 never lands on a src (or on the report pipe) still needed. */
static int map_fds(const struct svc_fd_map *fds, size_t n, int *pipe_w, alc_err *err)
{
	int top = *pipe_w, moved[8];
	for (size_t i = 0; i < n; i++)
		top = fds[i].target > top ? fds[i].target : top;
	int high = fcntl(*pipe_w, F_DUPFD_CLOEXEC, top + 1);
	if (high < 0)
		return alc_err_set(err, errno, "dup fd %d", *pipe_w); /* nothing moved yet */
	*pipe_w = high;
	for (size_t i = 0; i < n; i++)
		if ((moved[i] = fcntl(fds[i].src, F_DUPFD_CLOEXEC, top + 1)) < 0)
			return alc_err_set(err, errno, "dup fd %d", fds[i].src);
	for (size_t i = 0; i < n; i++)
		if (dup2(moved[i], fds[i].target) < 0) /* the copy is inheritable */
			return alc_err_set(err, errno, "dup2 to fd %d", fds[i].target);
	return 0;
}

static void __attribute__((noreturn))
child_main(const struct alc_spec *spec, const struct alc_cgroup *cg, bool via_clone3,
	   const struct svc_fd_map *fds, size_t n_fds, int pipe_w)
{
	alc_err err = { 0 };
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* init blocks the signals it handles */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (map_fds(fds, n_fds, &pipe_w, &err) < 0 || join_rest(cg, via_clone3, &err) < 0 ||
	    alc_spawn_child_credentials(spec, &err) < 0)
		child_fail(pipe_w, 125, err.code, err.msg);
	environ = spec->process.env;
	execvp(spec->process.args[0], spec->process.args);
	int e = errno;
	char text[400];
	snprintf(text, sizeof(text), "exec %s: %s", spec->process.args[0], strerror(e));
	child_fail(pipe_w, e == ENOENT || e == ENOTDIR ? 127 : 126, e, text);
}

/* Reads the child's report: 0 once the pipe closed empty (exec'd). */
static int await_exec(struct alc_container *c, int pipe_r, alc_err *err)
{
	struct fast_report m;
	ssize_t n;
	do
		n = read(pipe_r, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	int status;
	while (waitpid(c->child.pid, &status, 0) < 0 && errno == EINTR)
		; /* the child exits right after its report */
	c->reaped = true;
	c->status = status;
	if (n != (ssize_t)sizeof(m))
		return alc_err_setx(err, EPIPE, "service process died during setup");
	m.text[sizeof(m.text) - 1] = '\0';
	c->child.exit_code = m.exit_code;
	return alc_err_setx(err, m.err ? m.err : EPROTO, "%s", m.text);
}

int svc_fast_spawn(struct alc_container *c, const struct alc_spec *spec,
		   const struct alc_cg_opts *cgo, const struct svc_fd_map *fds, size_t n_fds,
		   alc_err *err)
{
	int pipefd[2];
	memset(c, 0, sizeof(*c));
	c->child.pid = -1;
	c->child.sock = -1;
	c->child.exit_code = 125;
	if (n_fds > 8)
		return alc_err_setx(err, EINVAL, "too many fds");
	int r = alc_cgroup_create(&c->cg, cgo, spec->cgroup_path, &spec->res, err);
	if (r == -EEXIST)
		return alc_err_setx(err, EEXIST, "cgroup %s is already in use", spec->cgroup_path);
	if (r < 0)
		return r;
	c->has_cg = true;
	/* The limits are in place before the process is. */
	if ((r = alc_cgroup_complete(&c->cg, &spec->res, err)) < 0)
		return r;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return alc_err_set(err, errno, "pipe");
	_cleanup_close_ int pipe_r = pipefd[0];
	bool via_clone3 = true;
	pid_t pid = alc_clone3(alc_cgroup_v2_fd(&c->cg), 0);
	if (pid == -ENOSYS || pid == -EINVAL || pid == -E2BIG) {
		via_clone3 = false; /* kernel < 5.7: the child joins by itself */
		pid_t f = fork();
		pid = f < 0 ? -errno : f;
	}
	if (pid == 0)
		child_main(spec, &c->cg, via_clone3, fds, n_fds, pipefd[1]);
	close(pipefd[1]);
	if (pid < 0)
		return alc_err_set(err, -pid, "clone");
	c->child.pid = pid;
	c->child.via_clone3 = via_clone3;
	return await_exec(c, pipe_r, err);
}

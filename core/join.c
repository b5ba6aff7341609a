#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clone3.h"
#include "spawn_oci.h"

extern char **environ;

static void __attribute__((noreturn)) child_fail(int sock, int code, const alc_err *err)
{
	struct alc_spawn_msg m = { .type = ALC_MSG_ERROR, .err = err->code, .exit_code = code };
	snprintf(m.text, sizeof(m.text), "%.495s", err->msg);
	send(sock, &m, sizeof(m), MSG_NOSIGNAL); /* nothing else to do if the parent is gone */
	_exit(code);
}

static void __attribute__((noreturn))
child_main(const struct alc_spec *spec, const struct alc_join *j, int sock)
{
	alc_err err = { 0 };
	struct alc_spawn_msg m;
	char path[PATH_MAX];
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	ssize_t n;
	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m) || m.type != ALC_MSG_GO)
		_exit(125); /* the parent went away */
	int flags = j->ns_flags & ~CLONE_NEWPID;
	if (flags && setns(j->pidfd, flags) < 0) {
		alc_err_set(&err, errno, "join the container's namespaces (setns on its pidfd)");
		child_fail(sock, 125, &err);
	}
	if (alc_spawn_child_credentials(spec, &err) < 0 ||
	    alc_spawn_terminal(spec, j->console_fd, &err) < 0 ||
	    alc_procattr_affinity(&spec->process.attr, false, &err) < 0)
		child_fail(sock, 125, &err);
	int r = alc_spawn_resolve(spec, path, sizeof(path));
	if (r == 0) {
		environ = spec->process.env;
		execv(path, spec->process.args);
		r = -errno;
	}
	alc_err_set(&err, -r, "exec %s", spec->process.args[0]);
	child_fail(sock, r == -ENOENT ? 127 : 126, &err);
}

/* Forks into the container's pid namespace (for our children only) and
 * v2 group; the fallback is a plain fork and a cgroup.procs write. */
static pid_t fork_into(const struct alc_join *j, bool *via_clone3)
{
	_cleanup_close_ int own = -1;
	if (j->ns_flags & CLONE_NEWPID) {
		own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own < 0 || setns(j->pidfd, CLONE_NEWPID) < 0)
			return -errno;
	}
	int v2fd = j->cg ? alc_cgroup_v2_fd(j->cg) : -1;
	pid_t pid = -ENOSYS;
	*via_clone3 = false;
	if (v2fd >= 0 && (pid = alc_clone3(v2fd, 0)) >= 0)
		*via_clone3 = true;
	if (pid == -ENOSYS || pid == -EINVAL || pid == -E2BIG) {
		pid = fork();
		if (pid < 0)
			pid = -errno;
	}
	if (pid != 0 && own >= 0)
		setns(own, CLONE_NEWPID); /* back for later children; none expected */
	return pid;
}

int alc_join_spawn(const struct alc_spec *spec, const struct alc_join *j, struct alc_child *child,
		   alc_err *err)
{
	int sv[2];
	child->pid = -1;
	child->sock = -1;
	child->exit_code = 125;
	/* execCPUAffinity.initial: ours, inherited by the child until it is
	 * in the container's groups (a cpuset there may reset it). */
	int ra = alc_procattr_affinity(&spec->process.attr, true, err);
	if (ra < 0)
		return ra;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return alc_err_set(err, errno, "socketpair");
	pid_t pid = fork_into(j, &child->via_clone3);
	if (pid == 0) {
		close(sv[0]);
		child_main(spec, j, sv[1]);
	}
	close(sv[1]);
	child->sock = sv[0];
	if (pid < 0)
		return alc_spawn_abort(child, alc_err_set(err, -pid, "fork into the container"));
	child->pid = pid;
	int r = 0;
	if (j->cg)
		r = alc_cgroup_attach(j->cg, pid, !child->via_clone3, URING_BACKEND_SYNC, err);
	struct alc_spawn_msg m = { .type = ALC_MSG_GO };
	if (r == 0 && send(child->sock, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		r = alc_err_set(err, errno, "signal the process");
	if (r < 0)
		return alc_spawn_abort(child, r);
	ssize_t n;
	do
		n = recv(child->sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	close(child->sock);
	child->sock = -1;
	if (n == 0)
		return 0; /* the close-on-exec end went away: exec happened */
	if (n == (ssize_t)sizeof(m) && m.type == ALC_MSG_ERROR) {
		m.text[sizeof(m.text) - 1] = '\0';
		child->exit_code = m.exit_code;
		waitpid(child->pid, NULL, 0); /* it exits right after reporting */
		child->pid = -1;
		return alc_err_setx(err, m.err, "%s", m.text);
	}
	return alc_spawn_abort(child, alc_err_set(err, n < 0 ? errno : EPROTO, "exec handshake"));
}

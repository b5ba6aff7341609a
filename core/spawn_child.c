/* The container process's side of the spawn: everything between clone and
 * exec, in the order the kernel needs it. Any failure is sent to the parent
 * as one message, then the process exits. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "cgattach.h"
#include "childsec.h"
#include "hooks.h"
#include "keyring.h"
#include "rootfs.h"
#include "spawn.h"
#include "spawn_oci.h"

static void report(int sock, int exit_code, int e, const char *text)
{
	struct alc_spawn_msg m = { .type = ALC_MSG_ERROR, .err = e, .exit_code = exit_code };
	snprintf(m.text, sizeof(m.text), "%s", text);
	send(sock, &m, sizeof(m), MSG_NOSIGNAL); /* nothing else to do if the parent is gone */
}

static void __attribute__((noreturn)) fail(int sock, const alc_err *err)
{
	report(sock, 125, err->code, err->msg);
	_exit(125);
}

static int wait_for(int sock, int type)
{
	struct alc_spawn_msg m;
	ssize_t n;
	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(m) && m.type == type ? 0 : -EPIPE;
}

static int loopback_up(alc_err *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int r = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ? -1 : 0;
	if (r == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	if (fd >= 0)
		close(fd);
	return r < 0 ? alc_err_set(err, e, "bring up lo") : 0;
}

static int apply_rlimits(const struct alc_process *p, alc_err *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return alc_err_set(err, errno, "setrlimit(%d, %llu:%llu)",
					   p->rlimits[i].resource, (unsigned long long)rl.rlim_cur,
					   (unsigned long long)rl.rlim_max);
	}
	return 0;
}

/* Steps that need the namespaces and full privileges: the mounts, up to
 * pivot_root (setup_root), which waits for the runtime's hooks. */
static int setup_inside(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err)
{
	int userns = spec->ns_flags & CLONE_NEWUSER;
	/* With the maps written, become root of the namespace: the uid we came
	 * with may have no mapping inside (root's, under a 0:100000 map). */
	if (userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return alc_err_set(err, errno, "become root in the user namespace");
	if (alc_childsec_early(spec, cs, err) < 0)
		return -err->code;
	if (spec->hostname && (spec->ns_flags & CLONE_NEWUTS) &&
	    sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return alc_err_set(err, errno, "sethostname %s", spec->hostname);
	if ((spec->ns_flags & CLONE_NEWNET) && loopback_up(err) < 0)
		return -err->code;
	if (spec->ns_flags & CLONE_NEWNS)
		return alc_rootfs_prepare(spec, userns, err);
	return 0;
}

/* After the runtime's prestart/createRuntime hooks: the container's own
 * createContainer hooks, then pivot_root. */
static int setup_root(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err)
{
	int r = oci_hooks_run_in_container(spec, ALC_HOOK_CREATE_CONTAINER, cs->host_pid, err);
	if (r < 0)
		return r;
	if (spec->ns_flags & CLONE_NEWNS)
		return alc_rootfs_pivot(spec, err);
	/* Only without a mount namespace, where pivot_root is impossible. */
	if (chroot(spec->root_path) < 0)
		return alc_err_set(err, errno, "chroot %s", spec->root_path);
	return 0;
}

/* Steps after the parent placed us in every cgroup: the cgroup namespace,
 * then the final credentials. */
static int setup_credentials(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err)
{
	int userns = spec->ns_flags & CLONE_NEWUSER;
	if ((spec->ns_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return alc_err_set(err, errno, "unshare the cgroup namespace");
	int r = apply_rlimits(&spec->process, err);
	r = r ?: alc_childsec_precaps(spec, cs, err);
	/* While CAP_SYS_NICE (real-time policies, a lower nice) and
	 * CAP_SYS_ADMIN (the real-time I/O class) are still held. */
	r = r ?: alc_procattr_apply(&spec->process.attr, err);
	r = r ?: (spec->keyring ? alc_keyring_join(spec->keyring, err) : 0);
	if (r < 0)
		return r;
	/* A rootless user namespace denies setgroups; skip it unless asked. */
	r = alc_caps_apply(&spec->process, userns && spec->process.n_groups == 0, err);
	if (r < 0)
		return r;
	if (spec->process.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return alc_err_set(err, errno, "PR_SET_NO_NEW_PRIVS");
	const char *cwd = spec->process.cwd ? spec->process.cwd : "/";
	if (chdir(cwd) < 0)
		return alc_err_set(err, errno, "chdir %s", cwd);
	/* Only 0-2 and the preserved fds survive exec, whatever we inherited. */
	unsigned first = 3 + spec->process.preserve_fds;
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = (int)first; fd < 4096; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC); /* pre-5.11 kernels */
	return 0;
}

int alc_spawn_child_credentials(const struct alc_spec *spec, alc_err *err)
{
	struct alc_childsec cs = { 0 }; /* exec'd at once: nothing to free */
	alc_childsec_detect(spec, &cs); /* else a label would be skipped as "no LSM" */
	return setup_credentials(spec, &cs, err) ?: alc_childsec_final(spec, &cs, err);
}

void alc_spawn_child_main(const struct alc_spec *spec, const struct alc_spawn_opts *so, int sock)
{
	alc_err err = { 0 };
	struct alc_childsec cs = { 0 };
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* the parent blocks signals it forwards */
	if (so->park_fd < 0)		       /* a detached create outlives alcove create */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (wait_for(sock, ALC_MSG_GO) < 0)
		_exit(125); /* the parent went away */
	if (alc_spawn_ns_join(so, &err) < 0 || setup_inside(spec, &cs, &err) < 0)
		fail(sock, &err);
	struct alc_spawn_msg prepared = { .type = ALC_MSG_PREPARED };
	if (alc_spawn_reports_prepared(spec) &&
	    send(sock, &prepared, sizeof(prepared), MSG_NOSIGNAL) < 0)
		_exit(125);
	/* Single-threaded, outside any cgroup namespace, the mounts done
	 * outside the container's cpu share: the child joins its v1 groups. */
	int r = alc_cg_wait_placed(sock, &err);
	if (r == -EPIPE)
		_exit(125);
	if (r < 0)
		fail(sock, &err);
	if (setup_root(spec, &cs, &err) < 0 || setup_credentials(spec, &cs, &err) < 0 ||
	    alc_spawn_terminal(spec, so->console_fd, &err) < 0)
		fail(sock, &err);
	struct alc_spawn_msg ready = { .type = ALC_MSG_READY };
	if (so->park_fd >= 0) /* detached create: start comes through the FIFO */
		alc_spawn_park(spec, so->park_fd, sock);
	else if (send(sock, &ready, sizeof(ready), MSG_NOSIGNAL) < 0 ||
		 wait_for(sock, ALC_MSG_START) < 0)
		_exit(125);
	if (oci_hooks_run_in_container(spec, ALC_HOOK_START_CONTAINER, cs.host_pid, &err) < 0 ||
	    alc_childsec_final(spec, &cs, &err) < 0) {
		if (so->park_fd >= 0)
			dprintf(2, "alcove: %s\n", err.msg); /* no parent left to tell */
		fail(sock, &err);
	}
	/* The container's PATH, and its environment passed as it is: environ
	 * may be the parent's own (a child sharing its address space). */
	char path[PATH_MAX];
	int e = -alc_spawn_resolve(spec, path, sizeof(path));
	if (e == 0) {
		execve(path, spec->process.args, spec->process.env);
		e = errno;
	}
	char text[400];
	snprintf(text, sizeof(text), "exec %s: %s", spec->process.args[0], strerror(e));
	int code = e == ENOENT || e == ENOTDIR ? 127 : 126;
	if (so->park_fd >= 0)
		dprintf(2, "alcove: %s\n", text); /* no parent left to tell */
	report(sock, code, e, text);
	_exit(code);
}

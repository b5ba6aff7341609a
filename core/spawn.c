#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "childsec.h"
#include "clone3.h"
#include "fileio.h"
#include "spawn_oci.h"

static int send_msg(int sock, int type)
{
	struct alc_spawn_msg m = { .type = type };
	return send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Receives one message; returns its type, 0 on EOF, or -errno. */
static int recv_msg(int sock, struct alc_spawn_msg *m)
{
	ssize_t n;
	int resets = 0;
	/* A child that exits with our messages unread makes the kernel report
	 * ECONNRESET once, ahead of the error message it queued: read on. */
	do
		n = recv(sock, m, sizeof(*m), 0);
	while (n < 0 && (errno == EINTR || (errno == ECONNRESET && !resets++)));
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	m->text[sizeof(m->text) - 1] = '\0';
	return m->type;
}

static int write_maps(pid_t pid, const struct alc_spec *spec, alc_err *err)
{
	static const char *const files[] = { "uid_map", "gid_map" };
	const struct alc_idmap *maps[] = { spec->uid_maps, spec->gid_maps };
	size_t counts[] = { spec->n_uid_maps, spec->n_gid_maps };
	uint32_t self[] = { (uint32_t)geteuid(), (uint32_t)getegid() };
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return alc_err_set(err, errno, "open %s", dir);
	int r = 0;
	/* Without CAP_SETGID outside, gid_map needs setgroups denied first. */
	if (geteuid() != 0 && (r = alc_write_file_at(dfd, "setgroups", "deny")) < 0)
		alc_err_set(err, -r, "write %s/setgroups", dir);
	for (int k = 0; r == 0 && k < 2; k++) {
		char text[1024] = "";
		size_t off = 0;
		if (counts[k] == 0)
			off = (size_t)snprintf(text, sizeof(text), "0 %u 1\n", self[k]);
		for (size_t i = 0; i < counts[k] && off < sizeof(text); i++)
			off += (size_t)snprintf(text + off, sizeof(text) - off, "%u %u %u\n",
						maps[k][i].inside, maps[k][i].outside,
						maps[k][i].count);
		if ((r = alc_write_file_at(dfd, files[k], text)) < 0)
			alc_err_set(err, -r, "write %s/%s", dir, files[k]);
	}
	close(dfd);
	return r;
}

/* Clones the child: into the v2 group directly, or plainly for the
 * fallback. CLONE_NEWCGROUP is left to the child, once it is in place, and
 * so is CLONE_NEWTIME (offsets are frozen once a process is inside). */
static pid_t clone_child(int v2fd, int ns_flags, bool fallback, bool *via_clone3)
{
	uint64_t flags = (uint64_t)(ns_flags & ~(CLONE_NEWCGROUP | 0x80 /* CLONE_NEWTIME */));
	*via_clone3 = false;
	if (!fallback && v2fd >= 0) {
		pid_t pid = alc_clone3(v2fd, flags);
		if (pid >= 0) {
			*via_clone3 = true;
			return pid;
		}
		if (pid != -ENOSYS && pid != -EINVAL && pid != -E2BIG)
			return pid;
		/* Kernel < 5.7: no CLONE_INTO_CGROUP; fall through. */
	}
	long pid = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
	return pid < 0 ? -errno : (pid_t)pid;
}

/* What a child sharing our address space reads of its start: kept at the
 * top of its own stack mapping, which nothing else writes. */
struct vm_start {
	const struct alc_spec *spec;
	struct alc_spawn_opts so;
	int sock, parent_end;
};

#define VM_STACK_LEN (512 * 1024)

static int vm_child(void *arg)
{
	const struct vm_start *v = arg;
	close(v->parent_end);
	alc_spawn_child_main(v->spec, &v->so, v->sock);
}

bool alc_spawn_vm_supported(void)
{
#if defined(__SANITIZE_ADDRESS__)
	/* ASan cannot follow a child onto a stack of its own (it warns on
	 * stderr at every noreturn call there): sanitizer builds fork. */
	return false;
#elif defined(__x86_64__) || defined(__aarch64__)
	return true;
#else
	return false; /* no trampoline in core/clone3.c */
#endif
}

/* Clones with CLONE_VM onto a fresh stack; -ENOSYS where the kernel cannot
 * (the caller forks then). */
static pid_t clone_vm(const struct alc_spec *spec, const struct alc_spawn_opts *so, int sv[2],
		      int v2fd, struct alc_child *child)
{
	uint64_t flags = (uint64_t)(spec->ns_flags & ~(CLONE_NEWCGROUP | 0x80 /* CLONE_NEWTIME */));
	char *base = mmap(NULL, VM_STACK_LEN, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	mprotect(base, 4096, PROT_NONE); /* a guard: overflow faults, not corrupts */
	size_t len = (VM_STACK_LEN - sizeof(struct vm_start)) & ~(size_t)15;
	struct vm_start *v = (struct vm_start *)(base + len);
	*v = (struct vm_start){ .spec = spec, .so = *so, .sock = sv[1], .parent_end = sv[0] };
	pid_t pid = alc_clone3_vm(v2fd, flags, base, len, vm_child, v);
	if (pid < 0) {
		munmap(base, VM_STACK_LEN);
		return pid;
	}
	child->vm_stack = base;
	child->vm_stack_len = VM_STACK_LEN;
	child->via_clone3 = v2fd >= 0;
	return pid;
}

void alc_spawn_release_vm(struct alc_child *child)
{
	if (child->vm_stack)
		munmap(child->vm_stack, child->vm_stack_len);
	child->vm_stack = NULL;
}

int alc_spawn_abort(struct alc_child *child, int r)
{
	if (child->pid > 0) {
		kill(child->pid, SIGKILL);
		waitpid(child->pid, NULL, 0); /* reaping a child we just killed */
		alc_spawn_release_vm(child);
	}
	if (child->sock >= 0)
		close(child->sock);
	child->pid = -1;
	child->sock = -1;
	return r;
}

int alc_spawn_clone(const struct alc_spec *spec, struct alc_cgroup *cg, bool force_fallback,
		    struct alc_child *child, alc_err *err)
{
	struct alc_spawn_opts so = { .force_fallback = force_fallback,
				     .park_fd = -1,
				     .console_fd = -1 };
	return alc_spawn_clone_opts(spec, cg, &so, child, err);
}

int alc_spawn_clone_opts(const struct alc_spec *spec, struct alc_cgroup *cg,
			 const struct alc_spawn_opts *so, struct alc_child *child, alc_err *err)
{
	static const struct alc_spawn_opts defaults = { .park_fd = -1, .console_fd = -1 };
	int sv[2], own_pid_ns;
	struct alc_spawn_opts local = so ? *so : defaults;
	so = &local;
	child->pid = -1;
	child->sock = -1;
	child->vm_stack = NULL;
	int r = alc_spawn_ns_open(spec, &local, &own_pid_ns, err);
	if (r < 0) {
		alc_spawn_ns_close(&local, own_pid_ns);
		return r;
	}
	child->exit_code = 125;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		alc_spawn_ns_close(&local, own_pid_ns);
		return alc_err_set(err, errno, "socketpair");
	}
	int v2fd = cg ? alc_cgroup_v2_fd(cg) : -1;
	pid_t pid = -ENOSYS;
	if (so->share_vm && alc_spawn_vm_supported() && !so->force_fallback && (!cg || v2fd >= 0))
		pid = clone_vm(spec, &local, sv, v2fd, child);
	if (pid == -ENOSYS || pid == -EINVAL || pid == -E2BIG)
		pid = clone_child(v2fd, spec->ns_flags, so->force_fallback, &child->via_clone3);
	if (pid == 0) {
		close(sv[0]);
		alc_spawn_child_main(spec, so, sv[1]);
	}
	close(sv[1]);
	alc_spawn_ns_close(&local, own_pid_ns);
	child->sock = sv[0];
	if (pid < 0)
		return alc_spawn_abort(child, alc_err_set(err, -pid, "clone"));
	child->pid = pid;
	if (spec->ns_flags & CLONE_NEWUSER)
		r = write_maps(pid, spec, err);
	r = r ?: alc_childsec_parent(spec, pid, err);
	if (r == 0)
		r = send_msg(child->sock, ALC_MSG_GO);
	return r < 0 ? alc_spawn_abort(child, r) : 0;
}

bool alc_spawn_reports_prepared(const struct alc_spec *spec)
{
	return spec->n_hooks[ALC_HOOK_PRESTART] || spec->n_hooks[ALC_HOOK_CREATE_RUNTIME];
}

/* Waits for a message of type want from the child's setup. */
static int wait_setup(struct alc_child *child, int want, alc_err *err)
{
	struct alc_spawn_msg m;
	int t = recv_msg(child->sock, &m);
	if (t == want)
		return 0;
	if (t == ALC_MSG_ERROR) {
		child->exit_code = m.exit_code;
		return alc_spawn_abort(child, alc_err_setx(err, m.err, "%s", m.text));
	}
	return alc_spawn_abort(child,
			       alc_err_setx(err, EPIPE, "container process died during setup"));
}

int alc_spawn_wait_prepared(struct alc_child *child, alc_err *err)
{
	return wait_setup(child, ALC_MSG_PREPARED, err);
}

int alc_spawn_wait_ready(struct alc_child *child, alc_err *err)
{
	return wait_setup(child, ALC_MSG_READY, err);
}

int alc_spawn_start(struct alc_child *child, alc_err *err)
{
	int r = send_msg(child->sock, ALC_MSG_START);
	struct alc_spawn_msg m;
	int t = r < 0 ? r : recv_msg(child->sock, &m);
	close(child->sock);
	child->sock = -1;
	if (t == 0) {
		alc_spawn_release_vm(child); /* no longer in our address space */
		return 0;		     /* the close-on-exec end went away: exec happened */
	}
	if (t == ALC_MSG_ERROR) {
		child->exit_code = m.exit_code;
		return alc_err_setx(err, m.err, "%s", m.text);
	}
	return alc_err_set(err, t < 0 ? -t : EPROTO, "start");
}

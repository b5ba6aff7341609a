#include "spawn_oci.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pty.h"
#include "spawn.h"

extern char **environ;

int alc_spawn_terminal(const struct alc_spec *spec, int console_fd, alc_err *err)
{
	int master, slave;
	if (!spec->terminal || console_fd < 0)
		return 0;
	int r = alc_pty_open(&master, &slave, err);
	if (r < 0)
		return r;
	/* Opened with the process's final credentials, the slave is its own. */
	r = alc_pty_send_fd(console_fd, master, err);
	close(master);
	if (r == 0)
		r = alc_pty_make_ctty(slave, err);
	if (slave > 2)
		close(slave);
	return r;
}

static const char *proc_path(const struct alc_spec *spec)
{
	for (size_t i = 0; i < spec->process.n_env; i++)
		if (!strncmp(spec->process.env[i], "PATH=", 5))
			return spec->process.env[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int executable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return access(path, X_OK) < 0 ? -errno : 0;
}

int alc_spawn_resolve(const struct alc_spec *spec, char *out, size_t len)
{
	const char *cmd = spec->process.args[0];
	if (strchr(cmd, '/')) {
		snprintf(out, len, "%s", cmd);
		return executable(cmd);
	}
	int first = -ENOENT;
	for (const char *p = proc_path(spec); *p;) {
		size_t n = strcspn(p, ":");
		snprintf(out, len, "%.*s%s%s", (int)n, p, n ? "/" : "", cmd);
		int r = executable(out);
		if (r == 0)
			return 0;
		if (r == -EACCES && first == -ENOENT)
			first = r; /* as execvp: EACCES wins over a later ENOENT */
		p += n + (p[n] == ':');
	}
	return first;
}

static void __attribute__((noreturn)) die(int code, const char *what, const char *arg, int e)
{
	dprintf(2, "alcove: %s %s: %s\n", what, arg, strerror(e));
	_exit(code);
}

void alc_spawn_park(const struct alc_spec *spec, int park_fd, int sock)
{
	char path[PATH_MAX], self[64];
	int r = alc_spawn_resolve(spec, path, sizeof(path));
	struct alc_spawn_msg m = { .type = ALC_MSG_READY };
	if (r < 0) {
		m = (struct alc_spawn_msg){ .type = ALC_MSG_ERROR,
					    .err = -r,
					    .exit_code = r == -ENOENT ? 127 : 126 };
		snprintf(m.text, sizeof(m.text), "exec %s: %s%s", spec->process.args[0],
			 strerror(-r),
			 r == -ENOENT && !strchr(spec->process.args[0], '/')
				 ? " (not found in the container's PATH)"
				 : "");
	}
	if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0 || r < 0)
		_exit(m.exit_code ? m.exit_code : 125);
	close(sock);
	/* Parked for as long as start takes, it holds nothing of the parent's
	 * (the state lock, cgroup fds): only stdio and the preserved fds. */
	unsigned first = 3 + spec->process.preserve_fds;
	if ((unsigned)park_fd >= first && park_fd > 0)
		syscall(SYS_close_range, first, (unsigned)park_fd - 1, 0);
	unsigned past = (unsigned)park_fd + 1 > first ? (unsigned)park_fd + 1 : first;
	syscall(SYS_close_range, past, ~0U, 0);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", park_fd);
	int fd;
	do
		fd = open(self, O_WRONLY | O_CLOEXEC); /* blocks until start reads */
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		die(125, "open the exec FIFO", self, errno);
	if (write(fd, "0", 1) != 1)
		die(125, "write the exec FIFO", self, errno);
	close(fd);
	close(park_fd);
}

int alc_spawn_ns_open(const struct alc_spec *spec, struct alc_spawn_opts *so, int *own_pid_ns,
		      alc_err *err)
{
	*own_pid_ns = -1;
	so->n_ns = 0;
	for (size_t i = 0; i < spec->n_ns_join; i++) {
		const struct alc_nsjoin *j = &spec->ns_join[i];
		if (j->type == CLONE_NEWUSER)
			return alc_err_setx(
				err, ENOTSUP,
				"joining a user namespace by path (%s) is not supported", j->path);
		if (so->n_ns >= sizeof(so->ns_fd) / sizeof(*so->ns_fd))
			return alc_err_setx(err, E2BIG, "too many namespaces to join");
		int fd = open(j->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return alc_err_set(err, errno, "open namespace %s", j->path);
		so->ns_fd[so->n_ns] = fd;
		so->ns_type[so->n_ns++] = j->type;
		if (j->type != CLONE_NEWPID)
			continue;
		/* setns on a pid namespace only moves our future children. */
		*own_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (*own_pid_ns < 0 || setns(fd, CLONE_NEWPID) < 0)
			return alc_err_set(err, errno, "join pid namespace %s", j->path);
	}
	return 0;
}

void alc_spawn_ns_close(struct alc_spawn_opts *so, int own_pid_ns)
{
	if (own_pid_ns >= 0) {
		setns(own_pid_ns, CLONE_NEWPID); /* back to ours, as it was */
		close(own_pid_ns);
	}
	for (unsigned i = 0; i < so->n_ns; i++)
		close(so->ns_fd[i]);
	so->n_ns = 0;
}

int alc_spawn_ns_join(const struct alc_spawn_opts *so, alc_err *err)
{
	for (unsigned i = 0; i < so->n_ns; i++)
		if (so->ns_type[i] != CLONE_NEWPID && setns(so->ns_fd[i], so->ns_type[i]) < 0)
			return alc_err_set(err, errno, "join namespace (type %#x)",
					   (unsigned)so->ns_type[i]);
	return 0;
}

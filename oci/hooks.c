#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

const char *oci_hook_phase_name(enum alc_hook_phase phase)
{
	static const char *const names[ALC_HOOK_PHASES] = {
		"prestart",	  "createRuntime", "createContainer",
		"startContainer", "poststart",	   "poststop",
	};
	return phase < ALC_HOOK_PHASES ? names[phase] : "unknown";
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The hook's stdin: the state in a sealed-size memfd, so writing it can
 * neither block nor raise SIGPIPE whatever the hook reads. */
static int state_fd(const char *state_json)
{
	int fd = memfd_create("alcove-hook-state", MFD_CLOEXEC);
	size_t len = strlen(state_json);
	if (fd < 0)
		return -errno;
	if (write(fd, state_json, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) < 0) {
		int e = errno ? errno : EIO;
		close(fd);
		return -e;
	}
	return fd;
}

static void __attribute__((noreturn)) exec_hook(const struct alc_hook *h, int in, int out)
{
	static char *const no_env[] = { NULL };
	char *argv0[] = { h->path, NULL };
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	syscall(SYS_close_range, 3, ~0U, 0); /* nothing of ours leaks into the hook */
	execve(h->path, h->n_args ? h->args : argv0, h->n_env ? h->env : no_env);
	dprintf(2, "exec: %s", strerror(errno));
	_exit(127);
}

/* Collects the hook's output and waits for it until the deadline (none
 * when timeout_s is 0); returns 0 with *status, or -ETIMEDOUT (killed). */
static int collect(pid_t pid, int out, int timeout_s, char *buf, size_t len, int *status)
{
	long deadline = timeout_s > 0 ? now_ms() + timeout_s * 1000L : 0;
	size_t used = 0;
	bool open_out = true;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			break;
		long left = deadline ? deadline - now_ms() : 1000;
		if (deadline && left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0); /* reaping what we just killed */
			return -ETIMEDOUT;
		}
		struct pollfd p = { .fd = open_out ? out : -1, .events = POLLIN };
		/* Output wakes us; exit is seen on the next short tick. */
		if (poll(&p, 1, (int)(left < 10 ? left : 10)) > 0) {
			char tmp[512];
			ssize_t n = read(out, tmp, sizeof(tmp));
			if (n <= 0)
				open_out = false;
			for (ssize_t i = 0; i < n && used + 1 < len; i++)
				buf[used++] = tmp[i] == '\n' ? ' ' : tmp[i];
		}
	}
	buf[used] = '\0';
	return 0;
}

static int run_one(const struct alc_hook *h, const char *state_json, const char *phase, size_t i,
		   alc_err *err)
{
	char what[300], output[200] = "";
	snprintf(what, sizeof(what), "%s hook %zu (%s)", phase, i, h->path);
	_cleanup_close_ int in = state_fd(state_json);
	int pipefd[2];
	if (in < 0)
		return alc_err_set(err, -in, "%s: state for stdin", what);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return alc_err_set(err, errno, "%s: pipe", what);
	pid_t pid = fork();
	if (pid == 0)
		exec_hook(h, in, pipefd[1]);
	close(pipefd[1]);
	_cleanup_close_ int out = pipefd[0];
	if (pid < 0)
		return alc_err_set(err, errno, "%s: fork", what);
	int status = 0;
	if (collect(pid, out, h->timeout, output, sizeof(output), &status) < 0)
		return alc_err_setx(err, ETIMEDOUT, "%s: timed out after %d s (killed)", what,
				    h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return alc_err_setx(err, ECANCELED, "%s: killed by signal %d%s%s", what,
				    WTERMSIG(status), output[0] ? ": " : "", output);
	return alc_err_setx(err, ECANCELED, "%s: exited with status %d%s%s", what,
			    WEXITSTATUS(status), output[0] ? ": " : "", output);
}

int oci_hooks_run(const struct alc_hook *h, size_t n, const char *state_json,
		  const char *phase_name, alc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = run_one(&h[i], state_json, phase_name, i, err);
		if (r < 0)
			return r;
	}
	return 0;
}

char *oci_hooks_state(const struct alc_spec *spec, enum alc_hook_phase phase, pid_t host_pid)
{
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object *ann =
		spec->annotations_json ? json_tokener_parse(spec->annotations_json) : NULL;
	const char *status = phase == ALC_HOOK_CREATE_CONTAINER ? "creating" : "created";
	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(o, "id", json_object_new_string(spec->name ? spec->name : ""));
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "pid", json_object_new_int(host_pid));
	json_object_object_add(o, "bundle",
			       json_object_new_string(spec->bundle ? spec->bundle : ""));
	if (ann)
		json_object_object_add(o, "annotations", ann);
	const char *text = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *copy = text ? strdup(text) : NULL;
	json_object_put(o);
	return copy;
}

int oci_hooks_run_in_container(const struct alc_spec *spec, enum alc_hook_phase phase,
			       pid_t host_pid, alc_err *err)
{
	if (!spec->n_hooks[phase])
		return 0;
	_cleanup_free_ char *json = oci_hooks_state(spec, phase, host_pid);
	if (!json)
		return alc_err_set(err, ENOMEM, "%s hooks: state", oci_hook_phase_name(phase));
	return oci_hooks_run(spec->hooks[phase], spec->n_hooks[phase], json,
			     oci_hook_phase_name(phase), err);
}

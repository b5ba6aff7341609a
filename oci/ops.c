/* kill, pause/resume, update and ps on a container, and the helpers the
 * OCI commands share (signals, pid files, preserved fds, hooks, waiting). */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "config.h"
#include "fileio.h"
#include "units.h"

#if __has_include("hooks.h")
#include "hooks.h"
#define ALC_HAVE_OCI_HOOKS 1
#endif

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },	 { "INT", SIGINT },   { "QUIT", SIGQUIT },     { "ILL", SIGILL },
	{ "TRAP", SIGTRAP },	 { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },
	{ "FPE", SIGFPE },	 { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },	 { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP },	 { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
	{ "XCPU", SIGXCPU },	 { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH },	 { "IO", SIGIO },     { "POLL", SIGPOLL },     { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int oci_signal_parse(const char *s, int *sig)
{
	int64_t n;
	if (alc_parse_int(s, 1, _NSIG - 1, &n) == 0) {
		*sig = (int)n;
		return 0;
	}
	const char *name = strncasecmp(s, "SIG", 3) ? s : s + 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(*signals); i++)
		if (!strcasecmp(name, signals[i].name)) {
			*sig = signals[i].sig;
			return 0;
		}
	if (!strncasecmp(name, "RTMIN+", 6) &&
	    alc_parse_int(name + 6, 0, SIGRTMAX - SIGRTMIN, &n) == 0) {
		*sig = SIGRTMIN + (int)n;
		return 0;
	}
	return -EINVAL;
}

/* Takes id's lock and loads its state, which must be live (created,
 * running or paused); returns the lock fd (the caller closes it) or -errno,
 * with nothing held. */
static int lock_live(const char *root, const char *id, struct oci_state *st, alc_err *err)
{
	int lock = oci_state_lock(root, id, false, err);
	if (lock < 0)
		return lock;
	int r = oci_state_load(root, id, st, err);
	if (r == 0 && (st->status == OCI_STOPPED || st->status == OCI_CREATING)) {
		r = alc_err_setx(err, ESRCH, "container \"%s\" is %s", id,
				 oci_status_name(st->status));
		oci_state_free(st);
	}
	if (r < 0) {
		close(lock);
		return r;
	}
	return lock;
}

static int open_cgroup(const struct oci_state *st, struct alc_cgroup *cg, alc_err *err)
{
	if (!st->cgroup_path)
		return alc_err_setx(err, ENOENT, "container \"%s\" has no cgroup", st->id);
	return alc_cgroup_open(cg, NULL, st->cgroup_path, err);
}

static void close_cgroup(struct alc_cgroup *cg)
{
	for (int h = 0; h < ALC_H_COUNT; h++)
		if (cg->fd[h] >= 0)
			close(cg->fd[h]);
}

bool oci_cgroup_frozen(const char *rel)
{
	char v2[256], path[768];
	_cleanup_free_ char *text = NULL;
	if (strstr(rel, ".."))
		return false;
	/* Only the freezer's file: opening the group in every hierarchy, as
	 * alc_cgroup_open does, cost start and state a dozen opens. */
	enum alc_cg_layout layout = alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2));
	if (layout == ALC_CG_V2 || layout == ALC_CG_HYBRID) {
		snprintf(path, sizeof(path), "%s/%s/cgroup.freeze", v2, rel);
		if (alc_read_file_at(AT_FDCWD, path, &text) > 0)
			return text[0] == '1';
	}
	free(text);
	text = NULL;
	snprintf(path, sizeof(path), "/sys/fs/cgroup/freezer/%s/freezer.state", rel);
	return layout != ALC_CG_V2 && alc_read_file_at(AT_FDCWD, path, &text) > 0 &&
	       !strncmp(text, "FROZEN", 6);
}

/* Signals the init through a pidfd taken after checking its start time,
 * so a recycled pid is never signalled. */
static int signal_init(const struct oci_state *st, int sig, alc_err *err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (pidfd < 0 && errno != ENOSYS)
		return alc_err_set(err, errno, "container \"%s\": pid %d", st->id, (int)st->pid);
	if (!oci_pid_matches(st->pid, st->pid_start))
		return alc_err_setx(err, ESRCH, "container \"%s\" is not running", st->id);
	long r = pidfd >= 0 ? syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0)
			    : kill(st->pid, sig);
	return r < 0 ? alc_err_set(err, errno, "kill %d", (int)st->pid) : 0;
}

int oci_kill(const char *root, const char *id, int sig, bool all, alc_err *err)
{
	struct oci_state st;
	_cleanup_close_ int lock = lock_live(root, id, &st, err);
	if (lock < 0)
		return lock;
	int r = 0;
	if (all && st.cgroup_path) {
		struct alc_cgroup cg;
		r = open_cgroup(&st, &cg, err);
		if (r == 0) {
			r = alc_cgroup_kill(&cg, sig, err);
			close_cgroup(&cg);
		}
	} else {
		r = signal_init(&st, sig, err);
	}
	oci_state_free(&st);
	return r;
}

int oci_pause(const char *root, const char *id, bool pause, alc_err *err)
{
	struct oci_state st;
	_cleanup_close_ int lock = lock_live(root, id, &st, err);
	if (lock < 0)
		return lock;
	int r = 0;
	enum oci_status want = pause ? OCI_RUNNING : OCI_PAUSED;
	struct alc_cgroup cg;
	if (st.status != want)
		r = alc_err_setx(err, EINVAL, "container \"%s\" is %s: %s needs it %s", id,
				 oci_status_name(st.status), pause ? "pause" : "resume",
				 oci_status_name(want));
	else if ((r = open_cgroup(&st, &cg, err)) == 0) {
		r = alc_cgroup_freeze(&cg, pause, err);
		close_cgroup(&cg);
	}
	if (r == 0) {
		st.status = pause ? OCI_PAUSED : OCI_RUNNING;
		r = oci_state_save(root, &st, err);
	}
	oci_state_free(&st);
	return r;
}

int oci_resources_parse(const char *text, const char *source, struct alc_resources *res,
			alc_err *err)
{
	/* The config parser owns linux.resources: wrap the object in a config. */
	static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},"
				   "\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
				   "\"linux\":{\"resources\":";
	size_t len = strlen(text);
	_cleanup_free_ char *wrapped = malloc(sizeof(head) + len + 4);
	if (!wrapped)
		return alc_err_set(err, ENOMEM, "%s", source);
	snprintf(wrapped, sizeof(head) + len + 4, "%s%s\n}}", head, text);
	struct alc_spec spec;
	int r = oci_config_parse(wrapped, source, &spec, err);
	if (r < 0)
		return r;
	*res = spec.res;
	memset(&spec.res, 0, sizeof(spec.res)); /* res now owns the strings */
	alc_spec_free(&spec);
	return 0;
}

int oci_update(const char *root, const char *id, const struct alc_resources *res, alc_err *err)
{
	struct oci_state st;
	_cleanup_close_ int lock = lock_live(root, id, &st, err);
	if (lock < 0)
		return lock;
	int r = 0;
	struct alc_cgroup cg;
	if ((r = open_cgroup(&st, &cg, err)) == 0) {
		r = alc_cgroup_update(&cg, res, err);
		close_cgroup(&cg);
	}
	oci_state_free(&st);
	return r;
}

int oci_ps(const char *root, const char *id, pid_t **pids, size_t *n, alc_err *err)
{
	struct oci_state st;
	*pids = NULL;
	*n = 0;
	int r = oci_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	struct alc_cgroup cg;
	if (st.cgroup_path && alc_cgroup_open(&cg, NULL, st.cgroup_path, NULL) == 0) {
		r = alc_cgroup_pids(&cg, pids, n);
		if (r < 0)
			alc_err_set(err, -r, "read %s/cgroup.procs", st.cgroup_path);
		close_cgroup(&cg);
	}
	oci_state_free(&st);
	return r;
}

int oci_write_pid_file(const char *path, pid_t pid, alc_err *err)
{
	char text[24];
	snprintf(text, sizeof(text), "%d", (int)pid);
	return oci_write_atomic(path, text, 0644, err);
}

int oci_preserve_fds(struct alc_spec *spec, unsigned extra)
{
	const char *lf = getenv("LISTEN_FDS");
	int64_t listen = 0;
	char kv[48];
	if (lf && alc_parse_int(lf, 1, 4096, &listen) == 0) {
		snprintf(kv, sizeof(kv), "LISTEN_FDS=%d", (int)listen);
		if (alc_spec_setenv(spec, kv) < 0 || alc_spec_setenv(spec, "LISTEN_PID=1") < 0)
			return -ENOMEM;
	}
	spec->process.preserve_fds = (unsigned)listen + extra;
	return (int)spec->process.preserve_fds;
}

int oci_run_hooks(const struct alc_spec *spec, enum alc_hook_phase phase,
		  const struct oci_state *st, alc_err *err)
{
	static const char *const names[] = { "prestart",       "createRuntime", "createContainer",
					     "startContainer", "poststart",	"poststop" };
	if (!spec->n_hooks[phase])
		return 0;
#ifdef ALC_HAVE_OCI_HOOKS
	_cleanup_free_ char *json = oci_state_json(st);
	if (!json)
		return alc_err_set(err, ENOMEM, "%s hooks", names[phase]);
	return oci_hooks_run(spec->hooks[phase], spec->n_hooks[phase], json, names[phase], err);
#else
	(void)st;
	/* HOOKS: oci-sec's oci/hooks.c is not in this build yet. */
	return alc_err_setx(err, ENOTSUP, "%s hooks: this build has no hook runner", names[phase]);
#endif
}

int oci_wait_forward(pid_t pid)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(*fwd); i++)
		sigaddset(&mask, fwd[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	_cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, sfd >= 0 ? WNOHANG : 0);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		struct signalfd_siginfo si;
		if (sfd >= 0 && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
		    si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo); /* it may be gone already */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* exec: a new process inside a running container, through core/join. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fileio.h"
#include "join.h"
#include "pty.h"
#include "units.h"

static int parse_user(const char *s, struct alc_process *p, alc_err *err)
{
	int64_t uid, gid = 0;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (alc_parse_int(buf, 0, UINT32_MAX - 1, &uid) < 0 ||
	    (colon && alc_parse_int(colon + 1, 0, UINT32_MAX - 1, &gid) < 0))
		return alc_err_setx(err, EINVAL, "--user %s: want UID[:GID] (numbers)", s);
	p->uid = (uid_t)uid;
	p->gid = (gid_t)gid;
	return 0;
}

/* The process to run: -p's process object, or the container's own process
 * with the arguments and flags in place of its own. */
static int exec_spec(const struct oci_state *st, const struct oci_exec_opts *o,
		     struct alc_spec *spec, alc_err *err)
{
	int r = oci_config_load(st->bundle, spec, err);
	if (r < 0)
		return r;
	/* The container's session keyring, found by its name (runc's exec
	 * joins it too). */
	if (asprintf(&spec->keyring, OCI_KEYRING_FMT, st->id) < 0) {
		spec->keyring = NULL;
		alc_spec_free(spec);
		return -ENOMEM;
	}
	if (o->process_json) {
		_cleanup_free_ char *text = NULL;
		long n = alc_read_file_at(AT_FDCWD, o->process_json, &text);
		r = n < 0 ? alc_err_set(err, (int)-n, "read %s", o->process_json)
			  : oci_process_parse(text, o->process_json, spec, err);
	} else {
		for (size_t i = 0; i < spec->process.n_args; i++)
			free(spec->process.args[i]);
		free(spec->process.args);
		spec->process.args = NULL;
		spec->process.n_args = 0;
		for (size_t i = 0; r == 0 && i < o->n_args; i++)
			r = alc_strv_add(&spec->process.args, &spec->process.n_args, o->args[i]);
		spec->terminal = o->tty;
	}
	for (size_t i = 0; r == 0 && i < o->n_env; i++)
		r = alc_spec_setenv(spec, o->env[i]);
	if (r == 0 && o->cwd) {
		free(spec->process.cwd);
		r = (spec->process.cwd = strdup(o->cwd)) ? 0 : -ENOMEM;
	}
	if (r == 0 && o->user)
		r = parse_user(o->user, &spec->process, err);
	if (r == 0 && (r = oci_preserve_fds(spec, o->preserve_fds)) > 0)
		r = 0;
	if (r == 0 && spec->process.n_args == 0)
		r = alc_err_setx(err, EINVAL, "exec: no command given");
	if (r == 0 && spec->terminal && !o->console_socket && o->detach)
		r = alc_err_setx(err, EINVAL, "a detached terminal (--tty) needs --console-socket");
	if (r < 0 && !err->code)
		alc_err_set(err, -r, "exec");
	if (r < 0)
		alc_spec_free(spec);
	return r;
}

/* Joins the container; with a terminal but no console socket, *master
 * gets the pty master for the foreground proxy. */
static int join(const struct oci_state *st, const struct oci_exec_opts *o, struct alc_spec *spec,
		struct alc_child *child, int *master, alc_err *err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (pidfd < 0)
		return alc_err_set(err, errno, "pidfd_open %d (exec needs Linux >= 5.8)",
				   (int)st->pid);
	if (!oci_pid_matches(st->pid, st->pid_start))
		return alc_err_setx(err, ESRCH, "container \"%s\" is not running", st->id);
	_cleanup_close_ int console = -1, local = -1;
	if (spec->terminal && o->console_socket &&
	    (console = alc_pty_connect(o->console_socket, err)) < 0)
		return console;
	if (spec->terminal && !o->console_socket) {
		int sv[2];
		int r = oci_console_pair(sv, err);
		if (r < 0)
			return r;
		local = sv[0];
		console = sv[1];
	}
	struct alc_cgroup cg;
	bool has_cg = st->cgroup_path && alc_cgroup_open(&cg, NULL, st->cgroup_path, NULL) == 0;
	int joined = 0; /* namespaces the init joined by path: it is in them too */
	for (size_t i = 0; i < spec->n_ns_join; i++)
		joined |= spec->ns_join[i].type;
	struct alc_join j = { .pidfd = pidfd,
			      .ns_flags = spec->ns_flags | joined,
			      .cg = has_cg ? &cg : NULL,
			      .console_fd = console };
	/* The process joins the container's namespaces: none is made anew. */
	spec->ns_flags &= ~CLONE_NEWCGROUP;
	int r = alc_join_spawn(spec, &j, child, err);
	if (r == 0 && local >= 0 && (*master = alc_pty_recv_fd(local, err)) < 0) {
		r = *master;
		kill(child->pid, SIGKILL);
		waitpid(child->pid, NULL, 0); /* reaping what we just killed */
	}
	for (int h = 0; has_cg && h < ALC_H_COUNT; h++)
		if (cg.fd[h] >= 0)
			close(cg.fd[h]);
	return r;
}

int oci_exec(const char *root, const char *id, const struct oci_exec_opts *o, int *exit_code,
	     alc_err *err)
{
	struct oci_state st;
	struct alc_spec spec;
	struct alc_child child = { .pid = -1, .sock = -1, .exit_code = 125 };
	_cleanup_close_ int master = -1;
	*exit_code = 125;
	int r;
	{
		_cleanup_close_ int lock = oci_state_lock(root, id, false, err);
		if (lock < 0)
			return lock;
		if ((r = oci_state_load(root, id, &st, err)) < 0)
			return r;
	}
	if (st.status != OCI_RUNNING && st.status != OCI_CREATED)
		r = alc_err_setx(err, EINVAL, "container \"%s\" is %s: exec needs it running", id,
				 oci_status_name(st.status));
	else if ((r = exec_spec(&st, o, &spec, err)) == 0) {
		r = join(&st, o, &spec, &child, &master, err);
		alc_spec_free(&spec);
	}
	oci_state_free(&st);
	if (r < 0) {
		*exit_code = child.exit_code;
		return r;
	}
	if (o->pid_file && (r = oci_write_pid_file(o->pid_file, child.pid, err)) < 0)
		return r;
	*exit_code = o->detach	   ? 0
		     : master >= 0 ? oci_console_proxy(master, child.pid)
				   : oci_wait_forward(child.pid);
	return 0;
}

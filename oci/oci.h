/* The OCI runtime's commands over the state store: create (a parked
 * process), start, kill, delete, run, pause/resume, update, ps and the
 * helpers they share. The CLI parses flags and prints; these do the work. */
#ifndef ALC_OCI_OCI_H
#define ALC_OCI_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"
#include "state.h"

#define OCI_EXEC_FIFO "exec.fifo"
/* The name of a container's session keyring (unless --no-new-keyring). */
#define OCI_KEYRING_FMT "alcove:%s"
/* The v1 hierarchies every container joins beyond its limits' (on hybrid
 * and v1 hosts): where containerd's shim and podman read CPU, memory and
 * pids statistics. Others are joined when a limit or update needs them. */
#define OCI_V1_STATS                                                                               \
	((1u << ALC_H_CPU) | (1u << ALC_H_CPUACCT) | (1u << ALC_H_MEMORY) | (1u << ALC_H_PIDS))

struct oci_create_opts {
	const char *bundle;	    /* "." when NULL */
	const char *pid_file;	    /* NULL: none */
	const char *console_socket; /* NULL: none; required with process.terminal */
	unsigned preserve_fds;	    /* on top of $LISTEN_FDS */
	bool no_pivot, no_new_keyring;
	bool use_console_fd; /* internal (run in the foreground): the pty */
	int console_fd;	     /* master goes to this connected socket */
};

/* Creates container id under root from the bundle: cgroup, process set up
 * and parked before exec, state "created", prestart and createRuntime hooks,
 * then the pid file. On failure nothing is left. Returns 0 or -errno; after
 * 0 the caller must exit soon, touching no more memory than it needs to:
 * the parked process may share this address space and still read its
 * spec from it, and the state lock is held until the exit. */
int oci_create(const char *root, const char *id, const struct oci_create_opts *o, alc_err *err);

/* Lets a created container's process exec, then runs poststart hooks;
 * returns 0 or -errno (-EINVAL: not in the created state). */
int oci_start(const char *root, const char *id, alc_err *err);

/* Create, start and (unless detach) wait, then delete; *exit_code gets the
 * process's status (128+signal when killed). Returns 0 or -errno. */
int oci_run(const char *root, const char *id, const struct oci_create_opts *o, bool detach,
	    int *exit_code, alc_err *err);

/* Kills what runs (only with force if running or paused), removes the
 * cgroup, runs poststop hooks and removes the state; returns 0 or -errno. */
int oci_delete(const char *root, const char *id, bool force, alc_err *err);

/* Sends sig to the container's init, or with all to every process of its
 * cgroup; returns 0 or -errno (-ESRCH: not running). */
int oci_kill(const char *root, const char *id, int sig, bool all, alc_err *err);

/* Freezes (pause) or thaws (resume) the container's cgroup; returns 0 or
 * -errno. */
int oci_pause(const char *root, const char *id, bool pause, alc_err *err);

/* Writes new limits (fields set in res) to the container's cgroup; returns
 * 0 or -errno. */
int oci_update(const char *root, const char *id, const struct alc_resources *res, alc_err *err);

/* Parses a runc `update --resources` JSON (an OCI linux.resources object)
 * into res; returns 0 or -EINVAL naming the field. */
int oci_resources_parse(const char *text, const char *source, struct alc_resources *res,
			alc_err *err);

/* Lists the pids in the container's cgroup (caller frees); returns 0 or
 * -errno. */
int oci_ps(const char *root, const char *id, pid_t **pids, size_t *n, alc_err *err);

/* Parses a Go-style duration ("5s", "500ms", "1m30s"; units ms, s, m, h)
 * into milliseconds, 1 ms to 24 h; returns 0 or -EINVAL. Pure. */
int oci_parse_duration_ms(const char *text, uint64_t *ms);

/* Prints the container's cgroup statistics as runc's events do, one JSON
 * line: once, or every interval_ms (with "oom" lines for new OOM kills)
 * until the container's init exits; returns 0 or -errno (-ESRCH: not
 * running). */
int oci_events(const char *root, const char *id, bool once, uint64_t interval_ms, FILE *out,
	       alc_err *err);

/* The index of the whitespace-separated field that reads PID in a ps(1)
 * header, or -1. Pure. */
int oci_ps_pid_column(const char *header);

/* Runs the host's ps with args (-ef when nargs is 0) and writes its header
 * and the lines whose PID column is one of pids to out; returns 0 or
 * -errno (no ps program, ps failing, no PID column). */
int oci_ps_table(const pid_t *pids, size_t n, char *const *args, int nargs, FILE *out,
		 alc_err *err);

struct oci_exec_opts {
	const char *process_json; /* -p FILE: an OCI process object; else args */
	char **args;
	size_t n_args;
	char **env; /* "K=V" added to the container's environment */
	size_t n_env;
	const char *cwd, *user; /* user: "UID[:GID]" */
	bool tty, detach;
	const char *pid_file, *console_socket;
	unsigned preserve_fds;
};

/* Runs a new process in a running container (its namespaces and cgroup);
 * with detach returns once it has exec'd, else waits and sets *exit_code
 * to its status. Returns 0 or -errno (*exit_code 125/126/127). */
int oci_exec(const char *root, const char *id, const struct oci_exec_opts *o, int *exit_code,
	     alc_err *err);

/* Parses a signal as a number, "TERM" or "SIGTERM" (any case); returns 0
 * or -EINVAL. */
int oci_signal_parse(const char *s, int *sig);

/* Reads /proc/PID/stat's start time and state letter; returns 0 or -errno. */
int oci_pid_start_time(pid_t pid, uint64_t *start, char *state);

/* Whether pid is alive (not a zombie) and started at start. */
bool oci_pid_matches(pid_t pid, uint64_t start);

/* Whether the cgroup rel is frozen (cgroup.freeze or the v1 freezer). */
bool oci_cgroup_frozen(const char *rel);

/* Writes text to path atomically (temp file, rename: readers see the old or
 * the new text; not synced, a host crash may lose the last write); returns
 * 0 or -errno. */
int oci_write_atomic(const char *path, const char *text, mode_t mode, alc_err *err);

/* Writes pid to path atomically, as runc does (no newline); returns 0 or
 * -errno. */
int oci_write_pid_file(const char *path, pid_t pid, alc_err *err);

/* Adds $LISTEN_FDS (socket activation, as runc passes it on) to the
 * preserved fds and LISTEN_FDS/LISTEN_PID=1 to the process environment;
 * returns the total number of fds past stdio to pass, or -ENOMEM. */
int oci_preserve_fds(struct alc_spec *spec, unsigned extra);

/* Runs the hooks of one phase with the state on their stdin; returns 0 or
 * -errno. */
int oci_run_hooks(const struct alc_spec *spec, enum alc_hook_phase phase,
		  const struct oci_state *st, alc_err *err);

/* Makes the socketpair a foreground terminal's master comes back on;
 * returns 0 or -errno. */
int oci_console_pair(int sv[2], alc_err *err);

/* Copies between our stdin/stdout (raw, when a tty) and the pty master,
 * forwarding signals and window size changes, until our child pid exits;
 * returns its exit code (128+signal when killed). */
int oci_console_proxy(int master, pid_t pid);

/* Waits for our child pid, forwarding the signals sent to us; returns its
 * exit code (128+signal when killed). */
int oci_wait_forward(pid_t pid);

#endif

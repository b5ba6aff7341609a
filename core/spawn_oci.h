/* The container process's side of a detached create (the OCI runtime):
 * its terminal, and parking on the exec FIFO until start. Internal to
 * core/spawn*.c. */
#ifndef ALC_SPAWN_OCI_H
#define ALC_SPAWN_OCI_H

#include "err.h"
#include "spec.h"

/* With spec->terminal and a console socket: allocates the pty in the
 * container's devpts, sends the master over console_fd and makes the slave
 * the controlling tty and stdio. Returns 0 or -errno. */
int alc_spawn_terminal(const struct alc_spec *spec, int console_fd, alc_err *err);

/* Finds the command as execvp would, in the process's own PATH; copies the
 * path to out. Returns 0 or -errno (-ENOENT: not found). */
int alc_spawn_resolve(const struct alc_spec *spec, char *out, size_t len);

/* Reports READY on sock, closes it and blocks opening the exec FIFO (an
 * O_PATH fd) for writing until start reads it, then execs. Never returns;
 * a failure after READY goes to the process's stderr. */
void alc_spawn_park_exec(const struct alc_spec *spec, int park_fd, int sock)
	__attribute__((noreturn));

/* The last steps before exec, for a process joining a container (exec):
 * cgroup namespace (if in spec->ns_flags), rlimits, credentials and
 * capabilities, no_new_privs, cwd, fds past the preserved ones closed on
 * exec. Returns 0 or -errno. */
int alc_spawn_child_credentials(const struct alc_spec *spec, alc_err *err);

#endif

/* The container process's side of a detached create (the OCI runtime):
 * its terminal, and parking on the exec FIFO until start. Internal to
 * core/spawn*.c. */
#ifndef ALC_SPAWN_OCI_H
#define ALC_SPAWN_OCI_H

#include "err.h"
#include "spawn.h"
#include "spec.h"

/* With spec->terminal and a console socket: allocates the pty in the
 * container's devpts (run after pivot_root, with the final credentials, so
 * the slave is the process user's), sends the master over console_fd and
 * makes the slave the controlling tty and stdio. Returns 0 or -errno. */
int alc_spawn_terminal(const struct alc_spec *spec, int console_fd, alc_err *err);

/* Finds the command as execvp would, in the process's own PATH; copies the
 * path to out. Returns 0 or -errno (-ENOENT: not found). */
int alc_spawn_resolve(const struct alc_spec *spec, char *out, size_t len);

/* Reports READY on sock (or the command missing from the container's PATH,
 * then exits), closes it and every fd past stdio and the preserved ones,
 * and blocks opening the exec FIFO (an O_PATH fd) for writing until start
 * reads it. Returns once released; exits on failure. */
void alc_spawn_park(const struct alc_spec *spec, int park_fd, int sock);

/* The last steps before exec, for a process joining a container (exec):
 * cgroup namespace (if in spec->ns_flags), rlimits, credentials and
 * capabilities, no_new_privs, cwd, fds past the preserved ones closed on
 * exec. Returns 0 or -errno. */
int alc_spawn_child_credentials(const struct alc_spec *spec, alc_err *err);

/* Opens the namespaces spec->ns_join names (linux.namespaces[].path) into
 * so->ns_fd; a pid namespace is entered for our children here (its fd goes
 * to *pid_ns, with our own in *own_pid_ns to return to). Joining a user
 * namespace by path is refused. Returns 0 or -errno. */
int alc_spawn_ns_open(const struct alc_spec *spec, struct alc_spawn_opts *so, int *own_pid_ns,
		      alc_err *err);

/* Leaves the pid namespace entered for our children and closes the fds. */
void alc_spawn_ns_close(struct alc_spawn_opts *so, int own_pid_ns);

/* In the child: joins each opened namespace; returns 0 or -errno. */
int alc_spawn_ns_join(const struct alc_spawn_opts *so, alc_err *err);

#endif

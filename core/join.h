/* Joining a running container (OCI exec): a new process forked straight
 * into the container's cgroup (clone3 CLONE_INTO_CGROUP) and pid namespace,
 * which enters the other namespaces through a pidfd of the container's init
 * (setns(pidfd, flags), kernel >= 5.8), takes the spec's credentials,
 * rlimits, cwd and environment, and execs. */
#ifndef ALC_JOIN_H
#define ALC_JOIN_H

#include "cgroup.h"
#include "err.h"
#include "spawn.h"
#include "spec.h"

struct alc_join {
	int pidfd;	       /* pidfd of the container's init */
	int ns_flags;	       /* CLONE_NEW* namespaces to join */
	struct alc_cgroup *cg; /* the container's groups; NULL: none */
	int console_fd;	       /* with spec->terminal: where the pty master goes; -1 */
};

/* Forks the process and lets it exec; returns 0 with child->pid set once
 * exec happened, or -errno with err holding the reason and child->exit_code
 * 125 (setup), 126 (cannot invoke) or 127 (not found); the failed process
 * is reaped. */
int alc_join_spawn(const struct alc_spec *spec, const struct alc_join *j, struct alc_child *child,
		   alc_err *err);

#endif

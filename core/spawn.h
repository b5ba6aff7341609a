/* Spawning the container process: clone3(CLONE_INTO_CGROUP | namespaces)
 * or the fallback (clone, then a cgroup.procs write), uid/gid maps and v1
 * placement by the parent, setup inside by the child, which then waits for
 * start before exec. A SOCK_SEQPACKET pair carries the handshake; the
 * child's end is close-on-exec, so EOF means the exec happened. */
#ifndef ALC_SPAWN_H
#define ALC_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "err.h"
#include "spec.h"

struct alc_child {
	pid_t pid;
	int sock;	 /* parent's end of the handshake, -1 once started */
	bool via_clone3; /* placed by CLONE_INTO_CGROUP, not by cgroup.procs */
	int exit_code;	 /* when spawn failed in the child: 125, 126 or 127 */
};

/* Creates the container process in cg (cg may have no v2 group, or be NULL
 * for no cgroup) and returns once it is set up and parked before exec.
 * force_fallback skips clone3. Returns 0 or -errno; err has the child's own
 * message when it failed inside. */
int alc_spawn_create(const struct alc_spec *spec, struct alc_cgroup *cg, bool force_fallback,
		     struct alc_child *child, alc_err *err);

/* Lets the parked process exec; returns 0 once exec succeeded, or -errno
 * (-ENOENT: command not found, -EACCES/-ENOEXEC: cannot be invoked). */
int alc_spawn_start(struct alc_child *child, alc_err *err);

/* Runs in the child after clone: never returns (exec or _exit). */
void alc_spawn_child_main(const struct alc_spec *spec, int sock) __attribute__((noreturn));

/* Handshake messages. */
enum alc_spawn_msg_type { ALC_MSG_GO = 1, ALC_MSG_START, ALC_MSG_READY, ALC_MSG_ERROR };

struct alc_spawn_msg {
	int type;
	int err;       /* errno for ALC_MSG_ERROR */
	int exit_code; /* 125, 126 or 127 */
	char text[496];
};

#endif

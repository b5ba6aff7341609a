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
	void *vm_stack;	 /* shared address space (share_vm): the child's stack
			  * mapping, unmapped once it exec'd or was reaped */
	size_t vm_stack_len;
};

/* What a detached create (the OCI runtime) adds to a spawn. */
struct alc_spawn_opts {
	bool force_fallback;
	int park_fd;	/* O_PATH fd of an exec FIFO, or -1. Set: the process
			 * outlives its parent (no death signal) and, once READY,
			 * parks by opening the FIFO for writing; a reader (start)
			 * lets it exec. */
	int console_fd; /* connected console socket, or -1: with spec->terminal
			 * the pty master is sent there */
	bool share_vm;	/* clone with CLONE_VM (no copy of the address space)
			 * where the architecture allows; the caller then does
			 * nothing between the messages it sends and the next
			 * one it waits for, and with park_fd it exits once the
			 * process is parked, freeing nothing the spec holds */
	/* Filled by the spawn itself: the namespaces spec->ns_join names. */
	int ns_fd[8], ns_type[8];
	unsigned n_ns;
};

/* Like alc_spawn_clone, with the detached-create options (so may be NULL
 * for the defaults); returns 0 or -errno. */
int alc_spawn_clone_opts(const struct alc_spec *spec, struct alc_cgroup *cg,
			 const struct alc_spawn_opts *so, struct alc_child *child, alc_err *err);

/* Clones the container process into cg's v2 group (cg may have none, or be
 * NULL for no cgroup; force_fallback skips clone3), writes its id maps and
 * lets it set itself up; it parks before exec. Returns 0 or -errno. */
int alc_spawn_clone(const struct alc_spec *spec, struct alc_cgroup *cg, bool force_fallback,
		    struct alc_child *child, alc_err *err);

/* Whether the process reports ALC_MSG_PREPARED: when the spec has
 * prestart or createRuntime hooks, which run between its mounts and its
 * pivot_root. */
bool alc_spawn_reports_prepared(const struct alc_spec *spec);

/* Waits for ALC_MSG_PREPARED; returns 0 or -errno with err holding the
 * child's own message when its setup failed (the process is then reaped). */
int alc_spawn_wait_prepared(struct alc_child *child, alc_err *err);

/* Waits until the process is set up and parked; returns 0 or -errno, with
 * err holding the child's own message when its setup failed (the process
 * is then reaped). */
int alc_spawn_wait_ready(struct alc_child *child, alc_err *err);

/* Kills and reaps the process, closes the handshake; returns r. */
int alc_spawn_abort(struct alc_child *child, int r);

/* Whether this build can clone a child that shares the address space
 * (share_vm): x86_64 and aarch64, not under a sanitizer. */
bool alc_spawn_vm_supported(void);

/* Unmaps a shared-address-space child's stack: call once it has exec'd or
 * been reaped (no-op otherwise). */
void alc_spawn_release_vm(struct alc_child *child);

/* Lets the parked process exec; returns 0 once exec succeeded, or -errno
 * (-ENOENT: command not found, -EACCES/-ENOEXEC: cannot be invoked). */
int alc_spawn_start(struct alc_child *child, alc_err *err);

/* Runs in the child after clone: never returns (exec or _exit). */
void alc_spawn_child_main(const struct alc_spec *spec, const struct alc_spawn_opts *so, int sock)
	__attribute__((noreturn));

/* Handshake messages. */
enum alc_spawn_msg_type {
	ALC_MSG_GO = 1,	  /* parent -> child: maps written, set up the mounts */
	ALC_MSG_PLACED,	  /* parent -> child: in every cgroup, take final credentials */
	ALC_MSG_START,	  /* parent -> child: exec */
	ALC_MSG_READY,	  /* child -> parent: parked before exec */
	ALC_MSG_ERROR,	  /* child -> parent: setup or exec failed */
	ALC_MSG_PREPARED, /* child -> parent: mounts prepared, pivot_root pending
			   * (sent only when alc_spawn_reports_prepared) */
};

struct alc_spawn_msg {
	int type;
	int err;       /* errno for ALC_MSG_ERROR */
	int exit_code; /* 125, 126 or 127 */
	char text[496];
};

#endif

/* OCI hooks: each one run with the container's state JSON on stdin, its
 * own argv and environment, and a timeout; the first failure stops the
 * phase with an error naming the hook and the phase. The runtime's phases
 * (prestart, createRuntime, poststart, poststop) are run by the OCI
 * commands; createContainer and startContainer by the container process
 * (oci_hooks_run_in_container, from core/spawn_child.c). */
#ifndef ALC_OCI_HOOKS_H
#define ALC_OCI_HOOKS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

/* The spec's name for a phase: "prestart", "createRuntime", ... */
const char *oci_hook_phase_name(enum alc_hook_phase phase);

/* Runs hooks h[0..n) in order; returns 0, or -errno with err naming the
 * hook path and phase (non-zero exit, signal, timeout: killed, or exec
 * failure) and the start of what it wrote. */
int oci_hooks_run(const struct alc_hook *h, size_t n, const char *state_json,
		  const char *phase_name, alc_err *err);

/* Renders the runtime-spec state for a container process that runs its own
 * hooks (status "creating" before pivot_root, "created" after; host_pid
 * its pid in the runtime's namespace); returns a malloc'd string or NULL. */
char *oci_hooks_state(const struct alc_spec *spec, enum alc_hook_phase phase, pid_t host_pid);

/* Runs spec->hooks[phase] from inside the container process; returns 0 or
 * -errno. */
int oci_hooks_run_in_container(const struct alc_spec *spec, enum alc_hook_phase phase,
			       pid_t host_pid, alc_err *err);

#endif

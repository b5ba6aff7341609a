/* The OCI process fields the container process applies to itself between
 * clone and exec: the time namespace and its offsets, personality, the
 * AppArmor/SELinux exec label, and the seccomp filter; plus the parent's
 * oom_score_adj write. Each step has a fixed place in spawn_child.c. */
#ifndef ALC_CHILDSEC_H
#define ALC_CHILDSEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "seccomp_oci.h"
#include "spec.h"

/* What the child carries from one step to the next. */
struct alc_childsec {
	struct alc_seccomp_prog seccomp; /* compiled before start, loaded after */
	bool has_apparmor, has_selinux;	 /* the kernel's LSMs, seen before pivot_root */
	pid_t host_pid;			 /* our pid in the runtime's pid namespace */
};

/* True when the spec asks for a time namespace (namespaces or offsets). */
bool alc_childsec_wants_timens(const struct alc_spec *spec);

/* Formats the timens_offsets text for the spec's offsets into buf;
 * returns its length. Pure. */
int alc_timens_offsets_text(const struct alc_spec *spec, char *buf, size_t len);

/* Parent side, before the child sets up: writes oom_score_adj into
 * /proc/PID; returns 0 or -errno. */
int alc_childsec_parent(const struct alc_spec *spec, pid_t pid, alc_err *err);

/* Notes which LSMs the kernel runs when the spec sets a label (for a
 * process that joins a container, where alc_childsec_early does not run). */
void alc_childsec_detect(const struct alc_spec *spec, struct alc_childsec *cs);

/* First step, with the host's /proc still visible (root of the user
 * namespace already): notes our host pid and the LSMs, then enters a new
 * time namespace with the offsets written. Returns 0 or -errno. */
int alc_childsec_early(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err);

/* After pivot_root and before capabilities are dropped: personality, the
 * LSM exec label (logged and skipped without that LSM), the seccomp filter
 * compiled, and loaded now when no_new_privs is off (loading then needs
 * CAP_SYS_ADMIN). Returns 0 or -errno. */
int alc_childsec_precaps(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err);

/* Last step before execve: loads the filter under no_new_privs. Makes only
 * the seccomp(2) call. Returns 0 or -errno. */
int alc_childsec_final(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err);

#endif

/* Seccomp: the OCI linux.seccomp profile compiled into a classic BPF filter
 * with libseccomp, then loaded in the container process as late as it can
 * be (after the handshake, just before execve) so the filter never sees the
 * runtime's own setup. Without libseccomp (no HAVE_SECCOMP) a profile is
 * refused. */
#ifndef ALC_SECCOMP_OCI_H
#define ALC_SECCOMP_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "spec.h"

/* A compiled filter: the instructions and the SECCOMP_FILTER_FLAG_* set. */
struct alc_seccomp_prog {
	void *insns; /* struct sock_filter[len] */
	unsigned short len;
	unsigned flags;
};

/* Checks a profile without loading it (actions, architectures, flags,
 * comparisons); returns 0 or -EINVAL/-ENOTSUP with err naming the rule. */
int alc_seccomp_check(const struct alc_seccomp *sc, alc_err *err);

/* Compiles sc into out (free with alc_seccomp_prog_free); returns 0 or
 * -errno. Unknown syscall names are skipped, as other runtimes do. */
int alc_seccomp_compile(const struct alc_seccomp *sc, struct alc_seccomp_prog *out, alc_err *err);

/* Installs a compiled filter on the calling thread; needs no_new_privs or
 * CAP_SYS_ADMIN. Returns 0 or -errno. Makes no syscall but seccomp(2). */
int alc_seccomp_load(const struct alc_seccomp_prog *p, alc_err *err);

/* Frees what p owns and zeroes it. */
void alc_seccomp_prog_free(struct alc_seccomp_prog *p);

/* Compiles and loads sc in one step; returns 0 or -errno. */
int alc_seccomp_apply(const struct alc_seccomp *sc, alc_err *err);

/* Whether profiles can be applied here (built with libseccomp and the kernel
 * has filters); fills detail (may be NULL) with a one-line reason. */
bool alc_seccomp_supported(char *detail, size_t len);

#endif

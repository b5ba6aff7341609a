/* A container's own session keyring (as runc gives one): the process joins
 * a keyring named after the container instead of inheriting its caller's,
 * so containers share no keys with the host's session or each other. */
#ifndef ALC_KEYRING_H
#define ALC_KEYRING_H

#include "err.h"

/* Makes the calling process join the session keyring named name (created
 * when no keyring of that name is found), with its possessor and owner
 * allowed to use it. A kernel without keyrings (ENOSYS) is not an error.
 * Returns 0 or -errno. */
int alc_keyring_join(const char *name, alc_err *err);

#endif

/* Capabilities through libcap: names to numbers, and applying the five sets
 * (bounding, effective, permitted, inheritable, ambient) with the uid/gid
 * change in between, in the order the kernel requires. */
#ifndef ALC_CAPS_H
#define ALC_CAPS_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

/* Parses "CAP_NET_ADMIN", "net_admin" (any case) into a capability number;
 * returns 0, or -EINVAL for a name the kernel or libcap does not know. */
int alc_cap_from_name(const char *name, int *cap);

/* Returns the mask of every capability the running kernel knows. */
uint64_t alc_cap_all(void);

/* In the container process: drops the bounding set to caps[BOUNDING], sets
 * supplementary groups (unless skip_groups), gid and uid keeping
 * capabilities, then sets effective/permitted/inheritable and raises the
 * ambient ones. Returns 0 or -errno with err naming the step. */
int alc_caps_apply(const struct alc_process *p, int skip_groups, alc_err *err);

#endif

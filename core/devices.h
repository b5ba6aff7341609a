/* Device nodes in the container's /dev (linux.devices and the default
 * ones), and the device access rules (linux.resources.devices): the
 * effective rule list, written to the v1 devices cgroup or compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program on the v2 group (bpfdev.h). */
#ifndef ALC_DEVICES_H
#define ALC_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"
#include "err.h"
#include "spec.h"

/* The nodes every container gets: null, zero, full, random, urandom, tty. */
extern const struct alc_device alc_default_devices[];
extern const size_t alc_n_default_devices;

/* Makes each node inside the rootfs at rootfd, replacing what is there:
 * mknod with its mode and owner, or, in a user namespace or where mknod is
 * refused, a bind mount of the host's node at the same path. Returns 0 or
 * -errno with err naming the path. Runs in the container process. */
int alc_devices_create(int rootfd, const struct alc_device *devs, size_t n, bool in_userns,
		       alc_err *err);

/* The rules to enforce, in order (the last match wins, no match denies):
 * the spec's rules up to its last rule covering every device, then the
 * default allowances (mknod of anything; the standard nodes, ptys, tun) and
 * the spec's linux.devices nodes, then the rest of the spec's rules.
 * Returns the count (caller frees *out) or -ENOMEM. Pure. */
int alc_devrules_effective(const struct alc_spec *spec, struct alc_dev_rule **out);

/* Formats a rule as the v1 devices cgroup reads it ("c 1:3 rw", "a");
 * returns buf. Pure. */
const char *alc_devrule_v1_line(const struct alc_dev_rule *r, char *buf, size_t len);

/* Enforces the spec's device rules on the container's group: the v1
 * devices hierarchy when the host has one, else a BPF program on the v2
 * group. Does nothing without rules. Returns 0 or -errno. Runs in the
 * runtime before the process is placed and released. On v1 the kernel
 * keeps a list, not an order: a deny removes only the exception it names
 * exactly, so a wildcard deny after specific allows narrows nothing (the
 * BPF program applies last-match-wins exactly). */
int alc_devcg_apply(struct alc_cgroup *cg, const struct alc_spec *spec, alc_err *err);

#endif

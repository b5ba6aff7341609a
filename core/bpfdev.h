/* The v2 device controller: a BPF_PROG_TYPE_CGROUP_DEVICE program generated
 * from a device rule list (last match wins, default deny) and attached to a
 * cgroup with BPF_F_ALLOW_MULTI through bpf(2). */
#ifndef ALC_BPFDEV_H
#define ALC_BPFDEV_H

#include <linux/bpf.h>
#include <stddef.h>

#include "err.h"
#include "spec.h"

/* Writes the program for rules into out (room for max instructions);
 * returns the instruction count or -E2BIG. Pure. */
int alc_bpfdev_gen(const struct alc_dev_rule *rules, size_t n, struct bpf_insn *out, size_t max);

/* Loads the program for rules and attaches it to the v2 cgroup directory
 * cgfd; returns 0 or -errno with the verifier's complaint in err. */
int alc_bpfdev_attach(int cgfd, const struct alc_dev_rule *rules, size_t n, alc_err *err);

#endif

/* Which cgroup hierarchies the running kernel offers (v2, hybrid, v1) and
 * pure parsers for cgroup.controllers and /proc/<pid>/cgroup text. */
#ifndef ALC_CGLAYOUT_H
#define ALC_CGLAYOUT_H

#include <stddef.h>

enum alc_cg_layout {
	ALC_CG_NONE,   /* no cgroup filesystem mounted */
	ALC_CG_V1,     /* only v1 controller hierarchies */
	ALC_CG_HYBRID, /* v1 controllers plus a v2 tree at <root>/unified */
	ALC_CG_V2,     /* unified hierarchy at <root> */
};

enum alc_cg_ctrl {
	ALC_CTRL_CPUSET = 1u << 0,
	ALC_CTRL_CPU = 1u << 1,
	ALC_CTRL_IO = 1u << 2,
	ALC_CTRL_MEMORY = 1u << 3,
	ALC_CTRL_HUGETLB = 1u << 4,
	ALC_CTRL_PIDS = 1u << 5,
	ALC_CTRL_RDMA = 1u << 6,
	ALC_CTRL_MISC = 1u << 7,
};
#define ALC_CTRL_COUNT 8

/* Returns the layout's name: "none", "v1", "hybrid" or "v2". */
const char *alc_cg_layout_name(enum alc_cg_layout layout);

/* Detects the layout under root (normally /sys/fs/cgroup) with statfs and
 * copies the v2 mount point (root or root/unified, "" if none) to v2. */
enum alc_cg_layout alc_cg_detect(const char *root, char *v2, size_t v2len);

/* Parses space-separated controller names into ALC_CTRL_* bits; unknown
 * names are skipped. Returns the bit mask. */
unsigned alc_cg_parse_controllers(const char *text);

/* Returns the controller name of one ALC_CTRL_* bit, or NULL. */
const char *alc_cg_ctrl_name(unsigned bit);

/* Formats the names of the bits in mask, space-separated, into buf;
 * returns buf. */
char *alc_cg_format_controllers(unsigned mask, char *buf, size_t len);

/* Finds the v2 entry ("0::/path") in /proc/<pid>/cgroup text and copies its
 * path to out; returns 0, -ENOENT without one, -ENAMETOOLONG if it won't fit. */
int alc_cg_parse_proc_cgroup(const char *text, char *out, size_t len);

#endif

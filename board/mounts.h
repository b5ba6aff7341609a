/* PID 1's first duty: the kernel filesystems every later step relies on. */
#ifndef ALC_BOARD_MOUNTS_H
#define ALC_BOARD_MOUNTS_H

#include "err.h"

/* Mounts proc on /proc, sysfs on /sys, devtmpfs on /dev and cgroup2 on
 * /sys/fs/cgroup, creating the directories; something already mounted
 * (EBUSY) is fine. Returns 0 or -errno naming the mount that failed. */
int board_mount_early(alc_err *err);

#endif

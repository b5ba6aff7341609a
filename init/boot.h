/* PID 1's boot duties before any service: the kernel file systems, the
 * console, the hostname, ctrl-alt-del as a signal, and the cgroup tree
 * (controllers enabled for the services, init itself moved into a leaf). */
#ifndef ALC_INIT_BOOT_H
#define ALC_INIT_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "initconf.h"

/* Mounts /proc, /sys, /dev (devtmpfs), /dev/pts, /dev/shm, /run and the
 * cgroup tree where nothing is mounted yet (a cgroup tree already there,
 * v1, hybrid or v2, is kept). Failures are reported on stderr; returns how
 * many mounts failed. */
int init_boot_mounts(void);

/* Opens /dev/console on fds 0-2 when they are not open (else /dev/null). */
void init_boot_console(void);

/* Sets the hostname from /etc/hostname when it has one. */
void init_boot_hostname(void);

/* Makes ctrl-alt-del send SIGINT to init instead of rebooting at once. */
void init_boot_cad(void);

/* Moves init into BASE/init.scope of the v2 tree (remembering where it was
 * in orig) and enables every available controller down to BASE. Returns 0
 * or -errno with err; without a v2 tree it does nothing. */
int init_boot_cgroup(const struct init_config *cfg, char *orig, size_t len, alc_err *err);

/* Moves init back to orig and removes BASE/init.scope and BASE when empty. */
void init_boot_cgroup_leave(const struct init_config *cfg, const char *orig);

/* Returns true in the machine's initial pid namespace (or when /proc cannot
 * tell, as before it is mounted): where a reboot ends the machine. */
bool init_in_initial_pidns(void);

/* Reads a whole small file (the kernel command line) into buf; "" when unreadable. */
void init_read_small(const char *path, char *buf, size_t len);

#endif

/* The end of a boot, once the services have stopped: every other process
 * gets SIGTERM then SIGKILL, the disks are synced, the file systems
 * unmounted (or remounted read-only), and the kernel is asked to reboot,
 * halt or power off from a child, so PID 1 itself never exits. */
#ifndef ALC_INIT_SHUTDOWN_H
#define ALC_INIT_SHUTDOWN_H

#include <stdint.h>

#include "initconf.h"

/* Signals every process but init (kill(-1)): SIGTERM, up to timeout_ms to
 * exit, then SIGKILL; reaps them all. Only as PID 1. */
void init_kill_all(uint64_t timeout_ms);

/* Syncs, unmounts what can go and remounts / read-only (only as the
 * machine's own init: in a child pid namespace the mounts are shared with
 * the host's file systems and are left alone). */
void init_unmount_all(void);

/* Asks the kernel for action from a child and waits forever; never returns. */
void init_reboot(enum init_action action) __attribute__((noreturn));

#endif

/* The container library's lifecycle as one scenario, shared by the host
 * tier (cmocka, hybrid and forced v1) and the VM tier (vmcheck, pure v2). */
#ifndef ALC_TESTS_LIFECYCLE_H
#define ALC_TESTS_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

/* Creates a container from a busybox rootfs, checks it is parked before
 * exec, starts it, reads its stats, pauses and resumes it (usage stops and
 * resumes), kills every process and destroys it (its group is gone).
 * Returns 0, or -1 with msg naming the first failed step. */
int lifecycle_scenario(const char *busybox, bool force_v1, char *msg, size_t len);

#endif

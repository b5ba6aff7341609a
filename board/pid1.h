/* alcove as PID 1. At this stage it mounts the kernel filesystems, prints the
 * facilities the probe found, and powers the machine off. */
#ifndef ALC_BOARD_PID1_H
#define ALC_BOARD_PID1_H

/* Runs the PID 1 role; never returns (reboot(2), or a pause loop if the
 * kernel refuses to power off). */
void board_pid1_main(void) __attribute__((noreturn));

#endif

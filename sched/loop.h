/* alcove sched's event loop: one epoll set with a PSI trigger per latency
 * group and on /proc/pressure/cpu, a timerfd that samples fast under
 * pressure and slowly when calm, a signalfd, and the control socket. Each
 * wake-up samples the groups, runs the control law and writes its decisions
 * as one batch, logged with timestamps. On SIGTERM or SIGINT every setting
 * it changed goes back to what it was. */
#ifndef ALC_SCHED_LOOP_H
#define ALC_SCHED_LOOP_H

#include <stdio.h>

#include "config.h"
#include "err.h"

/* Runs until SIGTERM or SIGINT; returns 0 after restoring every managed
 * group, or -errno when it could not start (err names the group, file or
 * socket at fault; nothing is left changed). */
int sched_run(const struct sched_config *cfg, alc_err *err);

/* Sends one command ("log", "status") to the daemon's control socket and
 * copies the answer to out; returns 0 or -errno. */
int sched_ctl(const char *socket_path, const char *command, FILE *out, alc_err *err);

#endif

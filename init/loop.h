/* alcove init's one event loop: a signalfd (child exits, shutdown and reload
 * signals), a timerfd for backoffs and stop timeouts, the services' log
 * and readiness pipes, the control socket and the scheduler engine's fd,
 * all in one epoll set. */
#ifndef ALC_INIT_LOOP_H
#define ALC_INIT_LOOP_H

#include "engine.h"
#include "initconf.h"
#include "supervisor.h"

struct init_loop {
	const struct init_config *cfg;
	int epfd, sfd, tfd, lfd;
	struct sched_engine *engine; /* NULL when the scheduler could not start */
	struct supervisor sup;
	struct init_watch w_signal, w_timer, w_ctl, w_engine;
	enum init_action action; /* the shutdown under way, or NONE */
};

/* Blocks the signals init handles, opens the loop's fds, the control
 * socket and the scheduler, and loads the services. Returns 0 or -errno
 * with err (a scheduler that cannot start is reported, not fatal). */
int init_loop_setup(struct init_loop *l, const struct init_config *cfg, alc_err *err);

/* Supervises until a shutdown was asked for and every service has
 * stopped; returns the action asked for. */
enum init_action init_loop_run(struct init_loop *l);

/* Reaps every exited child without blocking; returns how many. */
int init_reap_all(struct init_loop *l);

/* Closes the loop's fds and socket, restores the scheduled groups, frees
 * the services. */
void init_loop_free(struct init_loop *l);

/* Returns CLOCK_MONOTONIC in milliseconds. */
uint64_t init_now_ms(void);

#endif

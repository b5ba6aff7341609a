/* The service supervisor: one state machine per service of the services
 * directory (waiting, starting, running, ready, stopping, exited, failed,
 * backoff), started in dependency order, restarted with backoff, handed to
 * the scheduler by class, reloaded on request and stopped in reverse order
 * at shutdown. The loop feeds it exits, fd events and the clock. */
#ifndef ALC_INIT_SUPERVISOR_H
#define ALC_INIT_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "backoff.h"
#include "engine.h"
#include "graph.h"
#include "initconf.h"
#include "launch.h"
#include "logring.h"
#include "svcdef.h"

enum sup_state {
	SUP_WAITING,  /* dependencies not settled, or stopped by request */
	SUP_STARTING, /* spawned, not ready yet (a oneshot: still running) */
	SUP_RUNNING,  /* up (ready = none) */
	SUP_READY,    /* up, and said so (ready = fd:N or pidfile:PATH) */
	SUP_STOPPING, /* sent SIGTERM, waiting for the exit (then cgroup.kill) */
	SUP_EXITED,   /* ended and not restarted: a finished oneshot, or stopped */
	SUP_FAILED,   /* bad file, failed dependency, or restarts given up */
	SUP_BACKOFF,  /* exited; restarts when its delay is over */
};

/* What the loop's epoll data points at: the kind of fd and its owner. */
struct init_watch {
	int kind; /* INIT_EV_* */
	void *owner;
};
enum { INIT_EV_SIGNAL, INIT_EV_TIMER, INIT_EV_CTL, INIT_EV_ENGINE, INIT_EV_LOG, INIT_EV_READY };

struct svc_rt {
	char name[SVC_NAME_MAX + 1];
	char rel[256];		   /* cgroup, BASE/NAME */
	const struct svc_def *def; /* NULL once retired (removed or replaced by a reload) */
	char *text;		   /* the file as loaded, to spot changes on reload */
	enum sup_state st;
	struct svc_proc proc;
	bool live; /* a process runs (not reaped yet) */
	pid_t pid;
	int wstatus; /* the last exit */
	unsigned restarts;
	struct svc_backoff bo;
	uint64_t started_ms, deadline_ms, stop_timeout_ms;
	bool held;	     /* stopped by request: not started again by itself */
	bool restart;	     /* started again once stopped (ctl restart) */
	bool ever_up;	     /* was up since its last start request */
	bool scheduled;	     /* registered with the scheduler */
	bool killed;	     /* cgroup.kill sent */
	bool dead;	     /* retired and gone: freed after this loop turn */
	struct logring ring; /* log = ring */
	struct init_watch log_w, ready_w;
	char why[200]; /* the last thing that happened to it */
};

struct supervisor {
	const struct init_config *cfg;
	struct sched_engine *engine; /* NULL: no scheduler */
	int epfd;
	struct svc_set set;
	struct svc_graph graph;
	struct svc_rt **rt; /* rt[i] runs set.defs[i] */
	size_t n;
	struct svc_rt **old; /* retired, still stopping */
	size_t n_old;
	bool shutdown;
};

/* Returns the state's name ("running", ...). */
const char *sup_state_name(enum sup_state st);

/* Loads the services directory and builds the graph; bad files and graph
 * failures are reported on stderr (file:line) and become failed services.
 * Returns 0 or -errno when the directory cannot be read. */
int sup_load(struct supervisor *s, const struct init_config *cfg, struct sched_engine *engine,
	     int epfd, alc_err *err);

/* Starts what may start, fails what cannot, ends backoffs and stop
 * timeouts that are due at now_ms. */
void sup_step(struct supervisor *s, uint64_t now_ms);

/* Takes a reaped child's status; returns true when it was a service's. */
bool sup_reaped(struct supervisor *s, pid_t pid, int wstatus, uint64_t now_ms);

/* Handles a readable log or readiness fd. */
void sup_fd_event(struct supervisor *s, const struct init_watch *w, uint64_t now_ms);

/* Returns the earliest deadline (ms, monotonic), or 0 for none. */
uint64_t sup_next_deadline(const struct supervisor *s);

/* ctl start/stop/restart NAME; returns 0 or -errno with err. */
int sup_request(struct supervisor *s, const char *verb, const char *name, uint64_t now_ms,
		alc_err *err);

/* Rereads the directory: new files start, removed ones stop, changed ones
 * restart (at the next sup_step). Returns 0 or -errno (the running set is kept). */
int sup_reload(struct supervisor *s, alc_err *err);

/* Begins stopping every service, dependants first. */
void sup_begin_shutdown(struct supervisor *s, uint64_t now_ms);

/* Returns true when no service process is left. */
bool sup_all_stopped(const struct supervisor *s);

/* Frees retired services that are gone (call after each loop turn). */
void sup_collect(struct supervisor *s);

/* Prints the status table (all services, or name alone, in detail);
 * returns 0 or -ENOENT. */
int sup_status(struct supervisor *s, const char *name, FILE *out);

/* Prints a service's log ring; returns 0, -ENOENT or -EINVAL (log = console). */
int sup_log(struct supervisor *s, const char *name, FILE *out);

/* Finds a service (current or retired) by name, or NULL. */
struct svc_rt *sup_find(struct supervisor *s, const char *name);

/* Releases everything (processes must be gone). */
void sup_free(struct supervisor *s);

#endif

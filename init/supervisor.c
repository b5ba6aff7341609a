#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

#define PIDFILE_POLL_MS 50
#define KILL_GRACE_MS 2000 /* after cgroup.kill, before trying again */

static const char *const state_names[] = {
	[SUP_WAITING] = "waiting", [SUP_STARTING] = "starting", [SUP_RUNNING] = "running",
	[SUP_READY] = "ready",	   [SUP_STOPPING] = "stopping", [SUP_EXITED] = "exited",
	[SUP_FAILED] = "failed",   [SUP_BACKOFF] = "backoff",
};

const char *sup_state_name(enum sup_state st)
{
	return st <= SUP_BACKOFF ? state_names[st] : "?";
}

static void note(struct svc_rt *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct svc_rt *rt, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rt->why, sizeof(rt->why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "alcove init: %s: %s\n", rt->name, rt->why);
}

/* The gate's view of a service. */
static enum svc_state gate_state(const struct svc_rt *rt)
{
	switch (rt->st) {
	case SUP_WAITING:
		return rt->held ? SVC_ST_STOPPED : SVC_ST_PENDING;
	case SUP_STARTING:
	case SUP_STOPPING: /* not settled: dependants wait, dependencies stay up */
		return SVC_ST_STARTING;
	case SUP_RUNNING:
	case SUP_READY:
		return SVC_ST_UP;
	case SUP_BACKOFF:
		return rt->ever_up ? SVC_ST_UP : SVC_ST_STARTING;
	case SUP_EXITED:
		return rt->ever_up && rt->def && rt->def->type == SVC_ONESHOT ? SVC_ST_UP
									      : SVC_ST_STOPPED;
	case SUP_FAILED:
		return SVC_ST_FAILED;
	}
	return SVC_ST_STOPPED;
}

static void watch_fd(struct supervisor *s, int fd, struct init_watch *w, int kind,
		     struct svc_rt *rt)
{
	w->kind = kind;
	w->owner = rt;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
	if (fd >= 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		fprintf(stderr, "alcove init: %s: watch fd: %s\n", rt->name, strerror(errno));
}

static void unwatch_fd(struct supervisor *s, int *fd)
{
	if (*fd < 0)
		return;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, *fd, NULL); /* closing would drop it too */
	close(*fd);
	*fd = -1;
}

/* Moves whatever the service wrote into its ring; false at EOF. */
static bool drain_log(struct svc_rt *rt)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(rt->proc.log_fd, buf, sizeof(buf));
		if (n > 0 && rt->ring.buf)
			logring_append(&rt->ring, buf, (size_t)n);
		if (n == 0)
			return false;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
	}
}

static void unschedule(struct supervisor *s, struct svc_rt *rt)
{
	if (rt->scheduled && s->engine)
		sched_engine_remove(s->engine, rt->rel); /* the group goes away next */
	rt->scheduled = false;
}

static void schedule(struct supervisor *s, struct svc_rt *rt)
{
	if (!s->engine || !rt->def->class)
		return;
	struct sched_group_conf gc = { 0 };
	alc_err err = { 0 };
	snprintf(gc.path, sizeof(gc.path), "%s", rt->rel);
	snprintf(gc.cls, sizeof(gc.cls), "%s", rt->def->class);
	if (sched_engine_add(s->engine, &gc, &err) == 0)
		rt->scheduled = true;
	else
		fprintf(stderr, "alcove init: %s: not scheduled: %s\n", rt->name, err.msg);
}

/* The process and its cgroup are gone: fds closed, group removed. */
static void release(struct supervisor *s, struct svc_rt *rt)
{
	if (rt->proc.log_fd >= 0)
		drain_log(rt);
	unwatch_fd(s, &rt->proc.log_fd);
	unwatch_fd(s, &rt->proc.ready_fd);
	unschedule(s, rt);
	alc_err err = { 0 };
	if (svc_proc_release(&rt->proc, &err) < 0)
		fprintf(stderr, "alcove init: %s: cleanup: %s\n", rt->name, err.msg);
	rt->live = false;
}

/* After an exit (or a failed start) with wstatus: restart, back off, or stop. */
static void settle(struct supervisor *s, struct svc_rt *rt, int wstatus, uint64_t now)
{
	char how[96];
	svc_exit_describe(wstatus, how, sizeof(how));
	rt->wstatus = wstatus;
	rt->deadline_ms = 0;
	if (rt->st == SUP_STOPPING || !rt->def || s->shutdown) {
		rt->st = rt->restart && !s->shutdown && rt->def ? SUP_WAITING : SUP_EXITED;
		rt->held = rt->st == SUP_EXITED;
		rt->restart = false;
		note(rt, "stopped (%s)", how);
		if (!rt->def)
			rt->dead = true;
		return;
	}
	uint64_t delay = 0, ran = now - rt->started_ms;
	enum svc_verdict v = svc_backoff_next(rt->def, &rt->bo, wstatus, ran, &delay);
	if (v == SVC_NEXT_RESTART) {
		rt->restarts++;
		rt->st = SUP_BACKOFF;
		rt->deadline_ms = now + (delay ? delay : 1);
		note(rt, "%s; restart %u in %llu ms", how, rt->restarts, (unsigned long long)delay);
	} else if (v == SVC_NEXT_DONE) {
		rt->st = SUP_EXITED;
		if (rt->def->type == SVC_ONESHOT)
			rt->ever_up = !svc_exit_failed(wstatus);
		note(rt, "%s", how);
	} else {
		rt->st = SUP_FAILED;
		if (rt->restarts)
			note(rt, "%s; gave up after %u restarts", how, rt->restarts);
		else
			note(rt, "%s; failed", how);
	}
}

static void start(struct supervisor *s, struct svc_rt *rt, uint64_t now)
{
	alc_err err = { 0 };
	const struct svc_def *d = rt->def;
	if (d->ready == SVC_READY_PIDFILE)
		unlink(d->ready_pidfile); /* a stale one must not count */
	rt->started_ms = now;
	rt->stop_timeout_ms = d->stop_timeout_ms;
	rt->killed = false;
	if (svc_launch(d, s->cfg->cgroup, &rt->proc, &err) < 0) {
		note(rt, "cannot start: %s", err.msg);
		int code = rt->proc.c.child.exit_code ? rt->proc.c.child.exit_code : 125;
		rt->st = SUP_STARTING;
		settle(s, rt, code << 8, now);
		return;
	}
	rt->live = true;
	rt->pid = rt->proc.c.child.pid;
	watch_fd(s, rt->proc.log_fd, &rt->log_w, INIT_EV_LOG, rt);
	watch_fd(s, rt->proc.ready_fd, &rt->ready_w, INIT_EV_READY, rt);
	schedule(s, rt);
	bool up = d->ready == SVC_READY_NONE && d->type == SVC_SIMPLE;
	rt->st = up ? SUP_RUNNING : SUP_STARTING;
	rt->ever_up = up;
	if (d->ready == SVC_READY_PIDFILE)
		rt->deadline_ms = now + PIDFILE_POLL_MS;
	snprintf(rt->why, sizeof(rt->why), "started, pid %d", (int)rt->pid);
	fprintf(stderr, "alcove init: %s: started (pid %d, cgroup %s%s)\n", rt->name, (int)rt->pid,
		rt->rel, rt->proc.via_clone3 ? ", clone3" : "");
}

static void ready(struct svc_rt *rt, const char *how)
{
	if (rt->st != SUP_STARTING)
		return;
	rt->st = SUP_READY;
	rt->ever_up = true;
	rt->deadline_ms = 0;
	note(rt, "ready (%s)", how);
}

/* pidfile:PATH readiness: the file names a live process. */
static void check_pidfile(struct svc_rt *rt, uint64_t now)
{
	_cleanup_free_ char *text = NULL;
	long pid = 0;
	if (alc_read_file_at(AT_FDCWD, rt->def->ready_pidfile, &text) >= 0)
		pid = strtol(text, NULL, 10);
	if (pid > 0 && kill((pid_t)pid, 0) == 0)
		ready(rt, rt->def->ready_pidfile);
	else
		rt->deadline_ms = now + PIDFILE_POLL_MS;
}

static void stop(struct svc_rt *rt, uint64_t now)
{
	if (!rt->live) {
		if (rt->st != SUP_FAILED)
			rt->st = SUP_EXITED;
		rt->deadline_ms = 0;
		return;
	}
	if (rt->st == SUP_STOPPING)
		return;
	alc_err err = { 0 };
	rt->st = SUP_STOPPING;
	rt->deadline_ms = now + rt->stop_timeout_ms;
	if (alc_container_signal(&rt->proc.c, SIGTERM, rt->proc.has_cg, &err) < 0)
		fprintf(stderr, "alcove init: %s: SIGTERM: %s\n", rt->name, err.msg);
	note(rt, "stopping (SIGTERM, %llu ms to go)", (unsigned long long)rt->stop_timeout_ms);
}

static void deadline(struct svc_rt *rt, uint64_t now)
{
	alc_err err = { 0 };
	rt->deadline_ms = 0;
	if (rt->st == SUP_BACKOFF) {
		rt->st = SUP_WAITING;
	} else if (rt->st == SUP_STOPPING && rt->live) {
		if (alc_container_signal(&rt->proc.c, SIGKILL, rt->proc.has_cg, &err) < 0)
			fprintf(stderr, "alcove init: %s: kill: %s\n", rt->name, err.msg);
		rt->killed = true;
		rt->deadline_ms = now + KILL_GRACE_MS;
		note(rt, "did not stop in time: killed the cgroup");
	} else if (rt->st == SUP_STARTING && rt->def && rt->def->ready == SVC_READY_PIDFILE) {
		check_pidfile(rt, now);
	}
}

/* Returns whether a retired service called name still runs (its cgroup
 * must go before a new one of that name can start). */
static bool retired_runs(const struct supervisor *s, const char *name)
{
	for (size_t i = 0; i < s->n_old; i++)
		if (s->old[i]->live && !strcmp(s->old[i]->name, name))
			return true;
	return false;
}

/* A service's state for the graph. At shutdown a oneshot that finished
 * holds nothing up: it no longer needs what it required. */
static enum svc_state graph_state(const struct supervisor *s, const struct svc_rt *rt)
{
	if (s->shutdown && rt->st == SUP_EXITED)
		return SVC_ST_STOPPED;
	return gate_state(rt);
}

/* One pass over the services; returns true when something changed. */
static bool pass(struct supervisor *s, enum svc_state *gs, uint64_t now)
{
	bool changed = false;
	for (size_t i = 0; i < s->n; i++)
		gs[i] = graph_state(s, s->rt[i]);
	for (size_t k = 0; k < s->n; k++) {
		size_t i = s->shutdown ? s->graph.order[s->n - 1 - k] : s->graph.order[k];
		struct svc_rt *rt = s->rt[i];
		enum sup_state was = rt->st;
		const char *culprit = NULL;
		if (s->shutdown) {
			if (rt->st != SUP_STOPPING && svc_graph_may_stop(&s->graph, i, gs))
				stop(rt, now);
		} else if (rt->st == SUP_WAITING && !rt->held) {
			enum svc_gate g = svc_graph_gate(&s->graph, i, gs, &culprit);
			if (g == SVC_GATE_FAIL) {
				rt->st = SUP_FAILED;
				note(rt, "not started: dependency %s failed", culprit);
			} else if (g == SVC_GATE_GO && !retired_runs(s, rt->name)) {
				start(s, rt, now);
			}
		}
		if (rt->st != was) {
			changed = true;
			gs[i] = graph_state(s, rt);
		}
	}
	return changed;
}

void sup_step(struct supervisor *s, uint64_t now)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rt[i]->deadline_ms && s->rt[i]->deadline_ms <= now)
			deadline(s->rt[i], now);
	for (size_t i = 0; i < s->n_old; i++)
		if (s->old[i]->deadline_ms && s->old[i]->deadline_ms <= now)
			deadline(s->old[i], now);
	for (size_t i = 0; i < s->n_old; i++)
		if (s->old[i]->live)
			stop(s->old[i], now); /* retired: removed or replaced */
	enum svc_state *gs = calloc(s->n + 1, sizeof(*gs));
	if (!gs)
		return; /* out of memory: the next turn tries again */
	for (size_t round = 0; round <= s->n && pass(s, gs, now); round++)
		;
	free(gs);
}

static struct svc_rt *by_pid(struct supervisor *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rt[i]->live && s->rt[i]->pid == pid)
			return s->rt[i];
	for (size_t i = 0; i < s->n_old; i++)
		if (s->old[i]->live && s->old[i]->pid == pid)
			return s->old[i];
	return NULL;
}

bool sup_reaped(struct supervisor *s, pid_t pid, int wstatus, uint64_t now)
{
	struct svc_rt *rt = by_pid(s, pid);
	if (!rt)
		return false;
	rt->proc.c.reaped = true;
	rt->proc.c.status = wstatus;
	release(s, rt);
	settle(s, rt, wstatus, now);
	return true;
}

void sup_fd_event(struct supervisor *s, const struct init_watch *w, uint64_t now)
{
	struct svc_rt *rt = w->owner;
	(void)now;
	if (w->kind == INIT_EV_LOG) {
		if (!drain_log(rt))
			unwatch_fd(s, &rt->proc.log_fd);
		return;
	}
	char buf[64];
	ssize_t n = read(rt->proc.ready_fd, buf, sizeof(buf));
	if (n > 0)
		ready(rt, "fd");
	if (n >= 0 || errno != EAGAIN)
		unwatch_fd(s, &rt->proc.ready_fd);
}

uint64_t sup_next_deadline(const struct supervisor *s)
{
	uint64_t t = 0;
	for (size_t i = 0; i < s->n + s->n_old; i++) {
		const struct svc_rt *rt = i < s->n ? s->rt[i] : s->old[i - s->n];
		if (rt->deadline_ms && (!t || rt->deadline_ms < t))
			t = rt->deadline_ms;
	}
	return t;
}

int sup_request(struct supervisor *s, const char *verb, const char *name, uint64_t now,
		alc_err *err)
{
	long i = svc_set_find(&s->set, name);
	if (i < 0)
		return alc_err_setx(err, ENOENT, "no service '%s'", name);
	struct svc_rt *rt = s->rt[i];
	if (s->shutdown)
		return alc_err_setx(err, EBUSY, "shutting down");
	if (!rt->def || rt->def->error)
		return alc_err_setx(err, EINVAL, "%s: %s", name,
				    rt->def ? rt->def->error : "removed");
	bool up = rt->live || rt->st == SUP_BACKOFF;
	if (!strcmp(verb, "stop")) {
		rt->held = true;
		rt->restart = false;
		stop(rt, now);
		if (!rt->live)
			note(rt, "stopped by request");
	} else if (!strcmp(verb, "start") || !strcmp(verb, "restart")) {
		memset(&rt->bo, 0, sizeof(rt->bo));
		rt->held = false;
		rt->ever_up = false;
		if (rt->live && !strcmp(verb, "restart")) {
			rt->restart = true;
			stop(rt, now);
		} else if (!up || rt->st == SUP_BACKOFF) {
			rt->st = SUP_WAITING;
			rt->deadline_ms = 0;
		}
	} else {
		return alc_err_setx(err, EINVAL, "unknown request '%s'", verb);
	}
	sup_step(s, now);
	return 0;
}

void sup_begin_shutdown(struct supervisor *s, uint64_t now)
{
	s->shutdown = true;
	sup_step(s, now);
}

bool sup_all_stopped(const struct supervisor *s)
{
	for (size_t i = 0; i < s->n + s->n_old; i++) {
		const struct svc_rt *rt = i < s->n ? s->rt[i] : s->old[i - s->n];
		if (rt->live)
			return false;
	}
	return true;
}

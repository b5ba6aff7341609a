#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

static const int handled[] = { SIGCHLD, SIGTERM, SIGUSR1, SIGUSR2, SIGINT, SIGPWR, SIGHUP };

uint64_t init_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int watch(struct init_loop *l, int fd, struct init_watch *w, int kind)
{
	w->kind = kind;
	w->owner = l;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void start_sched(struct init_loop *l)
{
	alc_err err = { 0 };
	char what[1024];
	if (sched_engine_new(&l->cfg->sched, &l->engine, &err) < 0) {
		fprintf(stderr, "alcove init: scheduler not started: %s\n", err.msg);
		return;
	}
	if (watch(l, sched_engine_fd(l->engine), &l->w_engine, INIT_EV_ENGINE) < 0) {
		fprintf(stderr, "alcove init: scheduler not started: %s\n", strerror(errno));
		sched_engine_free(l->engine, NULL);
		l->engine = NULL;
		return;
	}
	sched_engine_describe(l->engine, what, sizeof(what));
	fprintf(stderr, "alcove init: scheduler %s\n", what);
}

int init_loop_setup(struct init_loop *l, const struct init_config *cfg, alc_err *err)
{
	memset(l, 0, sizeof(*l));
	l->cfg = cfg;
	l->epfd = l->sfd = l->tfd = l->lfd = -1;
	sigset_t mask;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(handled) / sizeof(*handled); i++)
		sigaddset(&mask, handled[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return alc_err_set(err, errno, "epoll");
	if ((l->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return alc_err_set(err, errno, "signalfd");
	if ((l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
		return alc_err_set(err, errno, "timerfd");
	int r = watch(l, l->sfd, &l->w_signal, INIT_EV_SIGNAL);
	r = r ?: watch(l, l->tfd, &l->w_timer, INIT_EV_TIMER);
	if (r < 0)
		return alc_err_set(err, -r, "epoll_ctl");
	if ((l->lfd = init_ctl_listen(cfg->socket, err)) < 0)
		return l->lfd;
	if ((r = watch(l, l->lfd, &l->w_ctl, INIT_EV_CTL)) < 0)
		return alc_err_set(err, -r, "epoll_ctl");
	start_sched(l);
	return sup_load(&l->sup, cfg, l->engine, l->epfd, err);
}

static void ask(struct init_loop *l, enum init_action a, const char *why)
{
	if (a == INIT_ACT_NONE || l->action != INIT_ACT_NONE)
		return;
	l->action = a;
	fprintf(stderr, "alcove init: %s: %s; stopping the services\n", why, init_action_name(a));
	sup_begin_shutdown(&l->sup, init_now_ms());
}

static void reload(struct init_loop *l, FILE *out)
{
	alc_err err = { 0 };
	if (sup_reload(&l->sup, &err) < 0) {
		fprintf(stderr, "alcove init: reload: %s\n", err.msg);
		if (out)
			fprintf(out, "error: reload: %s\n", err.msg);
	} else if (out) {
		fprintf(out, "reloaded\n");
	}
}

int init_reap_all(struct init_loop *l)
{
	int n = 0, status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		n++;
		if (l)
			sup_reaped(&l->sup, pid, status, init_now_ms()); /* or an orphan */
	}
	return n;
}

static void on_signal(struct init_loop *l)
{
	struct signalfd_siginfo si;
	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			init_reap_all(l);
			break;
		case SIGTERM:
			ask(l, INIT_ACT_REBOOT, "SIGTERM");
			break;
		case SIGUSR1:
			ask(l, INIT_ACT_HALT, "SIGUSR1");
			break;
		case SIGUSR2:
			ask(l, INIT_ACT_POWEROFF, "SIGUSR2");
			break;
		case SIGINT:
			ask(l, l->cfg->cad, "ctrl-alt-del");
			break;
		case SIGPWR:
			ask(l, l->cfg->sigpwr, "SIGPWR");
			break;
		case SIGHUP:
			reload(l, NULL);
			break;
		}
	}
	/* Exits can also arrive between signalfd reads: reap them all. */
	init_reap_all(l);
}

static void answer(void *ctx, const char *verb, const char *arg, FILE *out)
{
	struct init_loop *l = ctx;
	alc_err err = { 0 };
	static const struct {
		const char *verb;
		enum init_action a;
	} acts[] = { { "poweroff", INIT_ACT_POWEROFF },
		     { "reboot", INIT_ACT_REBOOT },
		     { "halt", INIT_ACT_HALT } };
	for (size_t i = 0; i < sizeof(acts) / sizeof(*acts); i++)
		if (!strcmp(verb, acts[i].verb)) {
			fprintf(out, "%s\n", acts[i].verb);
			ask(l, acts[i].a, "alcove ctl");
			return;
		}
	if (!strcmp(verb, "status")) {
		if (sup_status(&l->sup, arg, out) < 0)
			fprintf(out, "error: no service '%s'\n", arg);
	} else if (!strcmp(verb, "reload")) {
		reload(l, out);
	} else if (!strcmp(verb, "log") && arg) {
		int r = sup_log(&l->sup, arg, out);
		if (r == -ENOENT)
			fprintf(out, "error: no service '%s'\n", arg);
		else if (r < 0)
			fprintf(out, "error: %s logs to the console (log = ring keeps a log)\n",
				arg);
	} else if (!strcmp(verb, "start") || !strcmp(verb, "stop") || !strcmp(verb, "restart")) {
		if (!arg)
			fprintf(out, "error: %s wants a service name\n", verb);
		else if (sup_request(&l->sup, verb, arg, init_now_ms(), &err) < 0)
			fprintf(out, "error: %s\n", err.msg);
		else
			fprintf(out, "%s %s\n", verb, arg);
	} else if (!strcmp(verb, "groups") || !strcmp(verb, "sched")) {
		/* groups: alcove top's feed; sched [status|log]: the scheduler's
		 * status or its decision log */
		const char *cmd = !strcmp(verb, "groups") ? "groups" : arg ? arg : "status";
		if (strcmp(cmd, "groups") && strcmp(cmd, "status") && strcmp(cmd, "log"))
			fprintf(out, "error: sched wants status or log, not '%s'\n", cmd);
		else if (l->engine)
			sched_engine_command(l->engine, cmd, out);
		else
			fprintf(out, "error: the scheduler is not running\n");
	} else {
		fprintf(out, "error: unknown request '%s'\n", verb);
	}
}

/* Points the timer at the supervisor's next deadline. */
static void arm_timer(struct init_loop *l)
{
	uint64_t t = sup_next_deadline(&l->sup);
	struct itimerspec its = { 0 };
	if (t) {
		its.it_value.tv_sec = (time_t)(t / 1000);
		its.it_value.tv_nsec = (long)(t % 1000) * 1000000L;
	}
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL); /* valid values cannot fail */
}

static void handle(struct init_loop *l, struct init_watch *w)
{
	uint64_t ticks;
	switch (w->kind) {
	case INIT_EV_SIGNAL:
		on_signal(l);
		break;
	case INIT_EV_TIMER:
		if (read(l->tfd, &ticks, sizeof(ticks)) < 0)
			break; /* nothing expired */
		break;
	case INIT_EV_CTL:
		init_ctl_serve(l->lfd, answer, l);
		break;
	case INIT_EV_ENGINE:
		sched_engine_dispatch(l->engine);
		break;
	default:
		sup_fd_event(&l->sup, w, init_now_ms());
	}
}

enum init_action init_loop_run(struct init_loop *l)
{
	sup_step(&l->sup, init_now_ms());
	while (!(l->action != INIT_ACT_NONE && sup_all_stopped(&l->sup))) {
		struct epoll_event evs[32];
		arm_timer(l);
		int n = epoll_wait(l->epfd, evs, 32, -1);
		for (int k = 0; k < n; k++)
			handle(l, evs[k].data.ptr);
		sup_step(&l->sup, init_now_ms());
		sup_collect(&l->sup);
	}
	return l->action;
}

void init_loop_free(struct init_loop *l)
{
	sup_free(&l->sup);
	alc_err err = { 0 };
	if (sched_engine_free(l->engine, &err) < 0)
		fprintf(stderr, "alcove init: scheduler: %s\n", err.msg);
	l->engine = NULL;
	int fds[] = { l->epfd, l->sfd, l->tfd, l->lfd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (l->lfd >= 0)
		unlink(l->cfg->socket);
	l->epfd = l->sfd = l->tfd = l->lfd = -1;
}

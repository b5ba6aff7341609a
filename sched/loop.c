#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "engine.h"

enum { EV_ENGINE, EV_SIGNAL, EV_LISTEN };

/* alcove sched's own loop: the engine, its signals and its socket. */
struct loop {
	const struct sched_config *cfg;
	struct sched_engine *engine;
	int epfd, sfd, lfd;
	bool bound; /* the control socket is ours to unlink */
};

static int watch(struct loop *l, int fd, uint32_t kind)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = kind };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Answers one client: a command line in, the answer out, then close. */
static void serve(struct loop *l)
{
	_cleanup_close_ int c = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	struct timeval tv = { 1, 0 };
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)); /* a stuck client waits 1 s */
	char cmd[64] = "";
	ssize_t n = read(c, cmd, sizeof(cmd) - 1);
	if (n <= 0)
		return;
	cmd[n] = '\0';
	cmd[strcspn(cmd, "\r\n")] = '\0';
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return;
	if (sched_engine_command(l->engine, cmd, out) < 0)
		fprintf(out, "error: unknown command '%s' (log, status, groups)\n", cmd);
	fclose(out);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(c, text + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(text);
}

static int open_socket(struct loop *l, alc_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dir[sizeof(a.sun_path)];
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", l->cfg->socket);
	snprintf(dir, sizeof(dir), "%s", l->cfg->socket);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* exists already, or bind below reports it */
	}
	l->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->lfd < 0)
		return alc_err_set(err, errno, "socket");
	/* A stale socket from a killed daemon is replaced; a live one is not. */
	if (connect(l->lfd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return alc_err_setx(err, EADDRINUSE, "%s: another alcove sched is running",
				    a.sun_path);
	unlink(a.sun_path);
	if (bind(l->lfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return alc_err_set(err, errno, "control socket %s", a.sun_path);
	l->bound = true;
	if (listen(l->lfd, 8) < 0)
		return alc_err_set(err, errno, "listen on %s", a.sun_path);
	return watch(l, l->lfd, EV_LISTEN);
}

static int setup(struct loop *l, alc_err *err)
{
	sigset_t mask;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return alc_err_set(err, errno, "epoll");
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((l->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return alc_err_set(err, errno, "signalfd");
	int r = watch(l, l->sfd, EV_SIGNAL);
	r = r ?: open_socket(l, err);
	r = r ?: sched_engine_new(l->cfg, &l->engine, err);
	return r ?: watch(l, sched_engine_fd(l->engine), EV_ENGINE);
}

static int teardown(struct loop *l, alc_err *err)
{
	int r = sched_engine_free(l->engine, err);
	int fds[] = { l->epfd, l->sfd, l->lfd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (l->bound)
		unlink(l->cfg->socket);
	return r;
}

/* Handles one epoll event; returns 1 to stop the loop. */
static int handle(struct loop *l, const struct epoll_event *ev)
{
	switch (ev->data.u32) {
	case EV_SIGNAL: {
		struct signalfd_siginfo si;
		while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				return 1;
		return 0; /* SIGHUP: nothing to reload yet */
	}
	case EV_LISTEN:
		serve(l);
		return 0;
	default:
		sched_engine_dispatch(l->engine);
		return 0;
	}
}

int sched_run(const struct sched_config *cfg, alc_err *err)
{
	struct loop l = { .cfg = cfg, .epfd = -1, .sfd = -1, .lfd = -1 };
	int r = setup(&l, err);
	if (r == 0) {
		char what[1024];
		sched_engine_describe(l.engine, what, sizeof(what));
		fprintf(stderr, "alcove sched: %s\n", what);
	}
	while (r == 0) {
		struct epoll_event evs[16];
		int n = epoll_wait(l.epfd, evs, 16, -1);
		if (n < 0 && errno != EINTR)
			r = alc_err_set(err, errno, "epoll_wait");
		for (int k = 0; r == 0 && k < n; k++)
			if (handle(&l, &evs[k]))
				goto done;
	}
done:;
	alc_err terr = { 0 };
	int t = teardown(&l, &terr);
	if (r == 0 && t < 0) {
		r = t;
		if (err)
			*err = terr;
	}
	return r;
}

int sched_ctl(const char *socket_path, const char *command, FILE *out, alc_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", socket_path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return alc_err_set(err, errno, "connect to %s (is alcove sched running?)",
				   socket_path);
	if (write(fd, command, strlen(command)) < 0 || shutdown(fd, SHUT_WR) < 0)
		return alc_err_set(err, errno, "send to %s", socket_path);
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	return n < 0 ? alc_err_set(err, errno, "read from %s", socket_path) : 0;
}

#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "cgfiles.h"
#include "cglayout.h"
#include "cleanup.h"
#include "law.h"
#include "log.h"
#include "psi.h"
#include "writer.h"

enum { EV_TIMER, EV_SIGNAL, EV_LISTEN, EV_GLOBAL, EV_TRIGGER };
#define FAST_NS (10 * 1000 * 1000L)  /* sampling while under pressure */
#define SLOW_NS (250 * 1000 * 1000L) /* sampling when calm */
#define CALM_TICKS 50		     /* fast ticks without news before slowing */

struct loop {
	const struct sched_config *cfg;
	enum alc_cg_layout layout;
	size_t n;
	struct sched_cg cg[SCHED_MAX_GROUPS];
	struct sched_group law[SCHED_MAX_GROUPS];
	int trig[SCHED_MAX_GROUPS];
	bool fired[SCHED_MAX_GROUPS];
	uint64_t fired_at[SCHED_MAX_GROUPS];
	bool gone[SCHED_MAX_GROUPS];
	int epfd, tfd, sfd, lfd, gtrig;
	struct uring_writer *w;
	struct sched_budget budget;
	struct sched_log log;
	uint64_t start_us;
	unsigned calm;
	bool fast;
	bool bound; /* the control socket is ours to unlink */
	enum uring_backend backend;
	char backend_why[768];
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int watch(struct loop *l, int fd, uint32_t events, uint32_t kind, uint32_t idx)
{
	struct epoll_event ev = { .events = events, .data.u64 = ((uint64_t)kind << 32) | idx };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void set_timer(struct loop *l, bool fast)
{
	long ns = fast ? FAST_NS : SLOW_NS;
	struct itimerspec its = { .it_interval = { ns / 1000000000L, ns % 1000000000L },
				  .it_value = { ns / 1000000000L, ns % 1000000000L } };
	l->fast = fast;
	timerfd_settime(l->tfd, 0, &its, NULL); /* cannot fail with valid values */
}

/* Arms the smallest window the kernel accepts from us: kernels >= 6.4 take
 * windows under 500 ms with CAP_SYS_RESOURCE; older ones 500 ms to 10 s;
 * without the capability only multiples of 2 s. The threshold keeps the
 * class's stall per second of wall time. */
static int arm_trigger(int dirfd, const char *file, uint64_t stall_per_s)
{
	static const unsigned windows[] = { 100000, 500000, 1000000, 2000000 };
	for (size_t i = 0; i < sizeof(windows) / sizeof(*windows); i++) {
		uint64_t stall = stall_per_s * windows[i] / 1000000;
		if (stall < 1000)
			stall = 1000;
		int fd = psi_trigger_open(dirfd, file, false, (unsigned)stall, windows[i], NULL);
		if (fd >= 0 || (fd != -EINVAL && fd != -EPERM))
			return fd;
	}
	return -EINVAL;
}

static int open_group(struct loop *l, size_t i, alc_err *err)
{
	const struct sched_group_conf *gc = &l->cfg->groups[i];
	enum sched_class cls;
	struct sched_params p;
	uint64_t quota;
	int r = sched_cg_open(&l->cg[i], l->layout, "/sys/fs/cgroup", gc->path, err);
	if (r < 0)
		return r;
	sched_class_parse(gc->cls, &cls); /* validated by the config parser */
	sched_class_preset(cls, (unsigned)sysconf(_SC_NPROCESSORS_ONLN), &p);
	/* The group keeps its period (or takes the configured one); the
	 * preset's bounds scale with it. */
	uint64_t period = gc->period_us ? gc->period_us : l->cg[i].period_us;
	p.min_quota_us = p.min_quota_us * period / p.period_us;
	p.max_quota_us = p.max_quota_us * period / p.period_us;
	p.burst_us = p.burst_us * period / p.period_us;
	p.period_us = period;
	r = sched_cg_set_period(&l->cg[i], period, err);
	if (r < 0)
		return r;
	if (gc->target_stall_us)
		p.target_stall_us = gc->target_stall_us;
	if (gc->min_cpus)
		p.min_quota_us = (uint64_t)(gc->min_cpus * (double)p.period_us);
	if (gc->max_cpus)
		p.max_quota_us = (uint64_t)(gc->max_cpus * (double)p.period_us);
	if (gc->burst_us)
		p.burst_us = gc->burst_us;
	sched_group_init(&l->law[i], cls, &p);
	/* The group's own limit is where the law starts, and what a latency
	 * group returns to when calm. */
	if (sched_cg_read_quota(&l->cg[i], &quota) == 0)
		l->law[i].quota_us = l->law[i].home_quota_us = quota;
	r = sched_cg_apply_base(&l->cg[i], p.weight, p.idle, err);
	l->trig[i] = -1;
	if (r == 0 && cls == SCHED_LATENCY && l->cfg->mode == SCHED_MODE_PSI &&
	    l->cg[i].v2fd >= 0) {
		l->trig[i] = arm_trigger(l->cg[i].v2fd, "cpu.pressure", p.target_stall_us);
		if (l->trig[i] >= 0)
			r = watch(l, l->trig[i], EPOLLPRI, EV_TRIGGER, (uint32_t)i);
		/* No trigger (old kernel, psi=0): the timer's sampling covers it. */
	}
	return r;
}

static void drop_group(struct loop *l, size_t i)
{
	if (l->trig[i] >= 0)
		close(l->trig[i]);
	l->trig[i] = -1;
	sched_cg_close(&l->cg[i]);
	l->gone[i] = true;
	fprintf(stderr, "alcove sched: %s is gone; dropped\n", l->cfg->groups[i].path);
}

/* A dropped group that exists again is picked up and its trigger re-armed. */
static void revive_groups(struct loop *l)
{
	for (size_t i = 0; i < l->n; i++) {
		alc_err err = { 0 };
		if (l->gone[i] && open_group(l, i, &err) == 0) {
			l->gone[i] = false;
			fprintf(stderr, "alcove sched: %s is back; managed again\n",
				l->cfg->groups[i].path);
		} else if (l->gone[i]) {
			sched_cg_close(&l->cg[i]);
		}
	}
}

/* One control step: sample every group, run the law, write its decisions
 * as one batch and log them. Returns how many decisions were made. */
static size_t step(struct loop *l, uint64_t trigger_us)
{
	struct sched_sample s[SCHED_MAX_GROUPS];
	struct sched_decision d[SCHED_MAX_GROUPS];
	struct uring_write first[SCHED_MAX_GROUPS], then[SCHED_MAX_GROUPS];
	size_t f_owner[SCHED_MAX_GROUPS], t_owner[SCHED_MAX_GROUPS], nf = 0, nt = 0;
	uint64_t t = now_us();
	for (size_t i = 0; i < l->n; i++) {
		struct sched_cg_raw raw = { 0 };
		if (!l->gone[i] && sched_cg_sample(&l->cg[i], &raw) < 0)
			drop_group(l, i);
		s[i] = (struct sched_sample){ .now_us = t,
					      .stall_us = raw.stall_us,
					      .usage_us = raw.usage_us,
					      .nr_throttled = raw.nr_throttled,
					      .throttled_us = raw.throttled_us,
					      .trigger = l->fired[i] };
	}
	size_t nd = sched_law_step(l->law, l->n, s, &l->budget, d);
	uint64_t decided = now_us();
	for (size_t k = 0; k < nd; k++) {
		size_t i = d[k].group, f0 = nf, t0 = nt;
		if (l->gone[i])
			continue;
		sched_cg_queue(&l->cg[i], d[k].old_quota_us, d[k].new_quota_us,
			       d[k].new_burst_us != d[k].old_burst_us ? d[k].new_burst_us
								      : UINT64_MAX,
			       first, &nf, then, &nt);
		for (size_t j = f0; j < nf; j++)
			f_owner[j] = k;
		for (size_t j = t0; j < nt; j++)
			t_owner[j] = k;
	}
	/* Two batches keep each group's burst/quota order on any backend. */
	int r = nf ? uring_writer_submit(l->w, first, nf, NULL) : 0;
	if (r >= 0 && nt)
		r = uring_writer_submit(l->w, then, nt, NULL);
	uint64_t written = now_us();
	for (size_t k = 0; k < nd; k++) {
		struct sched_log_entry *e = sched_log_add(&l->log);
		size_t i = d[k].group;
		e->trigger_us = l->fired[i] ? l->fired_at[i] : trigger_us;
		e->decided_us = decided;
		e->written_us = written;
		e->write_result = r < 0 ? r : 0;
		for (size_t j = 0; j < nf; j++)
			if (f_owner[j] == k && first[j].result < 0)
				e->write_result = (int)first[j].result;
		for (size_t j = 0; j < nt; j++)
			if (t_owner[j] == k && then[j].result < 0)
				e->write_result = (int)then[j].result;
		snprintf(e->group, sizeof(e->group), "%s", l->cfg->groups[i].path);
		e->reason = sched_reason_name(d[k].why);
		e->old_quota_us = d[k].old_quota_us;
		e->new_quota_us = d[k].new_quota_us;
		e->old_burst_us = d[k].old_burst_us;
		e->new_burst_us = d[k].new_burst_us;
	}
	memset(l->fired, 0, sizeof(l->fired));
	return nd;
}

static void print_status(struct loop *l, FILE *out)
{
	fprintf(out, "%-28s %-8s %-10s %-12s %s\n", "group", "class", "quota us", "period us",
		"state");
	for (size_t i = 0; i < l->n; i++) {
		char q[24];
		if (l->law[i].quota_us == UINT64_MAX)
			snprintf(q, sizeof(q), "max");
		else
			snprintf(q, sizeof(q), "%" PRIu64, l->law[i].quota_us);
		fprintf(out, "%-28s %-8s %-10s %-12" PRIu64 " %s\n", l->cfg->groups[i].path,
			l->cfg->groups[i].cls, q, l->law[i].p.period_us,
			l->gone[i]	  ? "gone"
			: l->trig[i] >= 0 ? "psi trigger"
					  : "sampled");
	}
	fprintf(out, "decisions %" PRIu64 ", sampling %s\n", l->log.count,
		l->fast ? "fast" : "slow");
}

/* One tab-separated line per group, for programs such as alcove top:
 * path class quota_us(or max) period_us burst_us state last_reason
 * last_decision_ms_ago. */
static void print_groups(struct loop *l, FILE *out)
{
	uint64_t t = now_us();
	for (size_t i = 0; i < l->n; i++) {
		const struct sched_log_entry *last = NULL;
		uint64_t have = l->log.count < SCHED_LOG_SIZE ? l->log.count : SCHED_LOG_SIZE;
		for (uint64_t k = l->log.count; !last && k > l->log.count - have; k--) {
			const struct sched_log_entry *e = &l->log.e[(k - 1) % SCHED_LOG_SIZE];
			if (!strcmp(e->group, l->cfg->groups[i].path))
				last = e;
		}
		char q[24];
		if (l->law[i].quota_us == UINT64_MAX)
			snprintf(q, sizeof(q), "max");
		else
			snprintf(q, sizeof(q), "%" PRIu64, l->law[i].quota_us);
		fprintf(out, "%s\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\t%s\t%.0f\n",
			l->cfg->groups[i].path, l->cfg->groups[i].cls, q, l->law[i].p.period_us,
			l->law[i].burst_us, l->gone[i] ? "gone" : "managed",
			last ? last->reason : "-",
			last ? (double)(t - last->decided_us) / 1000.0 : -1.0);
	}
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
	if (!strcmp(cmd, "log"))
		sched_log_print(&l->log, 0, l->start_us, out);
	else if (!strcmp(cmd, "status"))
		print_status(l, out);
	else if (!strcmp(cmd, "groups"))
		print_groups(l, out);
	else
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
	return watch(l, l->lfd, EPOLLIN, EV_LISTEN, 0);
}

/* --writer auto: time both backends on the managed groups' own quota files
 * (their current values are written back) and keep the faster. */
static enum uring_backend choose_writer(struct loop *l, char *why, size_t len)
{
	if (strcmp(l->cfg->writer, "auto")) {
		snprintf(why, len, "as configured");
		return !strcmp(l->cfg->writer, "uring") ? URING_BACKEND_URING : URING_BACKEND_SYNC;
	}
	int fds[URING_CALIBRATE_MAX_FDS];
	size_t n = 0;
	for (size_t i = 0; i < l->n && n < URING_CALIBRATE_MAX_FDS; i++)
		if (!l->gone[i] && l->cg[i].quota_fd >= 0)
			fds[n++] = l->cg[i].quota_fd;
	struct uring_calibration c;
	alc_err err = { 0 };
	if (n == 0 || uring_calibrate(fds, n, &c, &err) < 0) {
		snprintf(why, len, "not calibrated (%s)", n ? err.msg : "no group files");
		return URING_BACKEND_SYNC;
	}
	snprintf(why, len, "calibrated: %s", c.reason);
	return c.choice;
}

static int setup(struct loop *l, alc_err *err)
{
	char v2[256];
	sigset_t mask;
	l->layout = alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2));
	if (l->layout == ALC_CG_NONE)
		return alc_err_setx(err, ENODEV, "no cgroup filesystem at /sys/fs/cgroup");
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
		return alc_err_set(err, errno, "epoll/timerfd");
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((l->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return alc_err_set(err, errno, "signalfd");
	int r = watch(l, l->tfd, EPOLLIN, EV_TIMER, 0);
	r = r ?: watch(l, l->sfd, EPOLLIN, EV_SIGNAL, 0);
	r = r ?: open_socket(l, err);
	for (size_t i = 0; r == 0 && i < l->cfg->n_groups; i++, l->n++)
		r = open_group(l, i, err);
	if (r == 0) {
		l->backend = choose_writer(l, l->backend_why, sizeof(l->backend_why));
		r = uring_writer_new(l->backend, 2 * SCHED_MAX_GROUPS, &l->w, err);
	}
	l->budget.period_us = 100000; /* budgets are CPUs per 100 ms */
	l->budget.total_quota_us = (uint64_t)(l->cfg->budget_cpus * 100000.0);
	l->budget.batch_quota_us = (uint64_t)(l->cfg->batch_budget_cpus * 100000.0);
	/* System-wide: wakes the loop when 5% of a second stalls anywhere. */
	if (r == 0 && l->cfg->mode == SCHED_MODE_PSI &&
	    (l->gtrig = arm_trigger(AT_FDCWD, "/proc/pressure/cpu", 50000)) >= 0)
		r = watch(l, l->gtrig, EPOLLPRI, EV_GLOBAL, 0);
	return r;
}

static int teardown(struct loop *l, alc_err *err)
{
	int first = 0;
	for (size_t i = 0; i < l->n; i++) {
		alc_err e = { 0 };
		if (!l->gone[i] && sched_cg_restore(&l->cg[i], &e) < 0 && !first) {
			first = -e.code;
			if (err)
				*err = e;
		}
		if (l->trig[i] >= 0)
			close(l->trig[i]);
		sched_cg_close(&l->cg[i]);
	}
	int fds[] = { l->epfd, l->tfd, l->sfd, l->lfd, l->gtrig };
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (l->bound)
		unlink(l->cfg->socket);
	uring_writer_free(l->w);
	return first;
}

/* Handles one epoll event; returns 1 to stop the loop. */
static int handle(struct loop *l, const struct epoll_event *ev)
{
	uint32_t kind = (uint32_t)(ev->data.u64 >> 32), idx = (uint32_t)ev->data.u64;
	uint64_t t = now_us(), ticks;
	switch (kind) {
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
	case EV_TRIGGER:
		l->fired[idx] = true;
		l->fired_at[idx] = t;
		break;
	case EV_TIMER:
		if (read(l->tfd, &ticks, sizeof(ticks)) < 0)
			return 0;
		if (!l->fast)
			revive_groups(l);
		break;
	case EV_GLOBAL:
		break; /* system-wide pressure: look now, without blaming a group */
	}
	/* Decide in this very iteration: a trigger's cut is not left for the
	 * next tick. */
	bool news = step(l, t) > 0 || kind == EV_TRIGGER;
	l->calm = news ? 0 : l->calm + 1;
	if (news && !l->fast)
		set_timer(l, true);
	else if (!news && l->fast && l->calm > CALM_TICKS)
		set_timer(l, false);
	return 0;
}

int sched_run(const struct sched_config *cfg, alc_err *err)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return alc_err_set(err, ENOMEM, "sched");
	l->cfg = cfg;
	l->epfd = l->tfd = l->sfd = l->lfd = l->gtrig = -1;
	for (size_t i = 0; i < SCHED_MAX_GROUPS; i++)
		l->trig[i] = -1;
	l->start_us = now_us();
	int r = setup(l, err);
	if (r == 0) {
		step(l, l->start_us); /* primes every group's state */
		set_timer(l, false);
		fprintf(stderr, "alcove sched: managing %zu group(s), %s mode, %s writes (%s)\n",
			l->n, cfg->mode == SCHED_MODE_PSI ? "psi" : "poll",
			uring_backend_name(l->backend), l->backend_why);
	}
	while (r == 0) {
		struct epoll_event evs[16];
		int n = epoll_wait(l->epfd, evs, 16, -1);
		if (n < 0 && errno != EINTR)
			r = alc_err_set(err, errno, "epoll_wait");
		for (int k = 0; r == 0 && k < n; k++)
			if (handle(l, &evs[k]))
				goto done;
	}
done:;
	alc_err terr = { 0 };
	int t = teardown(l, &terr);
	if (r == 0 && t < 0) {
		r = t;
		if (err)
			*err = terr;
	}
	free(l);
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

#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "cgfiles.h"
#include "cglayout.h"
#include "law.h"
#include "log.h"
#include "psi.h"
#include "writer.h"

enum { EV_TIMER, EV_GLOBAL, EV_TRIGGER };
#define FAST_NS (10 * 1000 * 1000L)  /* sampling while under pressure */
#define SLOW_NS (250 * 1000 * 1000L) /* sampling when calm */
#define CALM_TICKS 50		     /* fast ticks without news before slowing */

struct sched_engine {
	enum sched_mode mode;
	enum alc_cg_layout layout;
	size_t n;
	struct sched_group_conf conf[SCHED_MAX_GROUPS];
	struct sched_cg cg[SCHED_MAX_GROUPS];
	struct sched_group law[SCHED_MAX_GROUPS];
	int trig[SCHED_MAX_GROUPS];
	bool fired[SCHED_MAX_GROUPS];
	uint64_t fired_at[SCHED_MAX_GROUPS];
	bool gone[SCHED_MAX_GROUPS];
	int epfd, tfd, gtrig;
	struct uring_writer *w;
	struct sched_budget budget;
	struct sched_log log;
	uint64_t start_us;
	unsigned calm;
	bool fast, armed;
	enum uring_backend backend;
	char backend_why[768];
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int watch(struct sched_engine *e, int fd, int op, uint32_t kind, uint32_t idx)
{
	struct epoll_event ev = { .events = kind == EV_TIMER ? EPOLLIN : EPOLLPRI,
				  .data.u64 = ((uint64_t)kind << 32) | idx };
	return epoll_ctl(e->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* Samples fast or slowly; with no group to watch the timer stops. */
static void set_timer(struct sched_engine *e, bool fast)
{
	long ns = e->n == 0 ? 0 : fast ? FAST_NS : SLOW_NS;
	struct itimerspec its = { .it_interval = { ns / 1000000000L, ns % 1000000000L },
				  .it_value = { ns / 1000000000L, ns % 1000000000L } };
	e->fast = fast;
	e->armed = ns != 0;
	timerfd_settime(e->tfd, 0, &its, NULL); /* cannot fail with valid values */
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

static int open_group(struct sched_engine *e, size_t i, alc_err *err)
{
	const struct sched_group_conf *gc = &e->conf[i];
	enum sched_class cls;
	struct sched_params p;
	uint64_t quota;
	e->trig[i] = -1;
	int r = sched_cg_open(&e->cg[i], e->layout, "/sys/fs/cgroup", gc->path, err);
	if (r < 0)
		return r;
	sched_class_parse(gc->cls, &cls); /* validated by the config parser */
	sched_class_preset(cls, (unsigned)sysconf(_SC_NPROCESSORS_ONLN), &p);
	/* The group keeps its period (or takes the configured one); the
	 * preset's bounds scale with it. */
	uint64_t period = gc->period_us ? gc->period_us : e->cg[i].period_us;
	p.min_quota_us = p.min_quota_us * period / p.period_us;
	p.max_quota_us = p.max_quota_us * period / p.period_us;
	p.burst_us = p.burst_us * period / p.period_us;
	p.period_us = period;
	r = sched_cg_set_period(&e->cg[i], period, err);
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
	sched_group_init(&e->law[i], cls, &p);
	/* The group's own limit is where the law starts, and what a latency
	 * group returns to when calm. */
	if (sched_cg_read_quota(&e->cg[i], &quota) == 0)
		e->law[i].quota_us = e->law[i].home_quota_us = quota;
	r = sched_cg_apply_base(&e->cg[i], p.weight, p.idle, err);
	if (r == 0 && cls == SCHED_LATENCY && e->mode == SCHED_MODE_PSI && e->cg[i].v2fd >= 0) {
		e->trig[i] = arm_trigger(e->cg[i].v2fd, "cpu.pressure", p.target_stall_us);
		if (e->trig[i] >= 0)
			r = watch(e, e->trig[i], EPOLL_CTL_ADD, EV_TRIGGER, (uint32_t)i);
		/* No trigger (old kernel, psi=0): the timer's sampling covers it. */
	}
	return r;
}

static void close_group(struct sched_engine *e, size_t i)
{
	if (e->trig[i] >= 0)
		close(e->trig[i]); /* closing drops it from the epoll set */
	e->trig[i] = -1;
	sched_cg_close(&e->cg[i]);
}

static void drop_group(struct sched_engine *e, size_t i)
{
	close_group(e, i);
	e->gone[i] = true;
	fprintf(stderr, "alcove sched: %s is gone; dropped\n", e->conf[i].path);
}

/* A dropped group that exists again is picked up and its trigger re-armed. */
static void revive_groups(struct sched_engine *e)
{
	for (size_t i = 0; i < e->n; i++) {
		alc_err err = { 0 };
		if (e->gone[i] && open_group(e, i, &err) == 0) {
			e->gone[i] = false;
			fprintf(stderr, "alcove sched: %s is back; managed again\n",
				e->conf[i].path);
		} else if (e->gone[i]) {
			close_group(e, i);
		}
	}
}

/* One batch of writes, and which decision each write belongs to. */
struct batch {
	struct uring_write w[SCHED_MAX_GROUPS];
	size_t owner[SCHED_MAX_GROUPS];
	size_t n;
};

/* Returns the first failed write of decision k in b, or 0. */
static int batch_result(const struct batch *b, size_t k)
{
	for (size_t j = 0; j < b->n; j++)
		if (b->owner[j] == k && b->w[j].result < 0)
			return (int)b->w[j].result;
	return 0;
}

/* Records one step's decisions in the log, with each write's result. */
static void log_decisions(struct sched_engine *e, const struct sched_decision *d, size_t nd,
			  uint64_t trigger_us, uint64_t decided, int r, const struct batch *b)
{
	uint64_t written = now_us();
	for (size_t k = 0; k < nd; k++) {
		struct sched_log_entry *le = sched_log_add(&e->log);
		size_t i = d[k].group;
		le->trigger_us = e->fired[i] ? e->fired_at[i] : trigger_us;
		le->decided_us = decided;
		le->written_us = written;
		le->write_result = r < 0 ? r : batch_result(&b[0], k) ?: batch_result(&b[1], k);
		snprintf(le->group, sizeof(le->group), "%s", e->conf[i].path);
		le->reason = sched_reason_name(d[k].why);
		le->old_quota_us = d[k].old_quota_us;
		le->new_quota_us = d[k].new_quota_us;
		le->old_burst_us = d[k].old_burst_us;
		le->new_burst_us = d[k].new_burst_us;
	}
}

/* One control step: sample every group, run the law, write its decisions
 * as two batches (first, then) and log them. Returns how many decisions. */
static size_t step(struct sched_engine *e, uint64_t trigger_us)
{
	struct sched_sample s[SCHED_MAX_GROUPS];
	struct sched_decision d[SCHED_MAX_GROUPS];
	struct batch b[2];
	b[0].n = b[1].n = 0;
	uint64_t t = now_us();
	for (size_t i = 0; i < e->n; i++) {
		struct sched_cg_raw raw = { 0 };
		if (!e->gone[i] && sched_cg_sample(&e->cg[i], &raw) < 0)
			drop_group(e, i);
		s[i] = (struct sched_sample){ .now_us = t,
					      .stall_us = raw.stall_us,
					      .usage_us = raw.usage_us,
					      .nr_throttled = raw.nr_throttled,
					      .throttled_us = raw.throttled_us,
					      .trigger = e->fired[i] };
	}
	size_t nd = sched_law_step(e->law, e->n, s, &e->budget, d);
	uint64_t decided = now_us();
	for (size_t k = 0; k < nd; k++) {
		size_t i = d[k].group, f0 = b[0].n, t0 = b[1].n;
		if (e->gone[i])
			continue;
		sched_cg_queue(&e->cg[i], d[k].old_quota_us, d[k].new_quota_us,
			       d[k].new_burst_us != d[k].old_burst_us ? d[k].new_burst_us
								      : UINT64_MAX,
			       b[0].w, &b[0].n, b[1].w, &b[1].n);
		for (size_t j = f0; j < b[0].n; j++)
			b[0].owner[j] = k;
		for (size_t j = t0; j < b[1].n; j++)
			b[1].owner[j] = k;
	}
	/* Two batches keep each group's burst/quota order on any backend. */
	int r = b[0].n ? uring_writer_submit(e->w, b[0].w, b[0].n, NULL) : 0;
	if (r >= 0 && b[1].n)
		r = uring_writer_submit(e->w, b[1].w, b[1].n, NULL);
	log_decisions(e, d, nd, trigger_us, decided, r, b);
	memset(e->fired, 0, sizeof(e->fired));
	return nd;
}

static void quota_text(uint64_t q, char *buf, size_t len)
{
	if (q == UINT64_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, q);
}

static void print_status(struct sched_engine *e, FILE *out)
{
	fprintf(out, "%-28s %-8s %-10s %-12s %s\n", "group", "class", "quota us", "period us",
		"state");
	for (size_t i = 0; i < e->n; i++) {
		char q[24];
		quota_text(e->law[i].quota_us, q, sizeof(q));
		fprintf(out, "%-28s %-8s %-10s %-12" PRIu64 " %s\n", e->conf[i].path,
			e->conf[i].cls, q, e->law[i].p.period_us,
			e->gone[i]	  ? "gone"
			: e->trig[i] >= 0 ? "psi trigger"
					  : "sampled");
	}
	fprintf(out, "decisions %" PRIu64 ", sampling %s\n", e->log.count,
		e->fast ? "fast" : "slow");
}

/* One tab-separated line per group, for programs such as alcove top:
 * path class quota_us(or max) period_us burst_us state last_reason
 * last_decision_ms_ago. */
static void print_groups(struct sched_engine *e, FILE *out)
{
	uint64_t t = now_us();
	for (size_t i = 0; i < e->n; i++) {
		const struct sched_log_entry *last = NULL;
		uint64_t have = e->log.count < SCHED_LOG_SIZE ? e->log.count : SCHED_LOG_SIZE;
		for (uint64_t k = e->log.count; !last && k > e->log.count - have; k--) {
			const struct sched_log_entry *le = &e->log.e[(k - 1) % SCHED_LOG_SIZE];
			if (!strcmp(le->group, e->conf[i].path))
				last = le;
		}
		char q[24];
		quota_text(e->law[i].quota_us, q, sizeof(q));
		fprintf(out, "%s\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\t%s\t%.0f\n",
			e->conf[i].path, e->conf[i].cls, q, e->law[i].p.period_us,
			e->law[i].burst_us, e->gone[i] ? "gone" : "managed",
			last ? last->reason : "-",
			last ? (double)(t - last->decided_us) / 1000.0 : -1.0);
	}
}

int sched_engine_command(struct sched_engine *e, const char *cmd, FILE *out)
{
	if (!strcmp(cmd, "log"))
		sched_log_print(&e->log, 0, e->start_us, out);
	else if (!strcmp(cmd, "status"))
		print_status(e, out);
	else if (!strcmp(cmd, "groups"))
		print_groups(e, out);
	else
		return -EINVAL;
	return 0;
}

/* --writer auto: time both backends on the managed groups' own quota files
 * (their current values are written back) and keep the faster. */
static enum uring_backend choose_writer(struct sched_engine *e, const char *writer, char *why,
					size_t len)
{
	if (strcmp(writer, "auto")) {
		snprintf(why, len, "as configured");
		return !strcmp(writer, "uring") ? URING_BACKEND_URING : URING_BACKEND_SYNC;
	}
	int fds[URING_CALIBRATE_MAX_FDS];
	size_t n = 0;
	for (size_t i = 0; i < e->n && n < URING_CALIBRATE_MAX_FDS; i++)
		if (!e->gone[i] && e->cg[i].quota_fd >= 0)
			fds[n++] = e->cg[i].quota_fd;
	struct uring_calibration c;
	alc_err err = { 0 };
	if (n == 0 || uring_calibrate(fds, n, &c, &err) < 0) {
		snprintf(why, len, "not calibrated (%s)", n ? err.msg : "no group files");
		return URING_BACKEND_SYNC;
	}
	snprintf(why, len, "calibrated: %s", c.reason);
	return c.choice;
}

static int setup(struct sched_engine *e, const struct sched_config *cfg, alc_err *err)
{
	char v2[256];
	e->layout = alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2));
	if (e->layout == ALC_CG_NONE)
		return alc_err_setx(err, ENODEV, "no cgroup filesystem at /sys/fs/cgroup");
	if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
		return alc_err_set(err, errno, "epoll/timerfd");
	int r = watch(e, e->tfd, EPOLL_CTL_ADD, EV_TIMER, 0);
	for (size_t i = 0; r == 0 && i < cfg->n_groups; i++, e->n++) {
		e->conf[i] = cfg->groups[i];
		r = open_group(e, i, err);
	}
	if (r == 0) {
		e->backend = choose_writer(e, cfg->writer, e->backend_why, sizeof(e->backend_why));
		r = uring_writer_new(e->backend, 2 * SCHED_MAX_GROUPS, &e->w, err);
	}
	e->budget.period_us = 100000; /* budgets are CPUs per 100 ms */
	e->budget.total_quota_us = (uint64_t)(cfg->budget_cpus * 100000.0);
	e->budget.batch_quota_us = (uint64_t)(cfg->batch_budget_cpus * 100000.0);
	/* System-wide: wakes the engine when 5% of a second stalls anywhere. */
	if (r == 0 && e->mode == SCHED_MODE_PSI &&
	    (e->gtrig = arm_trigger(AT_FDCWD, "/proc/pressure/cpu", 50000)) >= 0)
		r = watch(e, e->gtrig, EPOLL_CTL_ADD, EV_GLOBAL, 0);
	return r;
}

int sched_engine_new(const struct sched_config *cfg, struct sched_engine **out, alc_err *err)
{
	struct sched_engine *e = calloc(1, sizeof(*e));
	*out = NULL;
	if (!e)
		return alc_err_set(err, ENOMEM, "sched");
	e->mode = cfg->mode;
	e->epfd = e->tfd = e->gtrig = -1;
	for (size_t i = 0; i < SCHED_MAX_GROUPS; i++)
		e->trig[i] = -1;
	e->start_us = now_us();
	int r = setup(e, cfg, err);
	if (r < 0) {
		sched_engine_free(e, NULL); /* report the setup error, not this */
		return r;
	}
	step(e, e->start_us); /* primes every group's state */
	set_timer(e, false);
	*out = e;
	return 0;
}

int sched_engine_fd(const struct sched_engine *e)
{
	return e->epfd;
}

/* Notes what one ready source says; the step follows in dispatch. */
static void handle(struct sched_engine *e, uint32_t kind, uint32_t idx, uint64_t t)
{
	uint64_t ticks;
	if (kind == EV_TRIGGER) {
		e->fired[idx] = true;
		e->fired_at[idx] = t;
	} else if (kind == EV_TIMER) {
		if (read(e->tfd, &ticks, sizeof(ticks)) < 0)
			return; /* a spurious wake-up: nothing expired */
		if (!e->fast)
			revive_groups(e);
	}
	/* EV_GLOBAL: system-wide pressure: look now, without blaming a group. */
}

void sched_engine_dispatch(struct sched_engine *e)
{
	struct epoll_event evs[16];
	int n = epoll_wait(e->epfd, evs, 16, 0);
	if (n <= 0)
		return;
	uint64_t t = now_us();
	bool trigger = false;
	for (int k = 0; k < n; k++) {
		uint32_t kind = (uint32_t)(evs[k].data.u64 >> 32);
		handle(e, kind, (uint32_t)evs[k].data.u64, t);
		trigger |= kind == EV_TRIGGER;
	}
	/* Decide in this very dispatch: a trigger's cut is not left for the
	 * next tick. */
	bool news = step(e, t) > 0 || trigger;
	e->calm = news ? 0 : e->calm + 1;
	if (news && !e->fast)
		set_timer(e, true);
	else if (!news && e->fast && e->calm > CALM_TICKS)
		set_timer(e, false);
}

static ssize_t find(const struct sched_engine *e, const char *path)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->conf[i].path, path))
			return (ssize_t)i;
	return -1;
}

int sched_engine_add(struct sched_engine *e, const struct sched_group_conf *gc, alc_err *err)
{
	if (find(e, gc->path) >= 0)
		return alc_err_setx(err, EEXIST, "%s is managed already", gc->path);
	if (e->n == SCHED_MAX_GROUPS)
		return alc_err_setx(err, ENOSPC, "%s: the scheduler manages %d groups at most",
				    gc->path, SCHED_MAX_GROUPS);
	size_t i = e->n;
	e->conf[i] = *gc;
	e->gone[i] = e->fired[i] = false;
	int r = open_group(e, i, err);
	if (r < 0) {
		alc_err ignored = { 0 };
		sched_cg_restore(&e->cg[i], &ignored); /* undo a partial base write */
		close_group(e, i);
		return r;
	}
	e->n++;
	if (!e->armed)
		set_timer(e, false);
	return 0;
}

int sched_engine_remove(struct sched_engine *e, const char *path)
{
	ssize_t at = find(e, path);
	if (at < 0)
		return -ENOENT;
	size_t i = (size_t)at, last = e->n - 1;
	alc_err ignored = { 0 };
	if (!e->gone[i])
		sched_cg_restore(&e->cg[i], &ignored); /* the group may be going away */
	close_group(e, i);
	if (i != last) {
		/* The last group takes the free slot; its trigger follows it. */
		e->conf[i] = e->conf[last];
		e->cg[i] = e->cg[last];
		e->law[i] = e->law[last];
		e->trig[i] = e->trig[last];
		e->fired[i] = e->fired[last];
		e->fired_at[i] = e->fired_at[last];
		e->gone[i] = e->gone[last];
		if (e->trig[i] >= 0)
			watch(e, e->trig[i], EPOLL_CTL_MOD, EV_TRIGGER, (uint32_t)i);
		e->trig[last] = -1;
	}
	e->n--;
	if (e->n == 0)
		set_timer(e, false);
	return 0;
}

int sched_engine_quota(const struct sched_engine *e, const char *path, uint64_t *quota_us,
		       uint64_t *period_us)
{
	ssize_t i = find(e, path);
	if (i < 0)
		return -ENOENT;
	*quota_us = e->law[i].quota_us;
	*period_us = e->law[i].p.period_us;
	return 0;
}

void sched_engine_describe(const struct sched_engine *e, char *buf, size_t len)
{
	snprintf(buf, len, "managing %zu group(s), %s mode, %s writes (%s)", e->n,
		 e->mode == SCHED_MODE_PSI ? "psi" : "poll", uring_backend_name(e->backend),
		 e->backend_why);
}

int sched_engine_free(struct sched_engine *e, alc_err *err)
{
	if (!e)
		return 0;
	int first = 0;
	for (size_t i = 0; i < e->n; i++) {
		alc_err ge = { 0 };
		if (!e->gone[i] && sched_cg_restore(&e->cg[i], &ge) < 0 && !first) {
			first = -ge.code;
			if (err)
				*err = ge;
		}
		close_group(e, i);
	}
	int fds[] = { e->epfd, e->tfd, e->gtrig };
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	uring_writer_free(e->w);
	free(e);
	return first;
}

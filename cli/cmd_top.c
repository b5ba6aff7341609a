/* alcove top: a live view of alcove sched's managed groups. Each interval
 * it asks the daemon for its groups, reads each group's cpu.stat and
 * cpu.pressure itself, and redraws one frame (sched/top.h renders it). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cglayout.h"
#include "cglimits.h"
#include "cleanup.h"
#include "commands.h"
#include "fileio.h"
#include "loop.h"
#include "psi.h"
#include "top.h"

#define TOP_USAGE "usage: alcove top [--socket PATH] [--interval MS] [--once]\n"

static void usage(FILE *out)
{
	fputs(TOP_USAGE "\nShows the groups alcove sched manages, refreshed in place: CPU used\n"
			"against the quota as a bar, the throttled share of periods, PSI some\n"
			"and full avg10, the quota and the daemon's last decision. q or Ctrl-C\n"
			"quits.\n"
			"\nOptions:\n"
			"  --socket PATH    the daemon's control socket (default "
			"/run/alcove/sched.sock)\n"
			"  --interval MS    refresh every MS milliseconds (default 1000)\n"
			"  --once           print one frame after one interval, without terminal\n"
			"                   control, and exit\n"
			"  -h, --help       show this help and exit\n"
			"\nExit status: 0 quit; 1 no daemon or a failure; 2 usage error.\n",
	      out);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("alcove top: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n" TOP_USAGE, stderr);
	return CLI_EXIT_USAGE;
}

/* The hierarchies the group files live in. */
struct top_roots {
	int v2fd;  /* the v2 tree (root or root/unified), -1 without */
	int cpufd; /* the tree holding cpu.stat's throttling and the quota */
	bool v1;   /* cpufd is the v1 cpu hierarchy */
};

/* Everything one run owns: the groups and samples of the last two rounds. */
struct top {
	const char *socket;
	unsigned interval_ms;
	struct top_roots roots;
	struct top_group groups[2][TOP_MAX_GROUPS];
	struct top_sample samples[2][TOP_MAX_GROUPS];
	size_t n[2];
	int cur; /* index of the newest round */
};

static int open_roots(struct top_roots *r, alc_err *err)
{
	char v2[256];
	enum alc_cg_layout l = alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2));
	r->v2fd = r->cpufd = -1;
	if (l == ALC_CG_NONE)
		return alc_err_setx(err, ENOENT, "no cgroup filesystem under /sys/fs/cgroup");
	r->v1 = l != ALC_CG_V2;
	if (v2[0] && (r->v2fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return alc_err_set(err, errno, "open %s", v2);
	const char *cpu = r->v1 ? "/sys/fs/cgroup/cpu" : v2;
	if ((r->cpufd = open(cpu, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return alc_err_set(err, errno, "open %s", cpu);
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Opens the group directory path (relative, from the daemon) under root. */
static int open_group(int root, const char *path)
{
	while (*path == '/')
		path++;
	if (root < 0 || strstr(path, ".."))
		return -EINVAL;
	int fd = openat(root, *path ? path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static bool read_key(int dirfd, const char *file, const char *key, uint64_t *v)
{
	_cleanup_free_ char *text = NULL;
	return alc_read_file_at(dirfd, file, &text) >= 0 && alc_flatkv_get(text, key, v) == 0;
}

/* Reads the quota file: "max 100000" or "50000 100000" (v2), -1 or N (v1). */
static bool read_quota(int cpufd, bool v1, uint64_t *q)
{
	_cleanup_free_ char *text = NULL;
	if (alc_read_file_at(cpufd, v1 ? "cpu.cfs_quota_us" : "cpu.max", &text) < 0)
		return false;
	if (!strncmp(text, "max", 3) || !strncmp(text, "-1", 2))
		*q = UINT64_MAX;
	else
		*q = strtoull(text, NULL, 10);
	return true;
}

/* Samples one group's files into s; s->ok says whether usage was readable. */
static void sample_group(const struct top_roots *r, const char *path, struct top_sample *s)
{
	memset(s, 0, sizeof(*s));
	_cleanup_close_ int v2 = open_group(r->v2fd, path);
	_cleanup_close_ int cpu = open_group(r->cpufd, path);
	s->at_us = now_us();
	if (v2 >= 0)
		s->ok = read_key(v2, "cpu.stat", "usage_usec", &s->usage_us);
	else if (cpu >= 0) { /* v1 only: cpuacct, in nanoseconds, shares cpu's directory */
		_cleanup_free_ char *text = NULL;
		s->ok = alc_read_file_at(cpu, "cpuacct.usage", &text) >= 0;
		s->usage_us = s->ok ? strtoull(text, NULL, 10) / 1000 : 0;
	}
	if (cpu >= 0) {
		s->has_quota = read_quota(cpu, r->v1, &s->quota_us);
		read_key(cpu, "cpu.stat", "nr_periods", &s->nr_periods);
		read_key(cpu, "cpu.stat", "nr_throttled", &s->nr_throttled);
	}
	_cleanup_free_ char *text = NULL;
	struct psi_stats st;
	if (v2 >= 0 && alc_read_file_at(v2, "cpu.pressure", &text) >= 0 &&
	    psi_parse(text, &st) == 0) {
		s->has_psi = true;
		s->some10 = st.some.avg10;
		s->has_full = st.has_full;
		s->full10 = st.full.avg10;
	}
}

/* Asks the daemon for its groups and samples them as the newest round. */
static int take_round(struct top *t, alc_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0, bad = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return alc_err_set(err, errno, "open_memstream");
	int r = sched_ctl(t->socket, "groups", mem, err);
	if (fclose(mem) != 0 && r == 0)
		r = alc_err_set(err, errno, "reading from %s", t->socket);
	if (r < 0)
		return r;
	int k = !t->cur;
	int n = top_parse_groups(text, t->groups[k], TOP_MAX_GROUPS, &bad);
	if (n < 0)
		return alc_err_setx(err, EPROTO, "%s: malformed groups line %zu (an older daemon?)",
				    t->socket, bad);
	t->n[k] = (size_t)n;
	for (int i = 0; i < n; i++)
		sample_group(&t->roots, t->groups[k][i].path, &t->samples[k][i]);
	t->cur = k;
	return 0;
}

/* Renders the newest round against the one before it, matched by path. */
static void render(const struct top *t, FILE *out, unsigned width)
{
	struct top_row rows[TOP_MAX_GROUPS];
	int k = t->cur, p = !k;
	for (size_t i = 0; i < t->n[k]; i++) {
		rows[i] = (struct top_row){ .g = &t->groups[k][i], .cur = t->samples[k][i] };
		for (size_t j = 0; j < t->n[p]; j++)
			if (!strcmp(t->groups[p][j].path, rows[i].g->path))
				rows[i].prev = t->samples[p][j];
	}
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime_r(&now, &tm));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct top_header h = { clock, t->socket, t->interval_ms, ncpu > 0 ? (unsigned)ncpu : 1 };
	top_frame(out, &h, rows, t->n[k], width);
}

static unsigned term_width(int fd)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	return c && atoi(c) > 0 ? (unsigned)atoi(c) : 100;
}

/* The terminal as it was, put back on every exit path. */
struct term {
	bool raw;
	struct termios saved;
};

static void term_enter(struct term *tm)
{
	tm->raw = false;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &tm->saved) == 0) {
		struct termios t = tm->saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tm->raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	fputs("\033[?1049h\033[?25l", stdout); /* alternate screen, cursor hidden */
	fflush(stdout);
}

static void term_leave(struct term *tm)
{
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (tm->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &tm->saved); /* nothing more to do if it fails */
}

/* Waits until deadline_us; returns 1 to quit (q, a signal, end of input),
 * 0 when the time is up. */
static int wait_input(int sigfd, bool keys, uint64_t deadline_us)
{
	for (;;) {
		uint64_t now = now_us();
		if (now >= deadline_us)
			return 0;
		struct pollfd p[2] = { { sigfd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
		int r = poll(p, keys ? 2 : 1, (int)((deadline_us - now + 999) / 1000));
		if (r < 0 && errno != EINTR)
			return 1;
		if (r > 0 && p[0].revents)
			return 1;
		if (r > 0 && keys && p[1].revents) {
			char c;
			ssize_t n = read(STDIN_FILENO, &c, 1);
			if (n <= 0 || c == 'q' || c == 'Q' || c == 3)
				return 1;
		}
	}
}

static int run_live(struct top *t, alc_err *err)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return alc_err_set(err, errno, "sigprocmask");
	_cleanup_close_ int sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sigfd < 0)
		return alc_err_set(err, errno, "signalfd");
	struct term tm;
	term_enter(&tm);
	int r = 0;
	bool keys = isatty(STDIN_FILENO);
	for (uint64_t next = now_us();;) {
		next += (uint64_t)t->interval_ms * 1000;
		if (wait_input(sigfd, keys, next))
			break;
		if ((r = take_round(t, err)) < 0)
			break;
		fputs("\033[H\033[2J", stdout);
		render(t, stdout, term_width(STDOUT_FILENO));
		fflush(stdout);
	}
	term_leave(&tm);
	return r;
}

static int parse_interval(const char *s, unsigned *ms)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 10 || v > 3600000)
		return -EINVAL;
	*ms = (unsigned)v;
	return 0;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct top t; /* two rounds of samples: too large for a small stack */
	memset(&t, 0, sizeof(t));
	t.socket = "/run/alcove/sched.sock";
	t.interval_ms = 1000;
	bool once = false;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 's':
			t.socket = optarg;
			break;
		case 'i':
			if (parse_interval(optarg, &t.interval_ms) < 0)
				return usage_error(
					"--interval wants milliseconds, 10 or more: '%s'", optarg);
			break;
		case 'o':
			once = true;
			break;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	alc_err err = { 0 };
	int r = open_roots(&t.roots, &err);
	_cleanup_close_ int v2fd = t.roots.v2fd, cpufd = t.roots.cpufd;
	if (r == 0)
		r = take_round(&t, &err); /* fails at once without a daemon */
	if (r == 0 && once) {
		struct timespec ts = { t.interval_ms / 1000,
				       (long)(t.interval_ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		r = take_round(&t, &err);
		if (r == 0)
			render(&t, stdout, term_width(STDOUT_FILENO));
	} else if (r == 0)
		r = run_live(&t, &err);
	if (r < 0) {
		fprintf(stderr, "alcove top: %s\n", err.msg);
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

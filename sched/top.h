/* alcove top's pure half: parsing the daemon's tab-separated "groups"
 * lines, turning two samples of a group's cgroup files into rates, and
 * rendering one text frame of a given width. No I/O beyond the FILE *
 * the frame is written to, so unit tests drive all of it. */
#ifndef ALC_SCHED_TOP_H
#define ALC_SCHED_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TOP_MAX_GROUPS 64

/* One line of the daemon's "groups" answer. */
struct top_group {
	char path[256];
	char cls[16];
	uint64_t quota_us; /* UINT64_MAX for "max" */
	uint64_t period_us;
	uint64_t burst_us;
	char state[16];	 /* "managed" or "gone" */
	char reason[32]; /* the last decision's reason, "-" for none */
	double ago_ms;	 /* since the last decision, < 0 for none */
};

/* What alcove top read from one group's files at one moment. */
struct top_sample {
	bool ok;	   /* the group's files could be read */
	uint64_t at_us;	   /* CLOCK_MONOTONIC time of the reading */
	uint64_t usage_us; /* cpu.stat usage_usec */
	uint64_t nr_periods, nr_throttled;
	bool has_quota;	   /* quota_us was read from the cgroup file */
	uint64_t quota_us; /* UINT64_MAX for unlimited */
	bool has_psi, has_full;
	double some10, full10; /* cpu.pressure avg10, percent */
};

/* One row to render: the daemon's view and two samples of the group. */
struct top_row {
	const struct top_group *g;
	struct top_sample prev, cur;
};

/* The rates a row shows; NAN-free: the have_* flags say what is known. */
struct top_rates {
	bool have_usage, have_throttle;
	double usage_cpus; /* CPUs used over the interval */
	double limit_cpus; /* quota/period, or the CPU count when unlimited */
	double throttled_pct;
	uint64_t quota_us; /* the file's value, else the daemon's */
};

/* The header line's contents. */
struct top_header {
	const char *clock; /* "12:00:01", formatted by the caller */
	const char *socket;
	unsigned interval_ms;
	unsigned ncpu;
};

/* Parses one "groups" line (with or without its newline) into g; returns 0
 * or -EINVAL when a field is missing, too long or not a number. */
int top_parse_group(const char *line, struct top_group *g);

/* Parses a whole "groups" answer into at most max groups; returns how many,
 * or -EINVAL at the first malformed line (*bad_line is its 1-based number). */
int top_parse_groups(const char *text, struct top_group *g, size_t max, size_t *bad_line);

/* Computes a row's rates against ncpu CPUs (used when the quota is max). */
void top_rates(const struct top_row *row, unsigned ncpu, struct top_rates *out);

/* Formats a usage bar of width cells ("[####....]" is width + 2 wide) into
 * buf, filled in proportion to used/limit (clamped); returns buf. */
char *top_bar(char *buf, size_t len, double used, double limit, unsigned width);

/* Writes the header, a column line and one line per row to out, each line
 * cut to width columns (at least 20); returns the number of lines. */
int top_frame(FILE *out, const struct top_header *h, const struct top_row *rows, size_t n,
	      unsigned width);

#endif

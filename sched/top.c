#include "top.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOP_BAR_CELLS 10
#define TOP_LAST_ROOM 16 /* columns kept for the LAST column when names are long */

static int parse_u64(const char *s, uint64_t *v)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*v = x;
	return 0;
}

/* Copies s into dst (size len); -EINVAL when empty or too long. */
static int copy_field(char *dst, size_t len, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(dst, s, n + 1);
	return 0;
}

int top_parse_group(const char *line, struct top_group *g)
{
	char buf[512];
	char *f[8];
	size_t nf = 0, n = strcspn(line, "\n");
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, n);
	buf[n] = '\0';
	for (char *p = buf; p; nf++) {
		if (nf == 8)
			return -EINVAL; /* a ninth field */
		f[nf] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	if (nf != 8)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	if (copy_field(g->path, sizeof(g->path), f[0]) || copy_field(g->cls, sizeof(g->cls), f[1]))
		return -EINVAL;
	if (!strcmp(f[2], "max"))
		g->quota_us = UINT64_MAX;
	else if (parse_u64(f[2], &g->quota_us))
		return -EINVAL;
	if (parse_u64(f[3], &g->period_us) || g->period_us == 0 || parse_u64(f[4], &g->burst_us))
		return -EINVAL;
	if (copy_field(g->state, sizeof(g->state), f[5]) ||
	    copy_field(g->reason, sizeof(g->reason), f[6]))
		return -EINVAL;
	char *end;
	g->ago_ms = strtod(f[7], &end);
	if (end == f[7] || *end || !isfinite(g->ago_ms))
		return -EINVAL;
	return 0;
}

int top_parse_groups(const char *text, struct top_group *g, size_t max, size_t *bad_line)
{
	size_t n = 0, line = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		line++;
		if (n == max)
			break;
		if (top_parse_group(p, &g[n]) < 0) {
			if (bad_line)
				*bad_line = line;
			return -EINVAL;
		}
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return (int)n;
}

void top_rates(const struct top_row *row, unsigned ncpu, struct top_rates *out)
{
	const struct top_sample *a = &row->prev, *b = &row->cur;
	memset(out, 0, sizeof(*out));
	out->quota_us = b->ok && b->has_quota ? b->quota_us : row->g->quota_us;
	if (out->quota_us == UINT64_MAX)
		out->limit_cpus = ncpu ? ncpu : 1;
	else
		out->limit_cpus = (double)out->quota_us / (double)row->g->period_us;
	if (!a->ok || !b->ok || b->at_us <= a->at_us)
		return;
	if (b->usage_us >= a->usage_us) {
		out->have_usage = true;
		out->usage_cpus =
			(double)(b->usage_us - a->usage_us) / (double)(b->at_us - a->at_us);
	}
	if (b->nr_periods > a->nr_periods && b->nr_throttled >= a->nr_throttled) {
		out->have_throttle = true;
		out->throttled_pct = 100.0 * (double)(b->nr_throttled - a->nr_throttled) /
				     (double)(b->nr_periods - a->nr_periods);
		if (out->throttled_pct > 100.0)
			out->throttled_pct = 100.0;
	}
}

char *top_bar(char *buf, size_t len, double used, double limit, unsigned width)
{
	if (len < (size_t)width + 3) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	unsigned fill = 0;
	if (limit > 0 && used > 0) {
		double f = used / limit * width + 0.5;
		fill = f >= width ? width : (unsigned)f;
		if (fill == 0)
			fill = 1; /* any use at all shows */
	}
	buf[0] = '[';
	for (unsigned i = 0; i < width; i++)
		buf[1 + i] = i < fill ? '#' : '.';
	buf[width + 1] = ']';
	buf[width + 2] = '\0';
	return buf;
}

/* "cut 1.2s ago", "-" without a decision, "gone" for a dropped group. */
static void format_last(char *buf, size_t len, const struct top_group *g)
{
	if (!strcmp(g->state, "gone"))
		snprintf(buf, len, "gone");
	else if (g->ago_ms < 0 || !strcmp(g->reason, "-"))
		snprintf(buf, len, "-");
	else if (g->ago_ms < 60000)
		snprintf(buf, len, "%s %.1fs ago", g->reason, g->ago_ms / 1000.0);
	else
		snprintf(buf, len, "%s %.0fm ago", g->reason, g->ago_ms / 60000.0);
}

/* Copies the path into buf in at most w columns, keeping its tail. */
static void format_name(char *buf, size_t len, const char *path, size_t w)
{
	size_t n = strlen(path);
	if (n <= w || w < 2)
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "~%s", path + n - (w - 1));
}

/* Formats v with two decimals (one with one_dp), or "-" when unknown. */
static void format_opt(char *buf, size_t len, bool have, double v, bool one_dp)
{
	if (!have)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, one_dp ? "%.1f" : "%.2f", v);
}

static void put_line(FILE *out, const char *line, unsigned width)
{
	fprintf(out, "%.*s\n", (int)width, line);
}

static void format_row(char *line, size_t len, const struct top_row *row, unsigned ncpu, int namew)
{
	struct top_rates r;
	char name[256], bar[TOP_BAR_CELLS + 3], use[40], thr[16], some[16], full[16], q[24],
		last[64];
	top_rates(row, ncpu, &r);
	format_name(name, sizeof(name), row->g->path, (size_t)namew);
	top_bar(bar, sizeof(bar), r.have_usage ? r.usage_cpus : 0, r.limit_cpus, TOP_BAR_CELLS);
	if (r.have_usage)
		snprintf(use, sizeof(use), "%s %.2f/%.2f", bar, r.usage_cpus, r.limit_cpus);
	else
		snprintf(use, sizeof(use), "%s ?/%.2f", bar, r.limit_cpus);
	format_opt(thr, sizeof(thr), r.have_throttle, r.throttled_pct, true);
	const struct top_sample *c = &row->cur;
	format_opt(some, sizeof(some), c->ok && c->has_psi, c->some10, false);
	format_opt(full, sizeof(full), c->ok && c->has_full, c->full10, false);
	if (r.quota_us == UINT64_MAX)
		snprintf(q, sizeof(q), "max");
	else
		snprintf(q, sizeof(q), "%llu", (unsigned long long)r.quota_us);
	format_last(last, sizeof(last), row->g);
	snprintf(line, len, "%-*s %-8s %-23s %5s %6s %6s %9s  %s", namew, name, row->g->cls, use,
		 thr, some, full, q, last);
}

int top_frame(FILE *out, const struct top_header *h, const struct top_row *rows, size_t n,
	      unsigned width)
{
	char line[512];
	if (width < 20)
		width = 20;
	if (width > sizeof(line) - 1)
		width = sizeof(line) - 1;
	/* The name column fits the longest path, but leaves the other columns
	 * (66 wide) and some of LAST on screen when it can. */
	int namew = 5;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(rows[i].g->path) > namew)
			namew = (int)strlen(rows[i].g->path);
	int room = (int)width - 66 - TOP_LAST_ROOM;
	if (namew > room)
		namew = room < 10 ? 10 : room;
	snprintf(line, sizeof(line), "alcove top  %s  socket %s  every %u ms  %u CPUs  %zu groups",
		 h->clock, h->socket, h->interval_ms, h->ncpu, n);
	put_line(out, line, width);
	snprintf(line, sizeof(line), "%-*s %-8s %-23s %5s %6s %6s %9s  %s", namew, "GROUP", "CLASS",
		 "CPU USED/LIMIT", "THR%", "SOME10", "FULL10", "QUOTA us", "LAST DECISION");
	put_line(out, line, width);
	for (size_t i = 0; i < n; i++) {
		format_row(line, sizeof(line), &rows[i], h->ncpu, namew);
		put_line(out, line, width);
	}
	return (int)n + 2;
}

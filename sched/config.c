#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "kvtext.h"
#include "units.h"

void sched_config_init(struct sched_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = SCHED_MODE_PSI;
	snprintf(c->writer, sizeof(c->writer), "auto");
	snprintf(c->socket, sizeof(c->socket), "/run/alcove/sched.sock");
}

static int parse_cpus(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d > 0) || d > 4096)
		return -EINVAL;
	*out = d;
	return 0;
}

/* Durations: "5ms", "500us", "2s" or plain microseconds. */
static int parse_duration(const char *v, uint64_t *us)
{
	char *end;
	double d = strtod(v, &end);
	double mult = 1;
	if (end == v || !(d > 0))
		return -EINVAL;
	if (!strcmp(end, "ms"))
		mult = 1000;
	else if (!strcmp(end, "s"))
		mult = 1000000;
	else if (*end && strcmp(end, "us"))
		return -EINVAL;
	*us = (uint64_t)(d * mult + 0.5);
	return *us ? 0 : -EINVAL;
}

static int valid_path(const char *p)
{
	if (!*p || p[0] == '/' || strstr(p, ".."))
		return 0;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_.:@-", *p))
			return 0;
	return 1;
}

/* "PATH CLASS [key=value...]" */
static int parse_group(struct sched_config *c, char *value, const char *where, alc_err *err)
{
	if (c->n_groups >= SCHED_MAX_GROUPS)
		return alc_err_setx(err, EINVAL, "%s: more than %d groups", where,
				    SCHED_MAX_GROUPS);
	struct sched_group_conf g = { 0 };
	char *save = NULL, *path = strtok_r(value, " \t", &save),
	     *cls = strtok_r(NULL, " \t", &save);
	if (!path || !cls)
		return alc_err_setx(err, EINVAL, "%s: group wants PATH CLASS [KEY=VALUE...]",
				    where);
	if (!valid_path(path) || strlen(path) >= sizeof(g.path))
		return alc_err_setx(err, EINVAL, "%s: bad group path '%s' (relative, no '..')",
				    where, path);
	if (strcmp(cls, "latency") && strcmp(cls, "default") && strcmp(cls, "batch"))
		return alc_err_setx(err, EINVAL, "%s: unknown class '%s' (latency, default, batch)",
				    where, cls);
	for (size_t i = 0; i < c->n_groups; i++)
		if (!strcmp(c->groups[i].path, path))
			return alc_err_setx(err, EINVAL, "%s: group %s given twice", where, path);
	snprintf(g.path, sizeof(g.path), "%s", path);
	snprintf(g.cls, sizeof(g.cls), "%s", cls);
	for (char *kv = strtok_r(NULL, " \t", &save); kv; kv = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(kv, '=');
		int r = -EINVAL;
		if (eq) {
			*eq = '\0';
			const char *v = eq + 1;
			if (!strcmp(kv, "target-stall"))
				r = parse_duration(v, &g.target_stall_us);
			else if (!strcmp(kv, "min-quota"))
				r = parse_cpus(v, &g.min_cpus);
			else if (!strcmp(kv, "max-quota"))
				r = parse_cpus(v, &g.max_cpus);
			else if (!strcmp(kv, "period"))
				r = parse_duration(v, &g.period_us);
			else if (!strcmp(kv, "burst"))
				r = parse_duration(v, &g.burst_us);
			else
				return alc_err_setx(err, EINVAL, "%s: unknown group setting '%s'",
						    where, kv);
			*eq = '=';
		}
		if (r < 0)
			return alc_err_setx(err, EINVAL, "%s: bad group setting '%s'", where, kv);
	}
	if (g.min_cpus && g.max_cpus && g.min_cpus > g.max_cpus)
		return alc_err_setx(err, EINVAL, "%s: min-quota above max-quota", where);
	c->groups[c->n_groups++] = g;
	return 0;
}

int sched_config_set(struct sched_config *c, const char *key, const char *value, const char *where,
		     alc_err *err)
{
	char buf[512];
	if (snprintf(buf, sizeof(buf), "%s", value) >= (int)sizeof(buf))
		return alc_err_setx(err, EINVAL, "%s: value too long", where);
	if (!strcmp(key, "group"))
		return parse_group(c, buf, where, err);
	if (!strcmp(key, "mode")) {
		if (strcmp(value, "psi") && strcmp(value, "poll"))
			return alc_err_setx(err, EINVAL, "%s: mode '%s' (psi or poll)", where,
					    value);
		c->mode = strcmp(value, "psi") ? SCHED_MODE_POLL : SCHED_MODE_PSI;
		return 0;
	}
	if (!strcmp(key, "writer")) {
		if (strcmp(value, "auto") && strcmp(value, "uring") && strcmp(value, "sync"))
			return alc_err_setx(err, EINVAL, "%s: writer '%s' (auto, uring or sync)",
					    where, value);
		snprintf(c->writer, sizeof(c->writer), "%s", value);
		return 0;
	}
	if (!strcmp(key, "budget") || !strcmp(key, "batch-budget")) {
		double *d = !strcmp(key, "budget") ? &c->budget_cpus : &c->batch_budget_cpus;
		if (parse_cpus(value, d) < 0)
			return alc_err_setx(err, EINVAL, "%s: %s '%s' (a CPU count, e.g. 1.5)",
					    where, key, value);
		return 0;
	}
	if (!strcmp(key, "socket")) {
		if (value[0] != '/' || strlen(value) >= sizeof(c->socket))
			return alc_err_setx(err, EINVAL, "%s: socket '%s' (an absolute path)",
					    where, value);
		snprintf(c->socket, sizeof(c->socket), "%s", value);
		return 0;
	}
	return alc_err_setx(err, EINVAL, "%s: unknown key '%s'", where, key);
}

static int config_pair(void *ctx, const char *key, const char *value, const char *source,
		       unsigned line, alc_err *err)
{
	char where[300];
	snprintf(where, sizeof(where), "%s:%u", source, line);
	return sched_config_set(ctx, key, value, where, err);
}

int sched_config_parse(struct sched_config *c, const char *text, const char *file, alc_err *err)
{
	return alc_kv_parse(text, file, config_pair, c, err);
}

int sched_config_load(struct sched_config *c, const char *path, alc_err *err)
{
	_cleanup_free_ char *text = NULL;
	long n = alc_read_file_at(AT_FDCWD, path, &text);
	if (n < 0)
		return alc_err_set(err, (int)-n, "%s", path);
	return sched_config_parse(c, text, path, err);
}

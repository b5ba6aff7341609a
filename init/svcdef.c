/* The service file parser: kvtext lines into a struct svc_def. */
#include "svcdef.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "classes.h"
#include "kvtext.h"
#include "units.h"

struct parse_ctx {
	struct svc_def *def;
	unsigned seen;	       /* bit per single-valued key given so far */
	unsigned restart_line; /* lines of the keys checked against each other */
	unsigned delay_line, max_line;
};

typedef int (*key_fn)(struct parse_ctx *c, const char *v, const char *where, alc_err *err);

struct key {
	const char *name;
	key_fn fn;
	bool repeat; /* may be given more than once */
};

static int bad(alc_err *err, const char *where, const char *key, const char *v, const char *want)
{
	return alc_err_setx(err, EINVAL, "%s: bad value for %s: '%s' (%s)", where, key, v, want);
}

static int set_str(char **dst, const char *v)
{
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

/* Appends s (taken, freed on failure) to the NULL-terminated vector *v of *n. */
static int strv_push(char ***v, size_t *n, char *s)
{
	char **nv = s ? realloc(*v, (*n + 2) * sizeof(**v)) : NULL;
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

void svc_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

bool svc_name_valid(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > SVC_NAME_MAX || n[0] == '.' || n[0] == '-')
		return false;
	return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-") ==
	       len;
}

/* Reads one word of a shell-like command line starting at *p into out (room
 * for strlen(line)+1); returns 1 for a word, 0 at the end, -EINVAL. */
static int next_word(const char **pp, char *out, const char **what)
{
	const char *p = *pp;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	char quote = 0;
	for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
		if (quote == '\'') {
			if (*p == '\'')
				quote = 0;
			else
				*out++ = *p;
		} else if (*p == '\\' && (!quote || strchr("\\\"$`", p[1]))) {
			if (!p[1]) {
				*what = "trailing backslash";
				return -EINVAL;
			}
			*out++ = *++p;
		} else if (*p == '"' && quote) {
			quote = 0;
		} else if ((*p == '"' || *p == '\'') && !quote) {
			quote = *p;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	*pp = p;
	if (quote) {
		*what = "unterminated quote";
		return -EINVAL;
	}
	return 1;
}

int svc_split_argv(const char *line, char ***argv, const char *where, alc_err *err)
{
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;
	char *word = malloc(strlen(line) + 1);
	const char *what = NULL;
	int r = v && word ? 0 : -ENOMEM;
	for (const char *p = line; r >= 0;) {
		r = next_word(&p, word, &what);
		if (r <= 0)
			break;
		r = strv_push(&v, &n, strdup(word));
	}
	free(word);
	if (r < 0) {
		svc_strv_free(v);
		*argv = NULL;
		if (r == -EINVAL)
			return alc_err_setx(err, EINVAL, "%s: %s in exec", where, what);
		return alc_err_set(err, -r, "%s", where);
	}
	*argv = v;
	return (int)n;
}

/* Returns the index of v in the NULL-terminated words (in enum order), or -1. */
static int word_index(const char *v, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(v, words[i]))
			return i;
	return -1;
}

static int k_exec(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int r = svc_split_argv(v, &c->def->exec, where, err);
	if (r < 0)
		return r;
	c->def->n_exec = (size_t)r;
	return 0;
}

/* User and group names: portable name characters, or a number. */
static bool valid_account(const char *v)
{
	size_t len = strlen(v);
	return len <= 32 && v[0] != '-' &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
		       len;
}

static int k_user(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	if (!valid_account(v))
		return bad(err, where, "user", v, "want a user name or uid");
	return set_str(&c->def->user, v);
}

static int k_group(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	if (!valid_account(v))
		return bad(err, where, "group", v, "want a group name or gid");
	return set_str(&c->def->group, v);
}

static int k_env(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	size_t name = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (name == 0 || isdigit((unsigned char)v[0]) || v[name] != '=')
		return bad(err, where, "env", v, "want NAME=VALUE");
	return strv_push(&c->def->env, &c->def->n_env, strdup(v));
}

static int abs_path(char **dst, const char *key, const char *v, const char *where, alc_err *err)
{
	if (v[0] != '/')
		return bad(err, where, key, v, "want an absolute path");
	return set_str(dst, v);
}

static int k_workdir(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return abs_path(&c->def->workdir, "workdir", v, where, err);
}

static int k_rootfs(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return abs_path(&c->def->rootfs, "rootfs", v, where, err);
}

static int k_type(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int i = word_index(v, (const char *const[]){ "simple", "oneshot", NULL });
	if (i < 0)
		return bad(err, where, "type", v, "want simple or oneshot");
	c->def->type = (enum svc_type)i;
	return 0;
}

static int k_restart(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int i = word_index(v, (const char *const[]){ "no", "on-failure", "always", NULL });
	if (i < 0)
		return bad(err, where, "restart", v, "want always, on-failure or no");
	c->def->restart = (enum svc_restart)i;
	return 0;
}

static int k_restart_limit(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int64_t n;
	if (!strcmp(v, "unlimited"))
		c->def->restart_limit = SVC_RESTART_UNLIMITED;
	else if (alc_parse_int(v, 0, 1000000, &n) == 0)
		c->def->restart_limit = (unsigned)n;
	else
		return bad(err, where, "restart-limit", v, "want 0..1000000 or unlimited");
	return 0;
}

/* Durations: "250ms", "5s", "2m", or plain seconds; at most a day. */
static int parse_duration(const char *v, uint64_t *ms)
{
	char *end;
	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	uint64_t mult;
	if (!strcmp(end, "ms"))
		mult = 1;
	else if (!*end || !strcmp(end, "s"))
		mult = 1000;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		mult = 60000;
	else
		return -EINVAL;
	if (errno == ERANGE || n > 86400000ULL / mult)
		return -ERANGE;
	*ms = n * mult;
	return 0;
}

static int duration(uint64_t *dst, const char *key, const char *v, const char *where, alc_err *err)
{
	if (parse_duration(v, dst) < 0)
		return bad(err, where, key, v,
			   "want a duration such as 500ms, 5s or 2m, up to a day");
	return 0;
}

static int k_delay(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return duration(&c->def->restart_delay_ms, "restart-delay", v, where, err);
}

static int k_max_delay(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return duration(&c->def->restart_max_ms, "restart-max-delay", v, where, err);
}

static int k_reset(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return duration(&c->def->restart_reset_ms, "restart-reset", v, where, err);
}

static int k_stop_timeout(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return duration(&c->def->stop_timeout_ms, "stop-timeout", v, where, err);
}

/* Space-separated service names. */
static int names(char ***dst, size_t *n, const char *key, const char *v, const char *where,
		 alc_err *err)
{
	_cleanup_free_ char *copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!svc_name_valid(w))
			return bad(err, where, key, w, "want service names");
		int r = strv_push(dst, n, strdup(w));
		if (r < 0)
			return r;
	}
	return 0;
}

static int k_after(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return names(&c->def->after, &c->def->n_after, "after", v, where, err);
}

static int k_requires(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	return names(&c->def->requires, &c->def->n_requires, "requires", v, where, err);
}

static int k_ready(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int64_t fd;
	if (!strcmp(v, "none")) {
		c->def->ready = SVC_READY_NONE;
	} else if (!strncmp(v, "fd:", 3) && alc_parse_int(v + 3, 3, 1023, &fd) == 0) {
		c->def->ready = SVC_READY_FD;
		c->def->ready_fd = (int)fd;
	} else if (!strncmp(v, "pidfile:/", 9)) {
		c->def->ready = SVC_READY_PIDFILE;
		return set_str(&c->def->ready_pidfile, v + 8);
	} else {
		return bad(err, where, "ready", v,
			   "want none, fd:N with N in 3..1023, or pidfile:/PATH");
	}
	return 0;
}

static int k_class(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	enum sched_class cls;
	if (sched_class_parse(v, &cls) < 0)
		return bad(err, where, "class", v, "want latency, default or batch");
	return set_str(&c->def->class, v);
}

static int k_cpus(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int64_t quota;
	if (!strcmp(v, "max"))
		return set_str(&c->def->cpus, v);
	if (alc_parse_cpus(v, 100000, &quota) < 0)
		return bad(err, where, "cpus", v, "want a CPU count above 0, e.g. 0.5, or max");
	return set_str(&c->def->cpus, v);
}

static int k_memory(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int64_t bytes;
	if (!strcmp(v, "max"))
		return set_str(&c->def->memory, v);
	if (alc_parse_size(v, &bytes) < 0)
		return bad(err, where, "memory", v, "want a positive size such as 64M, or max");
	return set_str(&c->def->memory, v);
}

static int k_pids(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int64_t n;
	if (!strcmp(v, "max"))
		return set_str(&c->def->pids, v);
	if (alc_parse_int(v, 1, INT32_MAX, &n) < 0)
		return bad(err, where, "pids", v, "want a positive count, or max");
	return set_str(&c->def->pids, v);
}

/* A CPU list: "N" or "N-M" (N <= M) items, comma-separated, CPUs < 8192. */
static bool valid_cpu_list(const char *v)
{
	for (const char *p = v;; p++) {
		char *end;
		if (!isdigit((unsigned char)*p))
			return false;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return false;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= 8192)
			return false;
		if (!*end)
			return true;
		if (*end != ',')
			return false;
		p = end;
	}
}

static int k_cpuset(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	if (!valid_cpu_list(v))
		return bad(err, where, "cpuset", v, "want a CPU list such as 0-1,3");
	return set_str(&c->def->cpuset, v);
}

static int k_log(struct parse_ctx *c, const char *v, const char *where, alc_err *err)
{
	int i = word_index(v, (const char *const[]){ "console", "ring", NULL });
	if (i < 0)
		return bad(err, where, "log", v, "want console or ring");
	c->def->log = (enum svc_log)i;
	return 0;
}

static const struct key keys[] = {
	{ "exec", k_exec, false },	     { "user", k_user, false },
	{ "group", k_group, false },	     { "env", k_env, true },
	{ "workdir", k_workdir, false },     { "type", k_type, false },
	{ "restart", k_restart, false },     { "restart-limit", k_restart_limit, false },
	{ "restart-delay", k_delay, false }, { "restart-max-delay", k_max_delay, false },
	{ "restart-reset", k_reset, false }, { "stop-timeout", k_stop_timeout, false },
	{ "after", k_after, true },	     { "requires", k_requires, true },
	{ "ready", k_ready, false },	     { "class", k_class, false },
	{ "cpus", k_cpus, false },	     { "memory", k_memory, false },
	{ "pids", k_pids, false },	     { "cpuset", k_cpuset, false },
	{ "rootfs", k_rootfs, false },	     { "log", k_log, false },
};

static int on_pair(void *ctx, const char *key, const char *value, const char *source, unsigned line,
		   alc_err *err)
{
	struct parse_ctx *c = ctx;
	char where[320];
	snprintf(where, sizeof(where), "%s:%u", source, line);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		if (!keys[i].repeat && (c->seen & (1u << i)))
			return alc_err_setx(err, EINVAL, "%s: %s given twice", where, key);
		c->seen |= 1u << i;
		if (keys[i].fn == k_restart)
			c->restart_line = line;
		else if (keys[i].fn == k_delay)
			c->delay_line = line;
		else if (keys[i].fn == k_max_delay)
			c->max_line = line;
		else if (keys[i].fn == k_after)
			c->def->after_line = line;
		else if (keys[i].fn == k_requires)
			c->def->requires_line = line;
		int r = keys[i].fn(c, value, where, err);
		if (r == -ENOMEM)
			return alc_err_set(err, ENOMEM, "%s", where);
		return r;
	}
	return alc_err_setx(err, EINVAL, "%s: unknown key '%s'", where, key);
}

/* Checks between keys, once the whole file is read. */
static int check_def(const struct parse_ctx *c, const char *source, alc_err *err)
{
	const struct svc_def *d = c->def;
	if (!d->exec)
		return alc_err_setx(err, EINVAL, "%s: missing exec", source);
	if (!d->n_exec || !d->exec[0][0])
		return alc_err_setx(err, EINVAL, "%s: exec has an empty program name", source);
	if (d->type == SVC_ONESHOT && d->restart == SVC_RESTART_ALWAYS)
		return alc_err_setx(
			err, EINVAL,
			"%s:%u: bad value for restart: 'always' (a oneshot is done once "
			"it exits 0; want on-failure or no)",
			source, c->restart_line);
	if (d->type == SVC_ONESHOT && d->ready != SVC_READY_NONE)
		return alc_err_setx(err, EINVAL,
				    "%s: a oneshot is ready when it exits 0; remove the ready key",
				    source);
	if (d->restart_delay_ms > d->restart_max_ms)
		return alc_err_setx(err, EINVAL,
				    "%s:%u: restart-delay (%llu ms) is above restart-max-delay "
				    "(%llu ms)",
				    source,
				    c->delay_line > c->max_line ? c->delay_line : c->max_line,
				    (unsigned long long)d->restart_delay_ms,
				    (unsigned long long)d->restart_max_ms);
	return 0;
}

static void set_defaults(struct svc_def *d)
{
	d->type = SVC_SIMPLE;
	d->restart_limit = 5;
	d->restart_delay_ms = 100;
	d->restart_max_ms = 10000;
	d->restart_reset_ms = 10000;
	d->stop_timeout_ms = 5000;
	d->ready = SVC_READY_NONE;
	d->log = SVC_LOG_CONSOLE;
}

static int init_strv(char ***v)
{
	*v = calloc(1, sizeof(**v));
	return *v ? 0 : -ENOMEM;
}

int svc_def_parse(struct svc_def *def, const char *name, const char *source, const char *text,
		  alc_err *err)
{
	memset(def, 0, sizeof(*def));
	set_defaults(def);
	struct parse_ctx c = { .def = def };
	int r = 0;
	if (set_str(&def->name, name) < 0 || set_str(&def->source, source) < 0 ||
	    init_strv(&def->env) < 0 || init_strv(&def->after) < 0 || init_strv(&def->requires) < 0)
		r = alc_err_set(err, ENOMEM, "%s", source);
	if (r == 0)
		r = alc_kv_parse(text, source, on_pair, &c, err);
	if (r == 0 && !c.restart_line) /* restart not given: by type */
		def->restart = def->type == SVC_ONESHOT ? SVC_RESTART_NO : SVC_RESTART_ON_FAILURE;
	if (r == 0)
		r = check_def(&c, source, err);
	if (r < 0)
		svc_def_free(def);
	return r;
}

void svc_def_free(struct svc_def *d)
{
	char **strs[] = { &d->name,    &d->source,	  &d->error, &d->user, &d->group,
			  &d->workdir, &d->ready_pidfile, &d->class, &d->cpus, &d->memory,
			  &d->pids,    &d->cpuset,	  &d->rootfs };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	svc_strv_free(d->exec);
	svc_strv_free(d->env);
	svc_strv_free(d->after);
	svc_strv_free(d->requires);
	memset(d, 0, sizeof(*d));
}

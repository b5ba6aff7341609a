#include "initconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kvtext.h"
#include "units.h"

static const char *const action_names[] = {
	[INIT_ACT_NONE] = "none",
	[INIT_ACT_REBOOT] = "reboot",
	[INIT_ACT_POWEROFF] = "poweroff",
	[INIT_ACT_HALT] = "halt",
};

const char *init_action_name(enum init_action a)
{
	return a <= INIT_ACT_HALT ? action_names[a] : "?";
}

void init_config_defaults(struct init_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->services, sizeof(c->services), "/etc/alcove/services.d");
	snprintf(c->socket, sizeof(c->socket), "/run/alcove/init.sock");
	snprintf(c->cgroup, sizeof(c->cgroup), "alcove");
	snprintf(c->shell, sizeof(c->shell), "/bin/sh");
	c->cad = INIT_ACT_REBOOT;
	c->sigpwr = INIT_ACT_POWEROFF;
	c->kill_timeout_ms = 2000;
	sched_config_init(&c->sched);
}

static int set_bool(bool *b, const char *key, const char *v, const char *where, alc_err *err)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*b = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*b = false;
	else
		return alc_err_setx(err, EINVAL, "%s: %s '%s' (yes or no)", where, key, v);
	return 0;
}

static int set_action(enum init_action *a, const char *key, const char *v, const char *where,
		      alc_err *err)
{
	for (int i = INIT_ACT_NONE; i <= INIT_ACT_HALT; i++)
		if (!strcmp(v, action_names[i])) {
			*a = (enum init_action)i;
			return 0;
		}
	return alc_err_setx(err, EINVAL, "%s: %s '%s' (reboot, poweroff, halt or none)", where, key,
			    v);
}

static int set_path(char *dst, size_t len, bool absolute, const char *key, const char *v,
		    const char *where, alc_err *err)
{
	bool ok =
		*v && strlen(v) < len && (absolute ? v[0] == '/' : v[0] != '/') && !strstr(v, "..");
	if (!ok)
		return alc_err_setx(err, EINVAL, "%s: %s '%s' (%s path)", where, key, v,
				    absolute ? "an absolute" : "a relative cgroup");
	snprintf(dst, len, "%s", v);
	return 0;
}

int init_config_set(struct init_config *c, const char *key, const char *value, const char *where,
		    alc_err *err)
{
	if (!strncmp(key, "sched.", 6) && strcmp(key + 6, "group") && strcmp(key + 6, "socket"))
		return sched_config_set(&c->sched, key + 6, value, where, err);
	if (!strcmp(key, "services"))
		return set_path(c->services, sizeof(c->services), true, key, value, where, err);
	if (!strcmp(key, "socket"))
		return set_path(c->socket, sizeof(c->socket), true, key, value, where, err);
	if (!strcmp(key, "shell"))
		return set_path(c->shell, sizeof(c->shell), true, key, value, where, err);
	if (!strcmp(key, "cgroup"))
		return set_path(c->cgroup, sizeof(c->cgroup), false, key, value, where, err);
	if (!strcmp(key, "emergency-shell"))
		return set_bool(&c->emergency_shell, key, value, where, err);
	if (!strcmp(key, "probe") && !strcmp(value, "only")) {
		c->probe = 2;
		return 0;
	}
	if (!strcmp(key, "probe")) {
		bool b = false;
		int r = set_bool(&b, key, value, where, err);
		c->probe = r < 0 ? c->probe : b;
		return r < 0 ? alc_err_setx(err, EINVAL, "%s: probe '%s' (yes, no or only)", where,
					    value)
			     : 0;
	}
	if (!strcmp(key, "ctrl-alt-del"))
		return set_action(&c->cad, key, value, where, err);
	if (!strcmp(key, "sigpwr"))
		return set_action(&c->sigpwr, key, value, where, err);
	if (!strcmp(key, "kill-timeout")) {
		int64_t ms;
		if (alc_parse_int(value, 0, 600000, &ms) < 0)
			return alc_err_setx(err, EINVAL, "%s: kill-timeout '%s' (0..600000 ms)",
					    where, value);
		c->kill_timeout_ms = (uint64_t)ms;
		return 0;
	}
	return alc_err_setx(err, EINVAL, "%s: unknown key '%s'", where, key);
}

static int pair(void *ctx, const char *key, const char *value, const char *source, unsigned line,
		alc_err *err)
{
	char where[300];
	snprintf(where, sizeof(where), "%s:%u", source, line);
	return init_config_set(ctx, key, value, where, err);
}

int init_config_parse(struct init_config *c, const char *text, const char *file, alc_err *err)
{
	return alc_kv_parse(text, file, pair, c, err);
}

int init_config_cmdline(struct init_config *c, const char *cmdline, alc_err *err)
{
	char word[512];
	for (const char *p = cmdline; *p;) {
		size_t n = strcspn(p, " \t\n");
		if (n > 7 && n < sizeof(word) && !strncmp(p, "alcove.", 7)) {
			snprintf(word, sizeof(word), "%.*s", (int)(n - 7), p + 7);
			char *eq = strchr(word, '=');
			if (!eq)
				return alc_err_setx(err, EINVAL, "cmdline: alcove.%s wants =VALUE",
						    word);
			*eq = '\0';
			int r = init_config_set(c, word, eq + 1, "cmdline", err);
			if (r < 0)
				return r;
		}
		p += n;
		p += strspn(p, " \t\n");
	}
	return 0;
}

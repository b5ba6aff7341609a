#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "kvtext.h"
#include "probe.h"

/* Copies a value into a fixed field; 0 or -EINVAL naming source:line. */
static int set_field(char *dst, size_t len, const char *val, const char *key, const char *src,
		     unsigned line, alc_err *err)
{
	if (strlen(val) >= len)
		return alc_err_setx(err, EINVAL, "%s:%u: value of '%s' longer than %zu characters",
				    src, line, key, len - 1);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

static int parse_quirk(struct board_profile *p, const char *val, const char *src, unsigned line,
		       alc_err *err)
{
	const char *colon = strchr(val, ':');
	if (!colon || colon == val)
		return alc_err_setx(err, EINVAL, "%s:%u: quirk wants 'FEATURE: fix', got '%s'", src,
				    line, val);
	char key[32];
	size_t kl = (size_t)(colon - val);
	if (kl >= sizeof(key))
		kl = sizeof(key) - 1;
	memcpy(key, val, kl);
	key[kl] = '\0';
	int feat = board_feature_by_key(key);
	if (feat < 0)
		return alc_err_setx(err, EINVAL, "%s:%u: quirk names unknown feature '%s'", src,
				    line, key);
	if (p->nquirk == BOARD_PROFILE_QUIRKS)
		return alc_err_setx(err, EINVAL, "%s:%u: more than %d quirk lines", src, line,
				    BOARD_PROFILE_QUIRKS);
	const char *fix = colon + 1;
	while (*fix == ' ')
		fix++;
	if (!*fix)
		return alc_err_setx(err, EINVAL, "%s:%u: quirk '%s' has no fix", src, line, key);
	struct board_quirk *q = &p->quirk[p->nquirk];
	q->feature = feat;
	int r = set_field(q->fix, sizeof(q->fix), fix, "quirk", src, line, err);
	if (r == 0)
		p->nquirk++;
	return r;
}

/* One "key = value" of a profile (an alc_kv_fn over struct board_profile). */
static int parse_pair(void *ctx, const char *key, const char *val, const char *src, unsigned line,
		      alc_err *err)
{
	struct board_profile *p = ctx;
	if (!strcmp(key, "name")) {
		for (const char *c = val; *c; c++)
			if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '-')
				return alc_err_setx(err, EINVAL,
						    "%s:%u: name '%s' is not [a-z0-9-]", src, line,
						    val);
		return set_field(p->name, sizeof(p->name), val, key, src, line, err);
	}
	if (!strcmp(key, "description"))
		return set_field(p->description, sizeof(p->description), val, key, src, line, err);
	if (!strcmp(key, "console"))
		return set_field(p->console, sizeof(p->console), val, key, src, line, err);
	if (!strcmp(key, "match")) {
		if (p->nmatch == BOARD_PROFILE_MATCHES)
			return alc_err_setx(err, EINVAL, "%s:%u: more than %d match lines", src,
					    line, BOARD_PROFILE_MATCHES);
		int r = set_field(p->match[p->nmatch], sizeof(p->match[0]), val, key, src, line,
				  err);
		if (r == 0)
			p->nmatch++;
		return r;
	}
	if (!strcmp(key, "latency_cpus")) {
		if (!strcmp(val, "big"))
			p->latency = BOARD_LATENCY_BIG;
		else if (!strcmp(val, "all"))
			p->latency = BOARD_LATENCY_ALL;
		else
			return alc_err_setx(err, EINVAL,
					    "%s:%u: latency_cpus is 'big' or 'all', not '%s'", src,
					    line, val);
		return 0;
	}
	if (!strcmp(key, "quirk"))
		return parse_quirk(p, val, src, line, err);
	return alc_err_setx(err, EINVAL, "%s:%u: unknown key '%s'", src, line, key);
}

int board_profile_parse(const char *text, const char *source, struct board_profile *out,
			alc_err *err)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->source, sizeof(out->source), "%s", source);
	int r = alc_kv_parse(text, source, parse_pair, out, err);
	if (r < 0)
		return r;
	if (!out->name[0])
		return alc_err_setx(err, EINVAL, "%s: no 'name = ' line", source);
	return 0;
}

int board_profile_matches(const struct board_profile *p, const char *model)
{
	for (unsigned i = 0; i < p->nmatch; i++)
		if (fnmatch(p->match[i], model, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

char *board_profile_names(char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < board_profile_ntexts && used < len; i++) {
		const char *f = board_profile_texts[i].file;
		const char *dot = strrchr(f, '.');
		int n = dot ? (int)(dot - f) : (int)strlen(f);
		int w = snprintf(buf + used, len - used, "%s%.*s", used ? " " : "", n, f);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

int board_profile_builtin(const char *name, struct board_profile *out, alc_err *err)
{
	for (size_t i = 0; i < board_profile_ntexts; i++) {
		int r = board_profile_parse(board_profile_texts[i].text,
					    board_profile_texts[i].file, out, err);
		if (r < 0)
			return r;
		if (!strcmp(out->name, name))
			return 0;
	}
	char names[256];
	return alc_err_setx(err, ENOENT, "no built-in profile '%s' (known: %s)", name,
			    board_profile_names(names, sizeof(names)));
}

int board_profile_for_model(const char *model, struct board_profile *out, alc_err *err)
{
	for (size_t i = 0; model[0] && i < board_profile_ntexts; i++) {
		int r = board_profile_parse(board_profile_texts[i].text,
					    board_profile_texts[i].file, out, err);
		if (r < 0)
			return r;
		if (board_profile_matches(out, model))
			return 0;
	}
	return board_profile_builtin("generic", out, err);
}

int board_profile_load_file(const char *path, struct board_profile *out, alc_err *err)
{
	_cleanup_free_ char *text = NULL;
	long r = alc_read_file_at(AT_FDCWD, path, &text);
	if (r < 0)
		return alc_err_set(err, (int)-r, "profile %s", path);
	return board_profile_parse(text, path, out, err);
}

int board_profile_choose(const char *arg, const char *model, struct board_profile *out,
			 alc_err *err)
{
	if (!arg)
		return board_profile_for_model(model, out, err);
	if (strchr(arg, '/'))
		return board_profile_load_file(arg, out, err);
	return board_profile_builtin(arg, out, err);
}

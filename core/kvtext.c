#include "kvtext.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int alc_kv_parse(const char *text, const char *source, alc_kv_fn fn, void *ctx, alc_err *err)
{
	_cleanup_free_ char *copy = strdup(text);
	if (!copy)
		return alc_err_set(err, ENOMEM, "%s", source);
	unsigned lineno = 0;
	for (char *line = copy, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *l = trim(line);
		if (!*l)
			continue;
		char *eq = strchr(l, '=');
		if (eq)
			*eq = '\0';
		char *key = trim(l), *value = eq ? trim(eq + 1) : NULL;
		if (!value || !*key || !*value)
			return alc_err_setx(err, EINVAL, "%s:%u: want key = value", source, lineno);
		int r = fn(ctx, key, value, source, lineno, err);
		if (r < 0)
			return r;
	}
	return 0;
}

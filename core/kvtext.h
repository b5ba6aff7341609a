/* The one text format of alcove's configuration files (the scheduler's
 * config, board profiles, service files): "key = value" lines, # comments,
 * blank lines. Parsing is pure; errors name SOURCE:LINE. */
#ifndef ALC_KVTEXT_H
#define ALC_KVTEXT_H

#include "err.h"

/* Called for each pair, key and value trimmed and non-empty; returns 0 or a
 * negative errno with err set (naming source:line). */
typedef int (*alc_kv_fn)(void *ctx, const char *key, const char *value, const char *source,
			 unsigned line, alc_err *err);

/* Calls fn for each "key = value" line of text; returns 0, fn's error, or
 * -EINVAL with err "SOURCE:LINE: want key = value" for any other line. */
int alc_kv_parse(const char *text, const char *source, alc_kv_fn fn, void *ctx, alc_err *err);

#endif

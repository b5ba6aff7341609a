#include "jsonpath.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

void jp_init(struct oci_jp *jp, const char *source, alc_err *err)
{
	jp->source = source;
	jp->err = err;
	jp->path[0] = '\0';
	jp->len = 0;
}

static bool is_ident(const char *key)
{
	if (!*key || isdigit((unsigned char)*key))
		return false;
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static size_t jp_append(struct oci_jp *jp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t jp_append(struct oci_jp *jp, const char *fmt, ...)
{
	size_t saved = jp->len, room = sizeof(jp->path) - jp->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(jp->path + jp->len, room, fmt, ap);
	va_end(ap);
	/* A path too deep for the buffer is cut; the message stays one line. */
	jp->len = n < 0 ? jp->len : (size_t)n >= room ? sizeof(jp->path) - 1 : jp->len + (size_t)n;
	return saved;
}

size_t jp_key(struct oci_jp *jp, const char *key)
{
	if (is_ident(key))
		return jp_append(jp, ".%s", key);
	return jp_append(jp, "[\"%.64s\"]", key);
}

size_t jp_index(struct oci_jp *jp, size_t i)
{
	return jp_append(jp, "[%zu]", i);
}

void jp_pop(struct oci_jp *jp, size_t saved)
{
	jp->len = saved;
	jp->path[saved] = '\0';
}

static int jp_vfail(struct oci_jp *jp, const char *fmt, va_list ap)
{
	char msg[256];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	int r = alc_err_setx(jp->err, EINVAL, "%s: %s: %s", jp->source, jp->len ? jp->path : ".",
			     msg);
	/* Keys and values quoted from the input may hold control characters;
	 * the message stays one printable line. */
	for (char *p = jp->err ? jp->err->msg : NULL; p && *p; p++)
		if (iscntrl((unsigned char)*p))
			*p = '?';
	return r;
}

int jp_fail(struct oci_jp *jp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = jp_vfail(jp, fmt, ap);
	va_end(ap);
	return r;
}

int jp_fail_key(struct oci_jp *jp, const char *key, const char *fmt, ...)
{
	size_t saved = jp_key(jp, key);
	va_list ap;
	va_start(ap, fmt);
	int r = jp_vfail(jp, fmt, ap);
	va_end(ap);
	jp_pop(jp, saved);
	return r;
}

int jp_nomem(struct oci_jp *jp)
{
	return alc_err_set(jp->err, ENOMEM, "%s: %s", jp->source, jp->len ? jp->path : ".");
}

int jp_want_string(struct oci_jp *jp, json_object *v, const char **out)
{
	if (!json_object_is_type(v, json_type_string))
		return jp_fail(jp, "want a string");
	const char *s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return jp_fail(jp, "must not contain a NUL character");
	*out = s;
	return 0;
}

int jp_want_bool(struct oci_jp *jp, json_object *v, bool *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return jp_fail(jp, "want true or false");
	*out = json_object_get_boolean(v);
	return 0;
}

int jp_want_int(struct oci_jp *jp, json_object *v, int64_t min, int64_t max, int64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return jp_fail(jp, "want an integer");
	int64_t i = json_object_get_int64(v);
	/* Above INT64_MAX json-c holds a uint64 and get_int64 saturates. */
	bool huge = i == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX;
	if (huge || i < min || i > max)
		return jp_fail(jp, "want an integer from %" PRId64 " to %" PRId64, min, max);
	*out = i;
	return 0;
}

int jp_want_uint(struct oci_jp *jp, json_object *v, uint64_t max, uint64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return jp_fail(jp, "want an integer");
	uint64_t u = json_object_get_uint64(v);
	if (json_object_get_int64(v) < 0 || u > max)
		return jp_fail(jp, "want an integer from 0 to %" PRIu64, max);
	*out = u;
	return 0;
}

int jp_want_object(struct oci_jp *jp, json_object *v)
{
	return json_object_is_type(v, json_type_object) ? 0 : jp_fail(jp, "want an object");
}

int jp_want_array(struct oci_jp *jp, json_object *v)
{
	return json_object_is_type(v, json_type_array) ? 0 : jp_fail(jp, "want an array");
}

json_object *jp_get(json_object *obj, const char *key)
{
	json_object *v = NULL;
	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v; /* NULL for a JSON null too */
}

/* Runs one jp_want_ check on obj.key with the path extended by key. */
#define JP_MEMBER(jp, obj, key, call)                                                              \
	({                                                                                         \
		json_object *v = jp_get((obj), (key));                                             \
		int _r = 0;                                                                        \
		if (v) {                                                                           \
			size_t _saved = jp_key((jp), (key));                                       \
			_r = (call);                                                               \
			jp_pop((jp), _saved);                                                      \
			_r = _r < 0 ? _r : 1;                                                      \
		}                                                                                  \
		_r;                                                                                \
	})

int jp_opt_string(struct oci_jp *jp, json_object *obj, const char *key, const char **out)
{
	return JP_MEMBER(jp, obj, key, jp_want_string(jp, v, out));
}

int jp_opt_bool(struct oci_jp *jp, json_object *obj, const char *key, bool *out)
{
	return JP_MEMBER(jp, obj, key, jp_want_bool(jp, v, out));
}

int jp_opt_int(struct oci_jp *jp, json_object *obj, const char *key, int64_t min, int64_t max,
	       int64_t *out)
{
	return JP_MEMBER(jp, obj, key, jp_want_int(jp, v, min, max, out));
}

int jp_opt_uint(struct oci_jp *jp, json_object *obj, const char *key, uint64_t max, uint64_t *out)
{
	return JP_MEMBER(jp, obj, key, jp_want_uint(jp, v, max, out));
}

int jp_opt_object(struct oci_jp *jp, json_object *obj, const char *key, json_object **out)
{
	int r = JP_MEMBER(jp, obj, key, jp_want_object(jp, v));
	if (r > 0)
		*out = jp_get(obj, key);
	return r;
}

int jp_opt_array(struct oci_jp *jp, json_object *obj, const char *key, json_object **out)
{
	int r = JP_MEMBER(jp, obj, key, jp_want_array(jp, v));
	if (r > 0)
		*out = jp_get(obj, key);
	return r;
}

int jp_req_string(struct oci_jp *jp, json_object *obj, const char *key, const char **out)
{
	int r = jp_opt_string(jp, obj, key, out);
	return r ? (r < 0 ? r : 0) : jp_fail_key(jp, key, "missing");
}

int jp_req_uint(struct oci_jp *jp, json_object *obj, const char *key, uint64_t max, uint64_t *out)
{
	int r = jp_opt_uint(jp, obj, key, max, out);
	return r ? (r < 0 ? r : 0) : jp_fail_key(jp, key, "missing");
}

int jp_strdup(struct oci_jp *jp, char **dst, const char *s)
{
	char *d = strdup(s);
	if (!d)
		return jp_nomem(jp);
	free(*dst);
	*dst = d;
	return 0;
}

int jp_each(struct oci_jp *jp, json_object *obj, const char *key, jp_elem_fn fn, void *ctx)
{
	json_object *a;
	int r = jp_opt_array(jp, obj, key, &a);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, key);
	for (size_t i = 0; r >= 0 && i < json_object_array_length(a); i++) {
		size_t at = jp_index(jp, i);
		r = fn(jp, json_object_array_get_idx(a, i), ctx);
		jp_pop(jp, at);
	}
	jp_pop(jp, saved);
	return r < 0 ? r : 0;
}

struct each_object {
	jp_elem_fn fn;
	void *ctx;
};

static int object_then(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct each_object *e = ctx;
	int r = jp_want_object(jp, v);
	return r < 0 ? r : e->fn(jp, v, e->ctx);
}

int jp_each_object(struct oci_jp *jp, json_object *obj, const char *key, jp_elem_fn fn, void *ctx)
{
	struct each_object e = { fn, ctx };
	return jp_each(jp, obj, key, object_then, &e);
}

int jp_each_member(struct oci_jp *jp, json_object *obj, const char *key, jp_member_fn fn, void *ctx)
{
	json_object *o;
	int r = jp_opt_object(jp, obj, key, &o);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, key);
	json_object_object_foreach(o, k, v)
	{
		size_t at = jp_key(jp, k);
		r = fn(jp, k, v, ctx);
		jp_pop(jp, at);
		if (r < 0)
			break;
	}
	jp_pop(jp, saved);
	return r < 0 ? r : 0;
}

int jp_sub(struct oci_jp *jp, json_object *obj, const char *key, jp_elem_fn fn, void *ctx)
{
	json_object *o;
	int r = jp_opt_object(jp, obj, key, &o);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, key);
	r = fn(jp, o, ctx);
	jp_pop(jp, saved);
	return r < 0 ? r : 1;
}

struct strv {
	char ***v;
	size_t *n;
};

static int strv_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct strv *sv = ctx;
	const char *s;
	int r = jp_want_string(jp, v, &s);
	if (r >= 0 && alc_strv_add(sv->v, sv->n, s) < 0)
		r = jp_nomem(jp);
	return r;
}

int jp_opt_strv(struct oci_jp *jp, json_object *obj, const char *key, char ***v, size_t *n)
{
	struct strv sv = { v, n };
	return jp_each(jp, obj, key, strv_elem, &sv);
}

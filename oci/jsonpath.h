/* Typed reads from json-c objects that keep the JSON path of the value being
 * read, so every wrong type or value is reported as
 * "config.json: .linux.resources.memory.limit: want an integer". JSON null
 * counts as absent. Pure: no I/O. */
#ifndef ALC_OCI_JSONPATH_H
#define ALC_OCI_JSONPATH_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct oci_jp {
	const char *source; /* "config.json", named first in every message */
	alc_err *err;
	char path[384]; /* ".process.args[2]"; "" at the top */
	size_t len;
};

/* Starts a path at the top of source's document. */
void jp_init(struct oci_jp *jp, const char *source, alc_err *err);

/* Appends ".key" (or ["key"] for keys that are not identifiers); returns
 * the length to restore with jp_pop. */
size_t jp_key(struct oci_jp *jp, const char *key);

/* Appends "[i]"; returns the length to restore with jp_pop. */
size_t jp_index(struct oci_jp *jp, size_t i);

/* Restores the path to a length jp_key or jp_index returned. */
void jp_pop(struct oci_jp *jp, size_t saved);

/* Records "SOURCE: PATH: MESSAGE" in err; returns -EINVAL. */
int jp_fail(struct oci_jp *jp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records "SOURCE: PATH.key: MESSAGE" in err; returns -EINVAL. */
int jp_fail_key(struct oci_jp *jp, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Checks that v (at the current path) is of the wanted kind and converts
 * it; return 0 or -EINVAL with err set. Strings must hold no NUL byte. */
int jp_want_string(struct oci_jp *jp, json_object *v, const char **out);
int jp_want_bool(struct oci_jp *jp, json_object *v, bool *out);
int jp_want_int(struct oci_jp *jp, json_object *v, int64_t min, int64_t max, int64_t *out);
int jp_want_uint(struct oci_jp *jp, json_object *v, uint64_t max, uint64_t *out);
int jp_want_object(struct oci_jp *jp, json_object *v);
int jp_want_array(struct oci_jp *jp, json_object *v);

/* The member key of obj, NULL when absent or null. */
json_object *jp_get(json_object *obj, const char *key);

/* Optional members: return 1 and set out when present, 0 when absent or
 * null (out untouched), -EINVAL when of the wrong kind (err names .key). */
int jp_opt_string(struct oci_jp *jp, json_object *obj, const char *key, const char **out);
int jp_opt_bool(struct oci_jp *jp, json_object *obj, const char *key, bool *out);
int jp_opt_int(struct oci_jp *jp, json_object *obj, const char *key, int64_t min, int64_t max,
	       int64_t *out);
int jp_opt_uint(struct oci_jp *jp, json_object *obj, const char *key, uint64_t max, uint64_t *out);
int jp_opt_object(struct oci_jp *jp, json_object *obj, const char *key, json_object **out);
int jp_opt_array(struct oci_jp *jp, json_object *obj, const char *key, json_object **out);

/* Required members: like the jp_opt_ calls, but an absent member is
 * "missing"; return 0 or -EINVAL. */
int jp_req_string(struct oci_jp *jp, json_object *obj, const char *key, const char **out);
int jp_req_uint(struct oci_jp *jp, json_object *obj, const char *key, uint64_t max, uint64_t *out);

/* Visitors: fn gets an element (or a member's key and value, NULL for a
 * JSON null) with the path at it, and ctx; a negative return stops. */
typedef int (*jp_elem_fn)(struct oci_jp *jp, json_object *v, void *ctx);
typedef int (*jp_member_fn)(struct oci_jp *jp, const char *key, json_object *v, void *ctx);

/* Calls fn on each element of the array obj.key (path "key[i]"); returns 0
 * when absent, or the first error. */
int jp_each(struct oci_jp *jp, json_object *obj, const char *key, jp_elem_fn fn, void *ctx);

/* Like jp_each, but each element must be an object. */
int jp_each_object(struct oci_jp *jp, json_object *obj, const char *key, jp_elem_fn fn, void *ctx);

/* Calls fn on each member of the object obj.key (path "key.member");
 * returns 0 when absent, or the first error. */
int jp_each_member(struct oci_jp *jp, json_object *obj, const char *key, jp_member_fn fn,
		   void *ctx);

/* Calls fn on the object obj.key (path "key"); returns 0 when absent, 1
 * after fn succeeded, or the first error. */
int jp_sub(struct oci_jp *jp, json_object *obj, const char *key, jp_elem_fn fn, void *ctx);

/* Strings of the array obj.key appended to *v (a NULL-terminated vector of
 * *n); 0 when absent, or -EINVAL/-ENOMEM. */
int jp_opt_strv(struct oci_jp *jp, json_object *obj, const char *key, char ***v, size_t *n);

/* Copies a string into *dst (freeing what was there); 0 or -ENOMEM. */
int jp_strdup(struct oci_jp *jp, char **dst, const char *s);

/* Records an out-of-memory failure at the current path; returns -ENOMEM. */
int jp_nomem(struct oci_jp *jp);

#endif

/* config.json: the document, its top-level fields and the bundle. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config_internal.h"
#include "fileio.h"

const struct oci_name *oci_name_find(const struct oci_name *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

static void line_col(const char *text, size_t off, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int oci_json_parse(const char *text, const char *source, json_object **out, alc_err *err)
{
	size_t len = strlen(text);
	if (len > INT_MAX - 1)
		return alc_err_setx(err, EINVAL, "%s: too large", source);
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return alc_err_set(err, ENOMEM, "%s", source);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The terminating NUL is passed too: it tells json-c the input ends. */
	json_object *o = json_tokener_parse_ex(tok, text, (int)len + 1);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || e != json_tokener_success) {
		unsigned line, col;
		json_object_put(o);
		line_col(text, end, &line, &col); /* end: where json-c stopped */
		return alc_err_setx(err, EINVAL, "%s:%u:%u: malformed JSON: %s", source, line, col,
				    e == json_tokener_success ? "no value"
							      : json_tokener_error_desc(e));
	}
	*out = o;
	return 0;
}

/* ociVersion: 1.x.y (with any suffix) is what this parser reads. */
static int parse_version(struct oci_jp *jp, json_object *top)
{
	const char *v;
	int r = jp_opt_string(jp, top, "ociVersion", &v);
	if (r <= 0)
		return r;
	if (strncmp(v, "1.", 2) != 0)
		return jp_fail_key(jp, "ociVersion", "unsupported version \"%.32s\" (want 1.x.y)",
				   v);
	return 0;
}

static int parse_root(struct oci_jp *jp, json_object *top, struct alc_spec *spec)
{
	json_object *root = NULL;
	int r = jp_opt_object(jp, top, "root", &root);
	if (r < 0)
		return r;
	if (!root)
		return jp_fail_key(jp, "root", "missing");
	size_t saved = jp_key(jp, "root");
	const char *path;
	r = jp_req_string(jp, root, "path", &path);
	if (r >= 0 && !*path)
		r = jp_fail_key(jp, "path", "must not be empty");
	r = r ?: jp_strdup(jp, &spec->root_path, path);
	if (r >= 0)
		r = jp_opt_bool(jp, root, "readonly", &spec->root_readonly);
	jp_pop(jp, saved);
	return r < 0 ? r : 0;
}

static int opt_strdup(struct oci_jp *jp, json_object *obj, const char *key, char **dst)
{
	const char *s;
	int r = jp_opt_string(jp, obj, key, &s);
	return r <= 0 ? r : jp_strdup(jp, dst, s);
}

static int annotation_member(struct oci_jp *jp, const char *key, json_object *v, void *ctx)
{
	(void)key;
	(void)ctx;
	const char *s;
	return v ? jp_want_string(jp, v, &s) : jp_fail(jp, "want a string");
}

/* annotations: string values only; the object is kept as raw JSON. */
static int parse_annotations(struct oci_jp *jp, json_object *top, struct alc_spec *spec)
{
	int r = jp_each_member(jp, top, "annotations", annotation_member, NULL);
	json_object *a = jp_get(top, "annotations");
	if (r < 0 || !a)
		return r;
	const char *raw = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
								    JSON_C_TO_STRING_NOSLASHESCAPE);
	return raw ? jp_strdup(jp, &spec->annotations_json, raw) : jp_nomem(jp);
}

static int parse_document(struct oci_jp *jp, json_object *top, struct alc_spec *spec)
{
	json_object *proc = NULL;
	if (jp_want_object(jp, top) < 0)
		return -EINVAL;
	int r = parse_version(jp, top);
	r = r ?: jp_opt_object(jp, top, "process", &proc);
	if (r >= 0 && !proc)
		return jp_fail_key(jp, "process", "missing");
	if (r >= 0) {
		size_t saved = jp_key(jp, "process");
		r = oci_parse_process(jp, proc, spec);
		jp_pop(jp, saved);
	}
	r = r < 0 ? r : parse_root(jp, top, spec);
	r = r < 0 ? r : opt_strdup(jp, top, "hostname", &spec->hostname);
	r = r < 0 ? r : opt_strdup(jp, top, "domainname", &spec->domainname);
	r = r < 0 ? r : oci_parse_mounts(jp, top, spec);
	r = r < 0 ? r : oci_parse_hooks(jp, top, spec);
	r = r < 0 ? r : parse_annotations(jp, top, spec);
	r = r < 0 ? r : oci_parse_linux(jp, top, spec);
	if (r >= 0 && (spec->hostname || spec->domainname) &&
	    !oci_has_namespace(spec, CLONE_NEWUTS))
		r = jp_fail_key(jp, spec->hostname ? "hostname" : "domainname",
				"needs a uts namespace of its own (a \"uts\" entry in "
				".linux.namespaces)");
	return r < 0 ? r : 0;
}

int oci_config_parse(const char *text, const char *source, struct alc_spec *spec, alc_err *err)
{
	json_object *top;
	memset(spec, 0, sizeof(*spec));
	int r = oci_json_parse(text, source, &top, err);
	if (r < 0)
		return r;
	spec->res.cpu_period_us = 100000;
	struct oci_jp jp;
	jp_init(&jp, source, err);
	r = parse_document(&jp, top, spec);
	json_object_put(top);
	if (r < 0)
		alc_spec_free(spec);
	return r;
}

int oci_process_parse(const char *text, const char *source, struct alc_spec *spec, alc_err *err)
{
	json_object *top;
	int r = oci_json_parse(text, source, &top, err);
	if (r < 0)
		return r;
	struct oci_jp jp;
	jp_init(&jp, source, err);
	struct alc_spec fresh = { 0 };
	r = jp_want_object(&jp, top);
	r = r ?: oci_parse_process(&jp, top, &fresh);
	json_object_put(top);
	if (r < 0) {
		alc_spec_free(&fresh);
		return r;
	}
	/* Swap the process part in; the old one is freed with fresh. */
	struct alc_process old = spec->process;
	spec->process = fresh.process;
	fresh.process = old;
	spec->terminal = fresh.terminal;
	spec->console_width = fresh.console_width;
	spec->console_height = fresh.console_height;
	if (fresh.has_oom_score_adj) {
		spec->has_oom_score_adj = true;
		spec->oom_score_adj = fresh.oom_score_adj;
	}
	char *tmp = spec->apparmor_profile;
	if (fresh.apparmor_profile) {
		spec->apparmor_profile = fresh.apparmor_profile;
		fresh.apparmor_profile = tmp;
	}
	tmp = spec->selinux_label;
	if (fresh.selinux_label) {
		spec->selinux_label = fresh.selinux_label;
		fresh.selinux_label = tmp;
	}
	alc_spec_free(&fresh);
	return 0;
}

/* root.path made absolute against the bundle's real path. */
static int absolute_root(const char *bundle, struct alc_spec *spec, alc_err *err)
{
	if (spec->root_path[0] == '/')
		return 0;
	_cleanup_free_ char *dir = realpath(bundle, NULL);
	if (!dir)
		return alc_err_set(err, errno, "bundle %s", bundle);
	char *abs;
	if (asprintf(&abs, "%s/%s", strcmp(dir, "/") ? dir : "", spec->root_path) < 0)
		return alc_err_set(err, ENOMEM, "bundle %s", bundle);
	free(spec->root_path);
	spec->root_path = abs;
	return 0;
}

int oci_config_load(const char *bundle, struct alc_spec *spec, alc_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	memset(spec, 0, sizeof(*spec));
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return alc_err_setx(err, ENAMETOOLONG, "bundle %s: path too long", bundle);
	long n = alc_read_file_at(AT_FDCWD, path, &text);
	if (n < 0)
		return alc_err_set(err, (int)-n, "%s", path);
	if ((size_t)n != strlen(text))
		return alc_err_setx(err, EINVAL, "%s: holds a NUL byte", path);
	int r = oci_config_parse(text, path, spec, err);
	if (r < 0)
		return r;
	r = absolute_root(bundle, spec, err);
	if (r < 0)
		alc_spec_free(spec);
	return r;
}

/* config.json "mounts" (options into MS_* flags, propagation and a data
 * string) and "hooks" (six phases of path, args, env, timeout). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "array.h"
#include "config_internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

const struct oci_mount_opt oci_mount_opts[] = {
	{ "defaults", 0, 0, 0 },
	{ "ro", MS_RDONLY, 0, 0 },
	{ "rw", 0, MS_RDONLY, 0 },
	{ "nosuid", MS_NOSUID, 0, 0 },
	{ "suid", 0, MS_NOSUID, 0 },
	{ "nodev", MS_NODEV, 0, 0 },
	{ "dev", 0, MS_NODEV, 0 },
	{ "noexec", MS_NOEXEC, 0, 0 },
	{ "exec", 0, MS_NOEXEC, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0 },
	{ "async", 0, MS_SYNCHRONOUS, 0 },
	{ "dirsync", MS_DIRSYNC, 0, 0 },
	{ "remount", MS_REMOUNT, 0, 0 },
	{ "mand", MS_MANDLOCK, 0, 0 },
	{ "nomand", 0, MS_MANDLOCK, 0 },
	{ "noatime", MS_NOATIME, 0, 0 },
	{ "atime", 0, MS_NOATIME, 0 },
	{ "nodiratime", MS_NODIRATIME, 0, 0 },
	{ "diratime", 0, MS_NODIRATIME, 0 },
	{ "relatime", MS_RELATIME, 0, 0 },
	{ "norelatime", 0, MS_RELATIME, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0 },
	{ "nostrictatime", 0, MS_STRICTATIME, 0 },
	{ "lazytime", MS_LAZYTIME, 0, 0 },
	{ "nolazytime", 0, MS_LAZYTIME, 0 },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0, 0 },
	{ "symfollow", 0, MS_NOSYMFOLLOW, 0 },
	{ "silent", MS_SILENT, 0, 0 },
	{ "loud", 0, MS_SILENT, 0 },
	{ "bind", MS_BIND, 0, 0 },
	{ "rbind", MS_BIND | MS_REC, 0, 0 },
	{ "private", 0, 0, MS_PRIVATE },
	{ "rprivate", 0, 0, MS_PRIVATE | MS_REC },
	{ "shared", 0, 0, MS_SHARED },
	{ "rshared", 0, 0, MS_SHARED | MS_REC },
	{ "slave", 0, 0, MS_SLAVE },
	{ "rslave", 0, 0, MS_SLAVE | MS_REC },
	{ "unbindable", 0, 0, MS_UNBINDABLE },
	{ "runbindable", 0, 0, MS_UNBINDABLE | MS_REC },
	{ "tmpcopyup", 0, 0, 0 },
};
const size_t oci_n_mount_opts = sizeof(oci_mount_opts) / sizeof(*oci_mount_opts);

/* Options the runtime-spec names that alcove does not implement: refused
 * rather than passed to the filesystem as data. */
static const char *const unsupported_opts[] = {
	"rro",	     "rrw",	    "rnosuid",	    "rsuid",	      "rnodev",	      "rdev",
	"rnoexec",   "rexec",	    "rnoatime",	    "ratime",	      "rnodiratime",  "rdiratime",
	"rrelatime", "rnorelatime", "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow",
	"idmap",     "ridmap",
};

const char *const oci_hook_phases[ALC_HOOK_PHASES] = {
	[ALC_HOOK_PRESTART] = "prestart",
	[ALC_HOOK_CREATE_RUNTIME] = "createRuntime",
	[ALC_HOOK_CREATE_CONTAINER] = "createContainer",
	[ALC_HOOK_START_CONTAINER] = "startContainer",
	[ALC_HOOK_POSTSTART] = "poststart",
	[ALC_HOOK_POSTSTOP] = "poststop",
};

int oci_propagation(const char *name, unsigned long *flags)
{
	for (size_t i = 0; i < oci_n_mount_opts; i++) {
		if (oci_mount_opts[i].propagation && !strcmp(oci_mount_opts[i].name, name)) {
			*flags = oci_mount_opts[i].propagation;
			return 0;
		}
	}
	return -EINVAL;
}

/* Appends ",opt" (or "opt") to the data string. */
static int data_add(char **data, const char *opt)
{
	size_t old = *data ? strlen(*data) : 0, n = strlen(opt);
	char *d = realloc(*data, old + n + 2);
	if (!d)
		return -ENOMEM;
	if (old)
		d[old++] = ',';
	memcpy(d + old, opt, n + 1);
	*data = d;
	return 0;
}

/* One option into the mount ctx: a flag, a propagation type, or
 * filesystem data. */
static int option_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct alc_mount *m = ctx;
	const char *opt;
	int r = jp_want_string(jp, v, &opt);
	if (r < 0)
		return r;
	for (size_t i = 0; i < oci_n_mount_opts; i++) {
		const struct oci_mount_opt *o = &oci_mount_opts[i];
		if (strcmp(o->name, opt) != 0)
			continue;
		m->flags = (m->flags & ~o->clear) | o->set;
		if (o->propagation)
			m->propagation = o->propagation;
		if (!strcmp(opt, "tmpcopyup"))
			m->tmpcopyup = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(unsupported_opts) / sizeof(*unsupported_opts); i++)
		if (!strcmp(unsupported_opts[i], opt))
			return jp_fail(jp, "mount option \"%s\" is not supported", opt);
	if (!*opt)
		return jp_fail(jp, "empty mount option");
	return data_add(&m->data, opt) < 0 ? jp_nomem(jp) : 0;
}

static int mount_fields(struct oci_jp *jp, json_object *o, struct alc_mount *m)
{
	const char *dst, *s;
	int r = jp_req_string(jp, o, "destination", &dst);
	if (r >= 0 && dst[0] != '/')
		r = jp_fail_key(jp, "destination", "want an absolute path");
	r = r ?: jp_strdup(jp, &m->target, dst);
	if (r >= 0 && (r = jp_opt_string(jp, o, "source", &s)) > 0)
		r = jp_strdup(jp, &m->source, s);
	if (r >= 0 && (r = jp_opt_string(jp, o, "type", &s)) > 0) {
		r = jp_strdup(jp, &m->type, s);
		if (!strcmp(s, "bind"))
			m->flags |= MS_BIND;
	}
	if (r >= 0 && (jp_get(o, "uidMappings") || jp_get(o, "gidMappings")))
		r = jp_fail(jp, "idmapped mounts are not supported");
	return r < 0 ? r : jp_each(jp, o, "options", option_elem, m);
}

static int mount_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	struct alc_mount m = { 0 };
	if (ALC_PUSH(spec->mounts, spec->n_mounts, m) < 0)
		return jp_nomem(jp);
	/* Filled in place: on error alc_spec_free releases it. */
	return mount_fields(jp, o, &spec->mounts[spec->n_mounts - 1]);
}

int oci_parse_mounts(struct oci_jp *jp, json_object *top, struct alc_spec *spec)
{
	return jp_each_object(jp, top, "mounts", mount_elem, spec);
}

struct hook_list {
	struct alc_hook **v;
	size_t *n;
};

static int hook_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct hook_list *l = ctx;
	struct alc_hook fresh = { 0 };
	if (ALC_PUSH(*l->v, *l->n, fresh) < 0)
		return jp_nomem(jp);
	struct alc_hook *h = &(*l->v)[*l->n - 1]; /* freed with the spec on error */
	const char *path;
	int64_t timeout;
	int r = jp_req_string(jp, o, "path", &path);
	if (r >= 0 && path[0] != '/')
		r = jp_fail_key(jp, "path", "want an absolute path");
	r = r ?: jp_strdup(jp, &h->path, path);
	r = r ?: jp_opt_strv(jp, o, "args", &h->args, &h->n_args);
	r = r ?: jp_opt_strv(jp, o, "env", &h->env, &h->n_env);
	if (r >= 0 && (r = jp_opt_int(jp, o, "timeout", 1, INT32_MAX, &timeout)) > 0)
		h->timeout = (int)timeout;
	return r < 0 ? r : 0;
}

static int parse_hooks(struct oci_jp *jp, json_object *hooks, void *ctx)
{
	struct alc_spec *spec = ctx;
	int r = 0;
	for (int phase = 0; r >= 0 && phase < ALC_HOOK_PHASES; phase++) {
		struct hook_list l = { &spec->hooks[phase], &spec->n_hooks[phase] };
		r = jp_each_object(jp, hooks, oci_hook_phases[phase], hook_elem, &l);
	}
	return r;
}

int oci_parse_hooks(struct oci_jp *jp, json_object *top, struct alc_spec *spec)
{
	int r = jp_sub(jp, top, "hooks", parse_hooks, spec);
	return r < 0 ? r : 0;
}

/* config.json "linux": namespaces, id maps, devices, cgroupsPath, sysctl,
 * masked and read-only paths, personality, time offsets, mount label and
 * rootfs propagation; resources and seccomp have files of their own. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#include "array.h"
#include "config_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct oci_name oci_namespaces[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mount", CLONE_NEWNS },
	{ "network", CLONE_NEWNET },   { "pid", CLONE_NEWPID }, { "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
};
const size_t oci_n_namespaces = sizeof(oci_namespaces) / sizeof(*oci_namespaces);

static int one_namespace(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	const char *type, *path = NULL;
	int r = jp_req_string(jp, o, "type", &type);
	r = r < 0 ? r : jp_opt_string(jp, o, "path", &path);
	if (r < 0)
		return r;
	const struct oci_name *n = oci_name_find(oci_namespaces, oci_n_namespaces, type);
	if (!n)
		return jp_fail_key(jp, "type", "unknown namespace \"%.32s\"", type);
	bool seen = spec->ns_flags & (int)n->value;
	for (size_t i = 0; i < spec->n_ns_join; i++)
		seen = seen || spec->ns_join[i].type == (int)n->value;
	if (seen)
		return jp_fail_key(jp, "type", "namespace \"%s\" given twice", type);
	if (!path) {
		spec->ns_flags |= (int)n->value;
		return 0;
	}
	if (path[0] != '/')
		return jp_fail_key(jp, "path", "want an absolute path");
	struct alc_nsjoin j = { (int)n->value, strdup(path) };
	if (!j.path || ALC_PUSH(spec->ns_join, spec->n_ns_join, j) < 0) {
		free(j.path);
		return jp_nomem(jp);
	}
	return 0;
}

static int one_idmap(struct oci_jp *jp, json_object *o, struct alc_idmap **v, size_t *n)
{
	uint64_t in, out, count;
	int r = jp_req_uint(jp, o, "containerID", UINT32_MAX, &in);
	r = r ?: jp_req_uint(jp, o, "hostID", UINT32_MAX, &out);
	r = r ?: jp_req_uint(jp, o, "size", UINT32_MAX, &count);
	if (r < 0)
		return r;
	if (!count)
		return jp_fail_key(jp, "size", "must not be 0");
	struct alc_idmap m = { (uint32_t)in, (uint32_t)out, (uint32_t)count };
	return ALC_PUSH(*v, *n, m) < 0 ? jp_nomem(jp) : 0;
}

static int one_uidmap(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	return one_idmap(jp, o, &spec->uid_maps, &spec->n_uid_maps);
}

static int one_gidmap(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	return one_idmap(jp, o, &spec->gid_maps, &spec->n_gid_maps);
}

static int device_fields(struct oci_jp *jp, json_object *o, struct alc_device *d)
{
	const char *path, *type;
	uint64_t mode = 0666, uid = 0, gid = 0;
	int r = jp_req_string(jp, o, "path", &path);
	if (r >= 0 && path[0] != '/')
		r = jp_fail_key(jp, "path", "want an absolute path");
	r = r ?: jp_strdup(jp, &d->path, path);
	r = r ?: jp_req_string(jp, o, "type", &type);
	if (r >= 0 && (strlen(type) != 1 || !strchr("cbup", type[0])))
		r = jp_fail_key(jp, "type", "want \"c\", \"b\", \"u\" or \"p\"");
	if (r < 0)
		return r;
	d->type = type[0];
	uint64_t major = 0, minor = 0;
	if (d->type == 'p') { /* a FIFO has no device number */
		r = jp_opt_uint(jp, o, "major", UINT32_MAX, &major);
		r = r < 0 ? r : jp_opt_uint(jp, o, "minor", UINT32_MAX, &minor);
	} else {
		r = jp_req_uint(jp, o, "major", UINT32_MAX, &major);
		r = r ?: jp_req_uint(jp, o, "minor", UINT32_MAX, &minor);
	}
	r = r < 0 ? r : jp_opt_uint(jp, o, "fileMode", 07777, &mode);
	r = r < 0 ? r : jp_opt_uint(jp, o, "uid", UINT32_MAX, &uid);
	r = r < 0 ? r : jp_opt_uint(jp, o, "gid", UINT32_MAX, &gid);
	d->major = (int64_t)major;
	d->minor = (int64_t)minor;
	d->mode = (uint32_t)mode;
	d->uid = (uid_t)uid;
	d->gid = (gid_t)gid;
	return r < 0 ? r : 0;
}

static int one_device(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	struct alc_device d = { 0 };
	if (ALC_PUSH(spec->devices, spec->n_devices, d) < 0)
		return jp_nomem(jp);
	/* Filled in place: on error alc_spec_free releases it. */
	return device_fields(jp, o, &spec->devices[spec->n_devices - 1]);
}

static int sysctl_member(struct oci_jp *jp, const char *key, json_object *v, void *ctx)
{
	struct alc_spec *spec = ctx;
	const char *s;
	int r = v ? jp_want_string(jp, v, &s) : jp_fail(jp, "want a string");
	if (r < 0)
		return r;
	if (!*key)
		return jp_fail(jp, "empty key");
	struct alc_sysctl kv = { strdup(key), strdup(s) };
	if (!kv.key || !kv.value || ALC_PUSH(spec->sysctl, spec->n_sysctl, kv) < 0) {
		free(kv.key);
		free(kv.value);
		return jp_nomem(jp);
	}
	return 0;
}

static int parse_personality(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_spec *spec = ctx;
	const char *domain;
	int r = jp_req_string(jp, o, "domain", &domain);
	if (r >= 0 && strcmp(domain, "LINUX") != 0 && strcmp(domain, "LINUX32") != 0)
		r = jp_fail_key(jp, "domain", "want \"LINUX\" or \"LINUX32\"");
	json_object *flags = NULL;
	r = r < 0 ? r : jp_opt_array(jp, o, "flags", &flags);
	if (r >= 0 && flags && json_object_array_length(flags))
		r = jp_fail_key(jp, "flags", "personality flags are not supported");
	if (r < 0)
		return r;
	spec->has_personality = true;
	spec->personality = strcmp(domain, "LINUX") ? PER_LINUX32 : PER_LINUX;
	return 0;
}

static int one_offset(struct oci_jp *jp, json_object *o, int64_t *secs, uint32_t *nanos)
{
	uint64_t ns = 0;
	int r = jp_want_object(jp, o);
	r = r < 0 ? r : jp_opt_int(jp, o, "secs", INT64_MIN, INT64_MAX, secs);
	r = r < 0 ? r : jp_opt_uint(jp, o, "nanos", 999999999, &ns);
	*nanos = (uint32_t)ns;
	return r < 0 ? r : 0;
}

static int offset_member(struct oci_jp *jp, const char *clock, json_object *v, void *ctx)
{
	struct alc_spec *spec = ctx;
	spec->has_time_offsets = true;
	if (!strcmp(clock, "monotonic"))
		return one_offset(jp, v, &spec->time_offset_mono_s, &spec->time_offset_mono_ns);
	if (!strcmp(clock, "boottime"))
		return one_offset(jp, v, &spec->time_offset_boot_s, &spec->time_offset_boot_ns);
	return jp_fail(jp, "unknown clock (want monotonic or boottime)");
}

static int parse_strings(struct oci_jp *jp, json_object *lx, struct alc_spec *spec)
{
	const char *s;
	int r = jp_opt_strv(jp, lx, "maskedPaths", &spec->masked_paths, &spec->n_masked);
	r = r ?: jp_opt_strv(jp, lx, "readonlyPaths", &spec->readonly_paths, &spec->n_readonly);
	if (r >= 0 && (r = jp_opt_string(jp, lx, "cgroupsPath", &s)) > 0)
		r = jp_strdup(jp, &spec->cgroup_path, s);
	if (r >= 0 && (r = jp_opt_string(jp, lx, "mountLabel", &s)) > 0)
		r = jp_strdup(jp, &spec->mount_label, s);
	if (r >= 0 && (r = jp_opt_string(jp, lx, "rootfsPropagation", &s)) > 0 &&
	    oci_propagation(s, &spec->rootfs_propagation) < 0)
		r = jp_fail_key(jp, "rootfsPropagation", "unknown propagation \"%.32s\"", s);
	return r < 0 ? r : 0;
}

static int parse_resources(struct oci_jp *jp, json_object *o, void *ctx)
{
	return oci_parse_resources(jp, o, ctx);
}

static int parse_seccomp(struct oci_jp *jp, json_object *o, void *ctx)
{
	return oci_parse_seccomp(jp, o, ctx);
}

/* True when the container gets a namespace of this type of its own:
 * created, or joined by path. */
bool oci_has_namespace(const struct alc_spec *spec, int type)
{
	for (size_t i = 0; i < spec->n_ns_join; i++)
		if (spec->ns_join[i].type == type)
			return true;
	return spec->ns_flags & type;
}

/* The sysctls the kernel keeps per namespace: a name ending in '.' is a
 * prefix. Any other would change the host. */
static const struct {
	const char *name;
	int ns;
	const char *ns_name;
} namespaced_sysctls[] = {
	{ "net.", CLONE_NEWNET, "network" },
	{ "fs.mqueue.", CLONE_NEWIPC, "ipc" },
	{ "kernel.msgmax", CLONE_NEWIPC, "ipc" },
	{ "kernel.msgmnb", CLONE_NEWIPC, "ipc" },
	{ "kernel.msgmni", CLONE_NEWIPC, "ipc" },
	{ "kernel.sem", CLONE_NEWIPC, "ipc" },
	{ "kernel.shmall", CLONE_NEWIPC, "ipc" },
	{ "kernel.shmmax", CLONE_NEWIPC, "ipc" },
	{ "kernel.shmmni", CLONE_NEWIPC, "ipc" },
	{ "kernel.shm_rmid_forced", CLONE_NEWIPC, "ipc" },
	{ "kernel.hostname", CLONE_NEWUTS, "uts" },
	{ "kernel.domainname", CLONE_NEWUTS, "uts" },
};

static int check_sysctl(struct oci_jp *jp, const struct alc_spec *spec, const char *key)
{
	for (size_t i = 0; i < sizeof(namespaced_sysctls) / sizeof(*namespaced_sysctls); i++) {
		const char *n = namespaced_sysctls[i].name;
		size_t len = strlen(n);
		bool match = n[len - 1] == '.' ? !strncmp(key, n, len) : !strcmp(key, n);
		if (!match || strchr(key, '/') || strstr(key, ".."))
			continue;
		if (oci_has_namespace(spec, namespaced_sysctls[i].ns))
			return 0;
		return jp_fail(jp, "needs a %s namespace of its own",
			       namespaced_sysctls[i].ns_name);
	}
	return jp_fail(jp, "not a namespaced sysctl (net.*, fs.mqueue.*, the kernel IPC ones, "
			   "kernel.hostname, kernel.domainname)");
}

static int check_sysctls(struct oci_jp *jp, const struct alc_spec *spec)
{
	size_t saved = jp_key(jp, "sysctl");
	int r = 0;
	for (size_t i = 0; r >= 0 && i < spec->n_sysctl; i++) {
		size_t at = jp_key(jp, spec->sysctl[i].key);
		r = check_sysctl(jp, spec, spec->sysctl[i].key);
		jp_pop(jp, at);
	}
	jp_pop(jp, saved);
	return r;
}

/* Settings that only a namespace the runtime creates can take. */
static int check_new_namespaces(struct oci_jp *jp, const struct alc_spec *spec)
{
	if ((spec->n_uid_maps || spec->n_gid_maps) && !(spec->ns_flags & CLONE_NEWUSER))
		return jp_fail_key(jp, spec->n_uid_maps ? "uidMappings" : "gidMappings",
				   "needs a new user namespace (a \"user\" entry without a path "
				   "in .linux.namespaces)");
	if (spec->has_time_offsets && !(spec->ns_flags & CLONE_NEWTIME))
		return jp_fail_key(jp, "timeOffsets",
				   "needs a new time namespace (a \"time\" entry without a path "
				   "in .linux.namespaces)");
	return 0;
}

static int parse_linux(struct oci_jp *jp, json_object *lx, void *ctx)
{
	struct alc_spec *spec = ctx;
	int r = jp_each_object(jp, lx, "namespaces", one_namespace, spec);
	r = r < 0 ? r : jp_each_object(jp, lx, "uidMappings", one_uidmap, spec);
	r = r < 0 ? r : jp_each_object(jp, lx, "gidMappings", one_gidmap, spec);
	r = r < 0 ? r : jp_each_object(jp, lx, "devices", one_device, spec);
	r = r < 0 ? r : jp_each_member(jp, lx, "sysctl", sysctl_member, spec);
	r = r < 0 ? r : jp_sub(jp, lx, "personality", parse_personality, spec);
	r = r < 0 ? r : jp_each_member(jp, lx, "timeOffsets", offset_member, spec);
	r = r < 0 ? r : parse_strings(jp, lx, spec);
	r = r < 0 ? r : jp_sub(jp, lx, "resources", parse_resources, spec);
	r = r < 0 ? r : jp_sub(jp, lx, "seccomp", parse_seccomp, spec);
	if (r >= 0 && jp_get(lx, "intelRdt"))
		r = jp_fail_key(jp, "intelRdt", "Intel RDT is not supported by alcove");
	r = r < 0 ? r : check_new_namespaces(jp, spec);
	return r < 0 ? r : check_sysctls(jp, spec);
}

int oci_parse_linux(struct oci_jp *jp, json_object *top, struct alc_spec *spec)
{
	int r = jp_sub(jp, top, "linux", parse_linux, spec);
	return r < 0 ? r : 0;
}

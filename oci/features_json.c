#include "features_json.h"

#include <ctype.h>
#include <sys/capability.h>

#include <json-c/json.h>

#include "config_internal.h"
#include "version.h"

#ifdef HAVE_SECCOMP
#define SECCOMP_ENABLED true
#else
#define SECCOMP_ENABLED false
#endif

/* obj.key = v and a[] += v that survive a NULL container (a failed
 * allocation, which oci_json_render then reports). */
static void put(json_object *obj, const char *key, json_object *v)
{
	if (obj)
		json_object_object_add(obj, key, v);
	else
		json_object_put(v);
}

static void push(json_object *a, json_object *v)
{
	if (a)
		json_object_array_add(a, v);
	else
		json_object_put(v);
}

static json_object *names(const struct oci_name *t, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < n; i++)
		push(a, json_object_new_string(t[i].name));
	return a;
}

static json_object *strings(const char *const *t, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < n; i++)
		push(a, json_object_new_string(t[i]));
	return a;
}

static json_object *enabled(bool on)
{
	json_object *o = json_object_new_object();
	put(o, "enabled", json_object_new_boolean(on));
	return o;
}

/* Every capability libcap names, as "CAP_CHOWN". */
static json_object *capabilities(void)
{
	json_object *a = json_object_new_array();
	for (cap_value_t v = 0; a && v < 64; v++) {
		char *name = cap_to_name(v);
		if (!name || isdigit((unsigned char)name[0])) {
			cap_free(name);
			break; /* libcap names the ones it does not know by number */
		}
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		push(a, json_object_new_string(name));
		cap_free(name);
	}
	return a;
}

static json_object *seccomp(void)
{
	json_object *o = enabled(SECCOMP_ENABLED);
	json_object *acts = json_object_new_array(),
		    *flags = names(oci_seccomp_flags, oci_n_seccomp_flags);
	for (size_t i = 0; acts && i < oci_n_seccomp_actions; i++)
		push(acts, json_object_new_string(oci_seccomp_actions[i].name));
	put(o, "actions", acts);
	put(o, "operators", names(oci_seccomp_ops, oci_n_seccomp_ops));
	put(o, "archs", strings(oci_seccomp_archs, oci_n_seccomp_archs));
	put(o, "knownFlags", json_object_get(flags));
	put(o, "supportedFlags", flags);
	return o;
}

static json_object *linux_features(void)
{
	json_object *lx = json_object_new_object(), *cg = json_object_new_object();
	put(lx, "namespaces", names(oci_namespaces, oci_n_namespaces));
	put(lx, "capabilities", capabilities());
	put(cg, "v1", json_object_new_boolean(true));
	put(cg, "v2", json_object_new_boolean(true));
	put(cg, "systemd", json_object_new_boolean(false));
	put(cg, "systemdUser", json_object_new_boolean(false));
	put(cg, "rdma", json_object_new_boolean(false));
	put(lx, "cgroup", cg);
	put(lx, "seccomp", seccomp());
	put(lx, "apparmor", enabled(true));
	put(lx, "selinux", enabled(true));
	put(lx, "intelRdt", enabled(false));
	json_object *ext = json_object_new_object();
	put(ext, "idmap", enabled(false));
	put(lx, "mountExtensions", ext);
	return lx;
}

char *oci_features_json(void)
{
	json_object *top = json_object_new_object(), *opts = json_object_new_array();
	put(top, "ociVersionMin", json_object_new_string("1.0.0"));
	put(top, "ociVersionMax", json_object_new_string("1.2.0"));
	put(top, "hooks", strings(oci_hook_phases, ALC_HOOK_PHASES));
	for (size_t i = 0; i < oci_n_mount_opts; i++)
		push(opts, json_object_new_string(oci_mount_opts[i].name));
	put(top, "mountOptions", opts);
	put(top, "linux", linux_features());
	json_object *ann = json_object_new_object();
	put(ann, "io.github.alcove.version", json_object_new_string(ALCOVE_VERSION));
	put(ann, "io.github.alcove.seccomp.enabled",
	    json_object_new_string(SECCOMP_ENABLED ? "true" : "false"));
	put(top, "annotations", ann);
	return oci_json_render(top); /* NULL if an allocation above failed */
}

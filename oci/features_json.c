#include "features_json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>

#include <json-c/json.h>

#include "config_internal.h"
#include "version.h"

#ifdef HAVE_SECCOMP
#define SECCOMP_ENABLED true
#else
#define SECCOMP_ENABLED false
#endif

static json_object *names(const struct oci_name *t, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(t[i].name));
	return a;
}

static json_object *strings(const char *const *t, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(t[i]));
	return a;
}

static json_object *enabled(bool on)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_boolean(on));
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
		json_object_array_add(a, json_object_new_string(name));
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
		json_object_array_add(acts, json_object_new_string(oci_seccomp_actions[i].name));
	json_object_object_add(o, "actions", acts);
	json_object_object_add(o, "operators", names(oci_seccomp_ops, oci_n_seccomp_ops));
	json_object_object_add(o, "archs", strings(oci_seccomp_archs, oci_n_seccomp_archs));
	json_object_object_add(o, "knownFlags", json_object_get(flags));
	json_object_object_add(o, "supportedFlags", flags);
	return o;
}

static json_object *linux_features(void)
{
	json_object *lx = json_object_new_object(), *cg = json_object_new_object();
	json_object_object_add(lx, "namespaces", names(oci_namespaces, oci_n_namespaces));
	json_object_object_add(lx, "capabilities", capabilities());
	json_object_object_add(cg, "v1", json_object_new_boolean(true));
	json_object_object_add(cg, "v2", json_object_new_boolean(true));
	json_object_object_add(cg, "systemd", json_object_new_boolean(false));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(false));
	json_object_object_add(cg, "rdma", json_object_new_boolean(false));
	json_object_object_add(lx, "cgroup", cg);
	json_object_object_add(lx, "seccomp", seccomp());
	json_object_object_add(lx, "apparmor", enabled(true));
	json_object_object_add(lx, "selinux", enabled(true));
	json_object_object_add(lx, "intelRdt", enabled(false));
	json_object *ext = json_object_new_object();
	json_object_object_add(ext, "idmap", enabled(false));
	json_object_object_add(lx, "mountExtensions", ext);
	return lx;
}

char *oci_features_json(void)
{
	json_object *top = json_object_new_object(), *opts = json_object_new_array();
	if (!top || !opts) {
		json_object_put(top);
		json_object_put(opts);
		return NULL;
	}
	json_object_object_add(top, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(top, "ociVersionMax", json_object_new_string("1.2.0"));
	json_object_object_add(top, "hooks", strings(oci_hook_phases, ALC_HOOK_PHASES));
	for (size_t i = 0; i < oci_n_mount_opts; i++)
		json_object_array_add(opts, json_object_new_string(oci_mount_opts[i].name));
	json_object_object_add(top, "mountOptions", opts);
	json_object_object_add(top, "linux", linux_features());
	json_object *ann = json_object_new_object();
	json_object_object_add(ann, "io.github.alcove.version",
			       json_object_new_string(ALCOVE_VERSION));
	json_object_object_add(ann, "io.github.alcove.seccomp.enabled",
			       json_object_new_string(SECCOMP_ENABLED ? "true" : "false"));
	json_object_object_add(top, "annotations", ann);
	/* A failed allocation above leaves a null or a hole; render it anyway
	 * only if every part is there. */
	const char *s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED |
								    JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = NULL;
	if (s && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	json_object_put(top);
	return out;
}

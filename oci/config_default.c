/* The config.json that `alcove spec` writes: the OCI defaults that
 * alc_spec_init_default also fills in (namespaces, capabilities, rlimits,
 * masked and read-only paths), and a rootless variant. */
#include "config.h"
#include "config_internal.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

/* alc_spec_init_default's values in JSON; tests/unit/test_oci_config.c
 * checks that they agree. */
static const char default_config[] =
	"{\"ociVersion\": \"1.2.0\","
	" \"process\": {\"terminal\": true, \"user\": {\"uid\": 0, \"gid\": 0},"
	"  \"args\": [\"sh\"],"
	"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
	"   \"TERM=xterm\"],"
	"  \"cwd\": \"/\","
	"  \"capabilities\": {"
	"   \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
	"  \"noNewPrivileges\": true},"
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	" \"hostname\": \"alcove\","
	" \"mounts\": ["
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
	"   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
	"   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
	"\"mode=0620\","
	"    \"gid=5\"]},"
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
	"  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}],"
	" \"linux\": {"
	"  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	"  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	"   {\"type\": \"uts\"}, {\"type\": \"mount\"}],"
	"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
	"   \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
	"   \"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\"],"
	"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
	"   \"/proc/sysrq-trigger\"]}}";

/* [{containerID 0, hostID host, size 1}], or NULL when out of memory. */
static json_object *idmap(unsigned long host)
{
	json_object *a = json_object_new_array(), *m = json_object_new_object();
	if (!a || !m) {
		json_object_put(a);
		json_object_put(m);
		return NULL;
	}
	json_object_object_add(m, "containerID", json_object_new_int64(0));
	json_object_object_add(m, "hostID", json_object_new_int64((int64_t)host));
	json_object_object_add(m, "size", json_object_new_int64(1));
	json_object_array_add(a, m);
	return a;
}

/* Rootless: a user namespace instead of the network one, the caller mapped
 * to root, /sys bound from the host (sysfs needs a network namespace of
 * one's own), no devpts gid (group 5 is not mapped), no cgroup settings. */
static void make_rootless(json_object *top, uid_t uid, gid_t gid)
{
	json_object *lx = json_object_object_get(top, "linux");
	json_object *ns = json_object_object_get(lx, "namespaces");
	for (size_t i = 0; i < json_object_array_length(ns); i++) {
		json_object *type =
			json_object_object_get(json_object_array_get_idx(ns, i), "type");
		if (!strcmp(json_object_get_string(type), "network"))
			json_object_object_add(json_object_array_get_idx(ns, i), "type",
					       json_object_new_string("user"));
	}
	json_object_object_add(lx, "uidMappings", idmap(uid));
	json_object_object_add(lx, "gidMappings", idmap(gid));
	json_object_object_del(lx, "resources");
	json_object *mounts = json_object_object_get(top, "mounts");
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		json_object *m = json_object_array_get_idx(mounts, i);
		const char *dst = json_object_get_string(json_object_object_get(m, "destination"));
		json_object *opts = json_object_object_get(m, "options");
		if (!strcmp(dst, "/dev/pts")) {
			json_object_array_del_idx(opts, json_object_array_length(opts) - 1, 1);
		} else if (!strcmp(dst, "/sys")) {
			json_object_object_add(m, "type", json_object_new_string("none"));
			json_object_object_add(m, "source", json_object_new_string("/sys"));
			json_object_array_put_idx(opts, 3, json_object_new_string("rbind"));
			json_object_array_add(opts, json_object_new_string("ro"));
		}
	}
}

/* True when a member or element is missing: a json-c allocation failed
 * while the tree was built (these trees hold no JSON null). */
static bool has_hole(json_object *o)
{
	if (!o)
		return true;
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val)
		{
			(void)key;
			if (has_hole(val))
				return true;
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (has_hole(json_object_array_get_idx(o, i)))
				return true;
	}
	return false;
}

char *oci_json_render(json_object *top)
{
	char *out = NULL;
	const char *s = has_hole(top)
				? NULL
				: json_object_to_json_string_ext(
					  top, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	json_object_put(top);
	return out;
}

char *oci_config_default(bool rootless, uid_t uid, gid_t gid)
{
	json_object *top = json_tokener_parse(default_config);
	if (top && rootless)
		make_rootless(top, uid, gid);
	return oci_json_render(top);
}

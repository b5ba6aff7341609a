/* config.json "process" (and exec's process.json): args, env, cwd, user,
 * capabilities, rlimits and the per-process security settings. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "array.h"
#include "config_internal.h"

static const struct oci_name rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static const char *const cap_set_names[ALC_CAP_SETS] = {
	[ALC_CAP_BOUNDING] = "bounding",   [ALC_CAP_EFFECTIVE] = "effective",
	[ALC_CAP_PERMITTED] = "permitted", [ALC_CAP_INHERITABLE] = "inheritable",
	[ALC_CAP_AMBIENT] = "ambient",
};

/* "CAP_NET_ADMIN" into a bit. A name libcap does not know is an error; one
 * it knows that the running kernel lacks is left out, as a config written
 * for a newer kernel must still run. */
static int cap_bit(struct oci_jp *jp, const char *name, uint64_t *mask)
{
	char lower[64];
	size_t n = strlen(name);
	if (strncmp(name, "CAP_", 4) != 0 || n < 5 || n >= sizeof(lower))
		return jp_fail(jp, "\"%.64s\" is not a capability name (want CAP_...)", name);
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	cap_value_t v;
	if (isdigit((unsigned char)lower[4]) || cap_from_name(lower, &v) < 0 || v < 0 || v > 63)
		return jp_fail(jp, "unknown capability \"%s\"", name);
	if ((unsigned)v < (unsigned)cap_max_bits())
		*mask |= 1ULL << v;
	return 0;
}

static int parse_caps(struct oci_jp *jp, json_object *proc, struct alc_process *p)
{
	json_object *caps;
	int r = jp_opt_object(jp, proc, "capabilities", &caps);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, "capabilities");
	for (int set = 0; r >= 0 && set < ALC_CAP_SETS; set++) {
		json_object *a = NULL;
		r = jp_opt_array(jp, caps, cap_set_names[set], &a);
		size_t at = jp_key(jp, cap_set_names[set]);
		for (size_t i = 0; r >= 0 && a && i < json_object_array_length(a); i++) {
			size_t ai = jp_index(jp, i);
			const char *name;
			r = jp_want_string(jp, json_object_array_get_idx(a, i), &name);
			r = r ?: cap_bit(jp, name, &p->caps[set]);
			jp_pop(jp, ai);
		}
		jp_pop(jp, at);
	}
	jp_pop(jp, saved);
	return r < 0 ? r : 0;
}

static int parse_rlimit(struct oci_jp *jp, json_object *o, struct alc_process *p)
{
	const char *type;
	uint64_t soft, hard;
	int r = jp_want_object(jp, o);
	r = r ?: jp_req_string(jp, o, "type", &type);
	r = r ?: jp_req_uint(jp, o, "soft", UINT64_MAX, &soft);
	r = r ?: jp_req_uint(jp, o, "hard", UINT64_MAX, &hard);
	if (r < 0)
		return r;
	const struct oci_name *n =
		oci_name_find(rlimit_names, sizeof(rlimit_names) / sizeof(*rlimit_names), type);
	if (!n)
		return jp_fail_key(jp, "type", "unknown rlimit \"%.64s\"", type);
	if (soft > hard)
		return jp_fail_key(jp, "soft", "above the hard limit");
	for (size_t i = 0; i < p->n_rlimits; i++)
		if (p->rlimits[i].resource == (int)n->value)
			return jp_fail_key(jp, "type", "%s given twice", type);
	struct alc_rlimit rl = { (int)n->value, soft, hard };
	return ALC_PUSH(p->rlimits, p->n_rlimits, rl) < 0 ? jp_nomem(jp) : 0;
}

static int parse_rlimits(struct oci_jp *jp, json_object *proc, struct alc_process *p)
{
	json_object *a;
	int r = jp_opt_array(jp, proc, "rlimits", &a);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, "rlimits");
	for (size_t i = 0; r >= 0 && i < json_object_array_length(a); i++) {
		size_t at = jp_index(jp, i);
		r = parse_rlimit(jp, json_object_array_get_idx(a, i), p);
		jp_pop(jp, at);
	}
	jp_pop(jp, saved);
	return r < 0 ? r : 0;
}

static int parse_groups(struct oci_jp *jp, json_object *user, struct alc_process *p)
{
	json_object *a;
	int r = jp_opt_array(jp, user, "additionalGids", &a);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, "additionalGids");
	for (size_t i = 0; r >= 0 && i < json_object_array_length(a); i++) {
		size_t at = jp_index(jp, i);
		uint64_t gid;
		r = jp_want_uint(jp, json_object_array_get_idx(a, i), UINT32_MAX, &gid);
		if (r >= 0 && ALC_PUSH(p->groups, p->n_groups, (gid_t)gid) < 0)
			r = jp_nomem(jp);
		jp_pop(jp, at);
	}
	jp_pop(jp, saved);
	return r < 0 ? r : 0;
}

static int parse_user(struct oci_jp *jp, json_object *proc, struct alc_process *p)
{
	json_object *user;
	int r = jp_opt_object(jp, proc, "user", &user);
	if (r <= 0)
		return r; /* no user: root */
	size_t saved = jp_key(jp, "user");
	uint64_t uid, gid, umask;
	r = jp_req_uint(jp, user, "uid", UINT32_MAX, &uid);
	r = r ?: jp_req_uint(jp, user, "gid", UINT32_MAX, &gid);
	if (r >= 0 && (r = jp_opt_uint(jp, user, "umask", 0777, &umask)) > 0) {
		p->has_umask = true;
		p->umask = (mode_t)umask;
	}
	r = r < 0 ? r : parse_groups(jp, user, p);
	jp_pop(jp, saved);
	if (r < 0)
		return r;
	p->uid = (uid_t)uid;
	p->gid = (gid_t)gid;
	return 0;
}

static int parse_args_cwd(struct oci_jp *jp, json_object *proc, struct alc_process *p)
{
	int r = jp_opt_strv(jp, proc, "args", &p->args, &p->n_args);
	if (r < 0)
		return r;
	if (!p->n_args)
		return jp_fail_key(jp, "args",
				   jp_get(proc, "args") ? "must not be empty" : "missing");
	if (!p->args[0][0])
		return jp_fail_key(jp, "args", "the program name must not be empty");
	r = jp_opt_strv(jp, proc, "env", &p->env, &p->n_env);
	const char *cwd;
	r = r ?: jp_req_string(jp, proc, "cwd", &cwd);
	if (r >= 0 && cwd[0] != '/')
		r = jp_fail_key(jp, "cwd", "want an absolute path");
	return r ?: jp_strdup(jp, &p->cwd, cwd);
}

static int parse_console(struct oci_jp *jp, json_object *proc, struct alc_spec *spec)
{
	json_object *cs;
	int r = jp_opt_object(jp, proc, "consoleSize", &cs);
	if (r <= 0)
		return r;
	size_t saved = jp_key(jp, "consoleSize");
	uint64_t h, w;
	r = jp_req_uint(jp, cs, "height", UINT16_MAX, &h);
	r = r ?: jp_req_uint(jp, cs, "width", UINT16_MAX, &w);
	jp_pop(jp, saved);
	if (r < 0)
		return r;
	spec->console_height = (unsigned)h;
	spec->console_width = (unsigned)w;
	return 0;
}

static int parse_security(struct oci_jp *jp, json_object *proc, struct alc_spec *spec)
{
	int64_t adj;
	const char *s;
	int r = jp_opt_bool(jp, proc, "noNewPrivileges", &spec->process.no_new_privs);
	if (r >= 0 && (r = jp_opt_int(jp, proc, "oomScoreAdj", -1000, 1000, &adj)) > 0) {
		spec->has_oom_score_adj = true;
		spec->oom_score_adj = (int)adj;
	}
	if (r >= 0 && (r = jp_opt_string(jp, proc, "apparmorProfile", &s)) > 0)
		r = jp_strdup(jp, &spec->apparmor_profile, s);
	if (r >= 0 && (r = jp_opt_string(jp, proc, "selinuxLabel", &s)) > 0)
		r = jp_strdup(jp, &spec->selinux_label, s);
	return r < 0 ? r : 0;
}

int oci_parse_process(struct oci_jp *jp, json_object *proc, struct alc_spec *spec)
{
	struct alc_process *p = &spec->process;
	int r = jp_opt_bool(jp, proc, "terminal", &spec->terminal);
	r = r < 0 ? r : parse_console(jp, proc, spec);
	r = r < 0 ? r : parse_user(jp, proc, p);
	r = r < 0 ? r : parse_args_cwd(jp, proc, p);
	r = r < 0 ? r : parse_caps(jp, proc, p);
	r = r < 0 ? r : parse_rlimits(jp, proc, p);
	r = r < 0 ? r : parse_security(jp, proc, spec);
	return r < 0 ? r : 0;
}

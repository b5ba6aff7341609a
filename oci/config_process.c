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

/* "CAP_NET_ADMIN" into a bit of the set ctx. A name libcap does not know
 * is an error; one it knows that the running kernel lacks is left out, as
 * a config written for a newer kernel must still run. */
static int cap_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	uint64_t *mask = ctx;
	const char *name;
	char lower[64];
	int r = jp_want_string(jp, v, &name);
	if (r < 0)
		return r;
	size_t n = strlen(name);
	if (strncmp(name, "CAP_", 4) != 0 || n < 5 || n >= sizeof(lower))
		return jp_fail(jp, "\"%.64s\" is not a capability name (want CAP_...)", name);
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	cap_value_t c;
	if (isdigit((unsigned char)lower[4]) || cap_from_name(lower, &c) < 0 || c < 0 || c > 63)
		return jp_fail(jp, "unknown capability \"%s\"", name);
	if ((unsigned)c < (unsigned)cap_max_bits())
		*mask |= 1ULL << c;
	return 0;
}

static int parse_caps(struct oci_jp *jp, json_object *caps, void *ctx)
{
	struct alc_process *p = ctx;
	int r = 0;
	for (int set = 0; r >= 0 && set < ALC_CAP_SETS; set++)
		r = jp_each(jp, caps, cap_set_names[set], cap_elem, &p->caps[set]);
	return r;
}

static int rlimit_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_process *p = ctx;
	const char *type;
	uint64_t soft, hard;
	int r = jp_req_string(jp, o, "type", &type);
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

static int group_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct alc_process *p = ctx;
	uint64_t gid;
	int r = jp_want_uint(jp, v, UINT32_MAX, &gid);
	if (r >= 0 && ALC_PUSH(p->groups, p->n_groups, (gid_t)gid) < 0)
		r = jp_nomem(jp);
	return r;
}

static int parse_user(struct oci_jp *jp, json_object *user, void *ctx)
{
	struct alc_process *p = ctx;
	uint64_t uid, gid, umask;
	int r = jp_req_uint(jp, user, "uid", UINT32_MAX, &uid);
	r = r ?: jp_req_uint(jp, user, "gid", UINT32_MAX, &gid);
	if (r >= 0 && (r = jp_opt_uint(jp, user, "umask", 0777, &umask)) > 0) {
		p->has_umask = true;
		p->umask = (mode_t)umask;
	}
	r = r < 0 ? r : jp_each(jp, user, "additionalGids", group_elem, p);
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
	if (!p->args[0][0]) {
		size_t saved = jp_key(jp, "args");
		jp_index(jp, 0);
		r = jp_fail(jp, "the program name must not be empty");
		jp_pop(jp, saved);
		return r;
	}
	r = jp_opt_strv(jp, proc, "env", &p->env, &p->n_env);
	const char *cwd;
	r = r ?: jp_req_string(jp, proc, "cwd", &cwd);
	if (r >= 0 && cwd[0] != '/')
		r = jp_fail_key(jp, "cwd", "want an absolute path");
	return r ?: jp_strdup(jp, &p->cwd, cwd);
}

static int parse_console(struct oci_jp *jp, json_object *cs, void *ctx)
{
	struct alc_spec *spec = ctx;
	uint64_t h, w;
	int r = jp_req_uint(jp, cs, "height", UINT16_MAX, &h);
	r = r ?: jp_req_uint(jp, cs, "width", UINT16_MAX, &w);
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

static int sched_flag_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct alc_procattr *pa = ctx;
	const char *name;
	int r = jp_want_string(jp, v, &name);
	if (r < 0)
		return r;
	uint64_t bit = alc_sched_flag_from_name(name);
	if (!bit)
		return jp_fail(jp, "unknown scheduler flag \"%.64s\"", name);
	pa->flags |= bit;
	return 0;
}

static int parse_scheduler(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_procattr *pa = ctx;
	const char *policy;
	int64_t nice = 0, prio = 0;
	int r = jp_req_string(jp, o, "policy", &policy);
	if (r < 0)
		return r;
	pa->policy = alc_sched_policy_from_name(policy);
	if (pa->policy < 0)
		return jp_fail_key(jp, "policy", "%s \"%.64s\"",
				   strcmp(policy, "SCHED_ISO") ? "unknown policy"
							       : "Linux has no policy",
				   policy);
	r = jp_opt_int(jp, o, "nice", -20, 19, &nice);
	r = r < 0 ? r : jp_opt_int(jp, o, "priority", 0, 99, &prio);
	r = r < 0 ? r : jp_each(jp, o, "flags", sched_flag_elem, pa);
	r = r < 0 ? r : jp_opt_uint(jp, o, "runtime", UINT64_MAX, &pa->runtime);
	r = r < 0 ? r : jp_opt_uint(jp, o, "deadline", UINT64_MAX, &pa->deadline);
	r = r < 0 ? r : jp_opt_uint(jp, o, "period", UINT64_MAX, &pa->period);
	if (r < 0)
		return r;
	pa->nice = (int)nice;
	pa->priority = (int)prio;
	const char *why = alc_procattr_sched_check(pa);
	if (why)
		return jp_fail(jp, "%s", why);
	pa->has_sched = true;
	return 0;
}

static int parse_ioprio(struct oci_jp *jp, json_object *o, void *ctx)
{
	static const char *const classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					       "IOPRIO_CLASS_IDLE" };
	struct alc_procattr *pa = ctx;
	const char *cls;
	uint64_t level = 0;
	int r = jp_req_string(jp, o, "class", &cls);
	r = r < 0 ? r : jp_opt_uint(jp, o, "priority", UINT64_MAX, &level);
	if (r < 0)
		return r;
	pa->io_class = 0;
	for (int i = 0; i < 3; i++)
		if (!strcmp(cls, classes[i]))
			pa->io_class = i + 1;
	if (!pa->io_class)
		return jp_fail_key(jp, "class",
				   "unknown class \"%.64s\" (want IOPRIO_CLASS_RT, "
				   "IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)",
				   cls);
	if (level > 7)
		return jp_fail_key(jp, "priority", "want 0 to 7");
	pa->io_level = (int)level;
	pa->has_ioprio = true;
	return 0;
}

static int opt_cpulist(struct oci_jp *jp, json_object *o, const char *key, struct alc_cpus *set,
		       bool *has)
{
	const char *s;
	char why[160];
	int r = jp_opt_string(jp, o, key, &s);
	if (r <= 0)
		return r;
	if (alc_cpulist_parse(s, set, why, sizeof(why)) < 0)
		return jp_fail_key(jp, key, "%s", why);
	*has = true;
	return 0;
}

static int parse_affinity(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_procattr *pa = ctx;
	int r = opt_cpulist(jp, o, "initial", &pa->initial, &pa->has_initial);
	return r < 0 ? r : opt_cpulist(jp, o, "final", &pa->final, &pa->has_final);
}

int oci_parse_process(struct oci_jp *jp, json_object *proc, struct alc_spec *spec)
{
	struct alc_process *p = &spec->process;
	int r = jp_opt_bool(jp, proc, "terminal", &spec->terminal);
	r = r < 0 ? r : jp_sub(jp, proc, "consoleSize", parse_console, spec);
	r = r < 0 ? r : jp_sub(jp, proc, "user", parse_user, p); /* none: root */
	r = r < 0 ? r : parse_args_cwd(jp, proc, p);
	r = r < 0 ? r : jp_sub(jp, proc, "capabilities", parse_caps, p);
	r = r < 0 ? r : jp_each_object(jp, proc, "rlimits", rlimit_elem, p);
	r = r < 0 ? r : parse_security(jp, proc, spec);
	r = r < 0 ? r : jp_sub(jp, proc, "scheduler", parse_scheduler, &p->attr);
	r = r < 0 ? r : jp_sub(jp, proc, "ioPriority", parse_ioprio, &p->attr);
	r = r < 0 ? r : jp_sub(jp, proc, "execCPUAffinity", parse_affinity, &p->attr);
	return r < 0 ? r : 0;
}

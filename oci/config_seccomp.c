/* config.json "linux.seccomp" into struct alc_seccomp: the default action,
 * architectures, filter flags and the syscall rules with their argument
 * comparisons. Actions become libseccomp values with errno folded in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "config_internal.h"
#include "scmp.h"

/* value holds the action; ERRNO and TRACE get errnoRet (EPERM if absent). */
const struct oci_name oci_seccomp_actions[] = {
	{ "SCMP_ACT_KILL", OCI_SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", OCI_SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", OCI_SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", OCI_SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", OCI_SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_TRACE", OCI_SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_ALLOW", OCI_SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", OCI_SCMP_ACT_LOG },
};
const size_t oci_n_seccomp_actions = sizeof(oci_seccomp_actions) / sizeof(*oci_seccomp_actions);

const struct oci_name oci_seccomp_ops[] = {
	{ "SCMP_CMP_NE", OCI_SCMP_CMP_NE },
	{ "SCMP_CMP_LT", OCI_SCMP_CMP_LT },
	{ "SCMP_CMP_LE", OCI_SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", OCI_SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", OCI_SCMP_CMP_GE },
	{ "SCMP_CMP_GT", OCI_SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", OCI_SCMP_CMP_MASKED_EQ },
};
const size_t oci_n_seccomp_ops = sizeof(oci_seccomp_ops) / sizeof(*oci_seccomp_ops);

/* The architectures libseccomp 2.5 knows. Other SCMP_ARCH_ names are kept
 * too (a profile written for a newer libseccomp must load); the filter
 * code skips what it cannot resolve. */
const char *const oci_seccomp_archs[] = {
	"SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",	    "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",	   "SCMP_ARCH_MIPS64",	    "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	    "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
};
const size_t oci_n_seccomp_archs = sizeof(oci_seccomp_archs) / sizeof(*oci_seccomp_archs);

/* SECCOMP_FILTER_FLAG_* values from linux/seccomp.h. */
const struct oci_name oci_seccomp_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", 1u << 0 },
	{ "SECCOMP_FILTER_FLAG_LOG", 1u << 1 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1u << 2 },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1u << 5 },
};
const size_t oci_n_seccomp_flags = sizeof(oci_seccomp_flags) / sizeof(*oci_seccomp_flags);

/* An action by name with its errno key (errnoRet or defaultErrnoRet). */
static int parse_action(struct oci_jp *jp, json_object *o, const char *key, const char *errno_key,
			uint32_t *out)
{
	const char *name;
	uint64_t ret = EPERM;
	int r = jp_req_string(jp, o, key, &name);
	if (r < 0)
		return r;
	const struct oci_name *a = oci_name_find(oci_seccomp_actions, oci_n_seccomp_actions, name);
	if (!a && !strcmp(name, "SCMP_ACT_NOTIFY"))
		return jp_fail_key(jp, key, "SCMP_ACT_NOTIFY is not supported");
	if (!a)
		return jp_fail_key(jp, key, "unknown action \"%.64s\"", name);
	bool takes_errno = a->value == OCI_SCMP_ACT_ERRNO(0) || a->value == OCI_SCMP_ACT_TRACE(0);
	r = jp_opt_uint(jp, o, errno_key, 0xffff, &ret);
	if (r > 0 && !takes_errno)
		return jp_fail_key(jp, errno_key,
				   "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
	if (r < 0)
		return r;
	*out = (uint32_t)a->value | (takes_errno ? (uint32_t)ret : 0);
	return 0;
}

static int arg_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_seccomp_rule *rule = ctx;
	uint64_t index, value, two = 0;
	const char *op;
	int r = jp_req_uint(jp, o, "index", 5, &index);
	r = r ?: jp_req_uint(jp, o, "value", UINT64_MAX, &value);
	r = r ?: jp_req_string(jp, o, "op", &op);
	r = r < 0 ? r : jp_opt_uint(jp, o, "valueTwo", UINT64_MAX, &two);
	if (r < 0)
		return r;
	const struct oci_name *n = oci_name_find(oci_seccomp_ops, oci_n_seccomp_ops, op);
	if (!n)
		return jp_fail_key(jp, "op", "unknown operator \"%.64s\"", op);
	struct alc_seccomp_arg arg = { (unsigned)index, value, two, (int)n->value };
	return ALC_PUSH(rule->args, rule->n_args, arg) < 0 ? jp_nomem(jp) : 0;
}

static int rule_elem(struct oci_jp *jp, json_object *o, void *ctx)
{
	struct alc_seccomp *s = ctx;
	struct alc_seccomp_rule fresh = { 0 };
	if (ALC_PUSH(s->rules, s->n_rules, fresh) < 0)
		return jp_nomem(jp);
	/* Filled in place: on error alc_seccomp_free releases it. */
	struct alc_seccomp_rule *rule = &s->rules[s->n_rules - 1];
	int r = jp_opt_strv(jp, o, "names", &rule->names, &rule->n_names);
	if (r >= 0 && !rule->n_names)
		r = jp_fail_key(jp, "names", jp_get(o, "names") ? "must not be empty" : "missing");
	r = r ?: parse_action(jp, o, "action", "errnoRet", &rule->action);
	return r ?: jp_each_object(jp, o, "args", arg_elem, rule);
}

static int arch_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct alc_seccomp *s = ctx;
	const char *name;
	int r = jp_want_string(jp, v, &name);
	if (r < 0)
		return r;
	if (strncmp(name, "SCMP_ARCH_", 10) != 0 || !name[10])
		return jp_fail(jp, "unknown architecture \"%.64s\"", name);
	return alc_strv_add(&s->archs, &s->n_archs, name) < 0 ? jp_nomem(jp) : 0;
}

static int flag_elem(struct oci_jp *jp, json_object *v, void *ctx)
{
	struct alc_seccomp *s = ctx;
	const char *name;
	int r = jp_want_string(jp, v, &name);
	if (r < 0)
		return r;
	const struct oci_name *f = oci_name_find(oci_seccomp_flags, oci_n_seccomp_flags, name);
	if (!f)
		return jp_fail(jp, "unknown or unsupported flag \"%.64s\"", name);
	s->flags |= (unsigned)f->value;
	return 0;
}

int oci_parse_seccomp(struct oci_jp *jp, json_object *sc, struct alc_spec *spec)
{
	struct alc_seccomp *s = calloc(1, sizeof(*s));
	if (!s)
		return jp_nomem(jp);
	alc_seccomp_free(spec->seccomp);
	spec->seccomp = s; /* released with the spec, on error too */
	int r = parse_action(jp, sc, "defaultAction", "defaultErrnoRet", &s->default_action);
	r = r ?: jp_each(jp, sc, "architectures", arch_elem, s);
	r = r ?: jp_each(jp, sc, "flags", flag_elem, s);
	return r ?: jp_each_object(jp, sc, "syscalls", rule_elem, s);
}

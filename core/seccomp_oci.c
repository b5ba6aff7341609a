#include "seccomp_oci.h"

#include <ctype.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "cleanup.h"
#include "fileio.h"

/* The flags alcove passes on to seccomp(2); NEW_LISTENER needs a notify
 * socket (linux.seccomp.listenerPath), which alcove does not provide. */
#define KNOWN_FLAGS                                                                                \
	(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW)

#ifdef HAVE_SECCOMP
/* Returns the action's name when alcove can apply it, or NULL. */
static const char *action_name(uint32_t a)
{
	switch (a & 0xffff0000u) {
	case 0x80000000u:
		return "SCMP_ACT_KILL_PROCESS";
	case 0x00000000u:
		return a ? NULL : "SCMP_ACT_KILL_THREAD";
	case 0x00030000u:
		return "SCMP_ACT_TRAP";
	case 0x00050000u:
		return "SCMP_ACT_ERRNO";
	case 0x7ff00000u:
		return "SCMP_ACT_TRACE";
	case 0x7ffc0000u:
		return a == 0x7ffc0000u ? "SCMP_ACT_LOG" : NULL;
	case 0x7fff0000u:
		return a == 0x7fff0000u ? "SCMP_ACT_ALLOW" : NULL;
	}
	return NULL; /* SCMP_ACT_NOTIFY or unknown */
}

static int check_rule(const struct alc_seccomp_rule *r, size_t i, alc_err *err)
{
	const char *first = r->n_names ? r->names[0] : "(no names)";
	if (!action_name(r->action))
		return alc_err_setx(err, ENOTSUP,
				    "seccomp: .syscalls[%zu] (%s): action %#x is not supported", i,
				    first, r->action);
	for (size_t k = 0; k < r->n_args; k++) {
		if (r->args[k].index > 5)
			return alc_err_setx(err, EINVAL,
					    "seccomp: .syscalls[%zu] (%s): .args[%zu].index %u is "
					    "over 5",
					    i, first, k, r->args[k].index);
		if (r->args[k].op < 1 || r->args[k].op > 7)
			return alc_err_setx(
				err, EINVAL,
				"seccomp: .syscalls[%zu] (%s): .args[%zu].op %d is not a "
				"comparison",
				i, first, k, r->args[k].op);
	}
	return 0;
}

#endif

int alc_seccomp_check(const struct alc_seccomp *sc, alc_err *err)
{
	if (!sc)
		return 0;
#ifndef HAVE_SECCOMP
	return alc_err_setx(err, ENOTSUP,
			    "seccomp: this alcove was built without libseccomp; remove "
			    "linux.seccomp or rebuild with -Dseccomp=enabled");
#else
	if (!action_name(sc->default_action))
		return alc_err_setx(err, ENOTSUP, "seccomp: default action %#x is not supported",
				    sc->default_action);
	if (sc->flags & ~KNOWN_FLAGS)
		return alc_err_setx(err, ENOTSUP, "seccomp: flags %#x are not supported",
				    (unsigned)(sc->flags & ~KNOWN_FLAGS));
	for (size_t i = 0; i < sc->n_archs; i++) {
		char name[64];
		const char *a = sc->archs[i];
		if (!strncmp(a, "SCMP_ARCH_", 10))
			a += 10;
		snprintf(name, sizeof(name), "%s", a);
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (seccomp_arch_resolve_name(name) == 0)
			return alc_err_setx(err, EINVAL, "seccomp: .architectures[%zu]: unknown %s",
					    i, sc->archs[i]);
	}
	for (size_t i = 0; i < sc->n_rules; i++) {
		int r = check_rule(&sc->rules[i], i, err);
		if (r < 0)
			return r;
	}
	return 0;
#endif
}

#ifdef HAVE_SECCOMP
static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int add_archs(scmp_filter_ctx ctx, const struct alc_seccomp *sc, alc_err *err)
{
	for (size_t i = 0; i < sc->n_archs; i++) {
		char name[64];
		const char *a = sc->archs[i];
		snprintf(name, sizeof(name), "%s", strncmp(a, "SCMP_ARCH_", 10) ? a : a + 10);
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		int r = seccomp_arch_add(ctx, seccomp_arch_resolve_name(name));
		if (r < 0 && r != -EEXIST) /* the native one is there already */
			return alc_err_set(err, -r, "seccomp: add architecture %s", sc->archs[i]);
	}
	return 0;
}

/* One OCI rule: the comparisons are ANDed, except that several on the same
 * argument cannot be, so those become one rule each (ORed). */
static int add_rule(scmp_filter_ctx ctx, uint32_t dflt, const struct alc_seccomp_rule *rule,
		    size_t i, alc_err *err)
{
	struct scmp_arg_cmp cmp[6];
	bool repeated = false;
	unsigned seen = 0;
	if (rule->action == dflt)
		return 0; /* libseccomp refuses it, and it changes nothing */
	for (size_t k = 0; k < rule->n_args; k++) {
		repeated |= rule->n_args > 6 || (seen & (1u << rule->args[k].index));
		seen |= 1u << rule->args[k].index;
	}
	for (size_t k = 0; k < rule->n_args && k < 6; k++)
		cmp[k] = (struct scmp_arg_cmp){ rule->args[k].index,
						(enum scmp_compare)rule->args[k].op,
						rule->args[k].value, rule->args[k].value_two };
	for (size_t n = 0; n < rule->n_names; n++) {
		int nr = seccomp_syscall_resolve_name(rule->names[n]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not a syscall on these architectures */
		int r = 0;
		if (!repeated)
			r = seccomp_rule_add_array(ctx, rule->action, nr, (unsigned)rule->n_args,
						   cmp);
		for (size_t k = 0; repeated && r == 0 && k < rule->n_args; k++) {
			struct scmp_arg_cmp one = { rule->args[k].index,
						    (enum scmp_compare)rule->args[k].op,
						    rule->args[k].value, rule->args[k].value_two };
			r = seccomp_rule_add_array(ctx, rule->action, nr, 1, &one);
		}
		if (r < 0)
			return alc_err_set(err, -r, "seccomp: .syscalls[%zu]: add rule for %s", i,
					   rule->names[n]);
	}
	return 0;
}

/* Renders the filter into a memfd and reads the instructions back. */
static int export_bpf(scmp_filter_ctx ctx, struct alc_seccomp_prog *out, alc_err *err)
{
	_cleanup_close_ int fd = memfd_create("alcove-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return alc_err_set(err, errno, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return alc_err_set(err, -r, "seccomp: generate the filter");
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return alc_err_setx(err, E2BIG, "seccomp: the filter has %lld bytes (limit %zu)",
				    (long long)size, BPF_MAXINSNS * sizeof(struct sock_filter));
	out->insns = malloc((size_t)size);
	if (!out->insns)
		return alc_err_set(err, ENOMEM, "seccomp: filter");
	if (pread(fd, out->insns, (size_t)size, 0) != size) {
		alc_seccomp_prog_free(out);
		return alc_err_set(err, EIO, "seccomp: read the filter back");
	}
	out->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	return 0;
}
#endif

int alc_seccomp_compile(const struct alc_seccomp *sc, struct alc_seccomp_prog *out, alc_err *err)
{
	memset(out, 0, sizeof(*out));
	int r = alc_seccomp_check(sc, err);
	if (r < 0 || !sc)
		return r;
#ifdef HAVE_SECCOMP
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx =
		seccomp_init(sc->default_action);
	if (!ctx)
		return alc_err_setx(err, EINVAL, "seccomp: cannot start a filter with action %#x",
				    sc->default_action);
	/* alcove sets no_new_privs itself when the spec asks for it. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return alc_err_set(err, -r, "seccomp: filter attributes");
	r = add_archs(ctx, sc, err);
	for (size_t i = 0; r == 0 && i < sc->n_rules; i++)
		r = add_rule(ctx, sc->default_action, &sc->rules[i], i, err);
	r = r ?: export_bpf(ctx, out, err);
	out->flags = sc->flags;
	return r;
#else
	return -ENOTSUP; /* alc_seccomp_check refused it */
#endif
}

int alc_seccomp_load(const struct alc_seccomp_prog *p, alc_err *err)
{
	struct sock_fprog prog = { .len = p->len, .filter = p->insns };
	if (!p->insns)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) == 0)
		return 0;
	int e = errno;
	if (e == ENOSYS && p->flags == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0)
		return 0; /* kernels before 3.17 */
	if (e == EINVAL && p->flags)
		return alc_err_set(err, e, "seccomp: load the filter (flags %#x)", p->flags);
	if (e == EACCES)
		return alc_err_setx(
			err, e, "seccomp: load the filter: needs no_new_privs or CAP_SYS_ADMIN");
	return alc_err_set(err, e, "seccomp: load the filter");
}

void alc_seccomp_prog_free(struct alc_seccomp_prog *p)
{
	free(p->insns);
	memset(p, 0, sizeof(*p));
}

int alc_seccomp_apply(const struct alc_seccomp *sc, alc_err *err)
{
	struct alc_seccomp_prog p;
	int r = alc_seccomp_compile(sc, &p, err);
	r = r ?: alc_seccomp_load(&p, err);
	alc_seccomp_prog_free(&p);
	return r;
}

bool alc_seccomp_supported(char *detail, size_t len)
{
	char buf[160];
#ifndef HAVE_SECCOMP
	snprintf(buf, sizeof(buf), "built without libseccomp");
	bool ok = false;
#else
	const struct scmp_version *v = seccomp_version();
	bool ok = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	snprintf(buf, sizeof(buf), "libseccomp %u.%u.%u (API level %u)%s", v->major, v->minor,
		 v->micro, seccomp_api_get(), ok ? "" : "; the kernel has no seccomp filters");
#endif
	if (detail && len)
		snprintf(detail, len, "%s", buf);
	return ok;
}

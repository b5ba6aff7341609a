/* VM-tier guest checks for the OCI security fields on pure cgroup v2:
 *   vm-ocisec devices   device rules through the BPF program (deny, allow)
 *   vm-ocisec seccomp   errnoRet, Seccomp: 2, default kill
 *   vm-ocisec process   personality (64-bit guests), time offsets, nodes,
 *                       scheduler policy and nice, I/O priority,
 *                       AppArmor exec label when the kernel has AppArmor
 * Prints one line per check; exits 0 when all held, 1 otherwise, 2 for an
 * unknown name. */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ocisec.h"

#define BUSYBOX "/bin/busybox"

struct check {
	const char *name, *script;
	void (*tweak)(struct alc_spec *);
	const char *want[4]; /* substrings of /out, NULL-terminated */
	int want_signal;     /* or 0 */
};

static void rule(struct alc_spec *s, bool allow, char type, int64_t maj, int64_t min,
		 const char *acc)
{
	s->dev_rules = realloc(s->dev_rules, (s->n_dev_rules + 1) * sizeof(*s->dev_rules));
	struct alc_dev_rule *r = &s->dev_rules[s->n_dev_rules++];
	*r = (struct alc_dev_rule){ allow, type, maj, min, "" };
	snprintf(r->access, sizeof(r->access), "%s", acc);
}

static void kmsg(struct alc_spec *s)
{
	alc_spec_add_mount(s, "/dev/kmsg", "/dev/kmsg", NULL, MS_BIND, NULL);
	rule(s, false, 'a', -1, -1, "rwm");
}

static void devices_deny(struct alc_spec *s)
{
	kmsg(s);
	rule(s, false, 'c', 1, 3, "w");
}

static void devices_allow(struct alc_spec *s)
{
	kmsg(s);
	rule(s, true, 'c', 1, 11, "w");
}

static struct alc_seccomp_rule *sc_rule(struct alc_spec *s, uint32_t dflt, uint32_t action)
{
	if (!s->seccomp) {
		s->seccomp = calloc(1, sizeof(*s->seccomp));
		s->seccomp->default_action = dflt;
	}
	struct alc_seccomp *sc = s->seccomp;
	sc->rules = realloc(sc->rules, (sc->n_rules + 1) * sizeof(*sc->rules));
	struct alc_seccomp_rule *r = &sc->rules[sc->n_rules++];
	memset(r, 0, sizeof(*r));
	r->action = action;
	return r;
}

static void seccomp_errno(struct alc_spec *s)
{
	struct alc_seccomp_rule *r = sc_rule(s, SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(ENOSPC));
	alc_strv_add(&r->names, &r->n_names, "mkdir");
	alc_strv_add(&r->names, &r->n_names, "mkdirat");
}

static void seccomp_kill(struct alc_spec *s)
{
	struct alc_seccomp_rule *r = sc_rule(s, SCMP_ACT_KILL_PROCESS, SCMP_ACT_ALLOW);
	/* The native table, and ARM's private calls (set_tls, cacheflush). */
	for (int nr = 0; nr < 0xf0010; nr = nr == 1023 ? 0xf0000 : nr + 1) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name && strcmp(name, "mkdir") && strcmp(name, "mkdirat"))
			alc_strv_add(&r->names, &r->n_names, name);
		free(name);
	}
}

static void linux32(struct alc_spec *s)
{
	s->has_personality = true;
	s->personality = PER_LINUX32;
}

static void timens(struct alc_spec *s)
{
	s->has_time_offsets = true;
	s->time_offset_boot_s = 86400 * 365;
}

static void nodes(struct alc_spec *s)
{
	s->devices = calloc(1, sizeof(*s->devices));
	s->devices[0] = (struct alc_device){ strdup("/dev/oci-null"), 'c', 1, 3, 0620, 7, 8 };
	s->n_devices = 1;
}

static void apparmor(struct alc_spec *s)
{
	s->apparmor_profile = strdup("unconfined");
}

static void sched_fifo(struct alc_spec *s)
{
	s->process.attr.has_sched = true;
	s->process.attr.policy = SCHED_FIFO;
	s->process.attr.priority = 10;
}

static void sched_batch_nice(struct alc_spec *s)
{
	s->process.attr.has_sched = true;
	s->process.attr.policy = 3; /* SCHED_BATCH */
	s->process.attr.nice = 7;
}

static void ioprio_be6(struct alc_spec *s)
{
	s->process.attr.has_ioprio = true;
	s->process.attr.io_class = 2; /* IOPRIO_CLASS_BE */
	s->process.attr.io_level = 6;
}

/* The policy (stat field 41), rt priority (40) and nice (19) the kernel
 * reports for the shell itself. */
#define STAT_SCRIPT                                                                                \
	"set -- $(cat /proc/self/stat); shift 18; n=$1; shift 21; "                                \
	"echo policy=$2 rtprio=$1 nice=$n >/out"

static const char dev_script[] = "echo x 2>>/out >/dev/null; echo null=$? >>/out; "
				 "head -c 4 /dev/urandom | wc -c >>/out; "
				 "echo oci-sec 2>>/out >/dev/kmsg; echo kmsg=$? >>/out";

static const struct check devices_checks[] = {
	{ "bpf-deny", dev_script, devices_deny, { "null=1", "4\n", "kmsg=1", NULL }, 0 },
	{ "bpf-allow", dev_script, devices_allow, { "null=0", "kmsg=0", NULL }, 0 },
	{ NULL, NULL, NULL, { NULL }, 0 },
};

static const struct check seccomp_checks[] = {
	{ "errno",
	  "grep Seccomp: /proc/self/status >/out; mkdir /d 2>>/out; echo rc=$? >>/out",
	  seccomp_errno,
	  { "Seccomp:\t2", "No space left on device", "rc=1", NULL },
	  0 },
	{ "kill",
	  "echo before >/out; mkdir /d; echo rc=$? >>/out",
	  seccomp_kill,
	  { "before", "rc=159", NULL },
	  SIGSYS },
	{ NULL, NULL, NULL, { NULL }, 0 },
};

static const struct check timens_check = {
	"timens",
	"cat /proc/uptime >/out; cat /proc/self/timens_offsets >>/out",
	timens,
	{ "boottime     31536000", NULL },
	0
};

static const struct check process_checks[] = {
	{ "nodes",
	  "stat -c '%F %t:%T %a %u:%g' /dev/oci-null >/out",
	  nodes,
	  { "character special file 1:3 620 7:8", NULL },
	  0 },
	{ "sched-fifo", STAT_SCRIPT, sched_fifo, { "policy=1 rtprio=10 nice=0", NULL }, 0 },
	{ "sched-batch", STAT_SCRIPT, sched_batch_nice, { "policy=3 rtprio=0 nice=7", NULL }, 0 },
	{ "ioprio", "ionice -p $$ >/out", ioprio_be6, { "best-effort: prio 6", NULL }, 0 },
	{ NULL, NULL, NULL, { NULL }, 0 },
};

/* Runs one check; a killed process counts when want_signal names it. */
static int run_check(const struct check *c)
{
	struct alc_spec spec;
	struct ocisec_result res;
	char d[5000];
	if (ocisec_spec(&spec, BUSYBOX, c->name, c->script) < 0) {
		printf("vm-ocisec: FAIL %s: cannot make the spec\n", c->name);
		return 1;
	}
	c->tweak(&spec);
	int r = ocisec_run(&spec, &res);
	int bad = r < 0 || res.leftover;
	bool killed =
		c->want_signal && WIFSIGNALED(res.status) && WTERMSIG(res.status) == c->want_signal;
	for (size_t i = 0; !bad && !killed && c->want[i]; i++)
		bad |= !ocisec_saw(&res, c->want[i]);
	printf("vm-ocisec: %s %s: %s%s\n", bad ? "FAIL" : "ok", c->name,
	       ocisec_describe(&res, d, sizeof(d)), res.leftover ? " (left behind)" : "");
	alc_spec_free(&spec);
	return bad;
}

static int run_all(const struct check *cs)
{
	int bad = 0;
	for (; cs->name; cs++)
		bad |= run_check(cs);
	return bad;
}

/* A spec the kernel cannot honour fails create with err naming the field,
 * and nothing runs or is left behind. */
static int refused(const char *name, void (*tweak)(struct alc_spec *), const char *needle)
{
	struct alc_spec spec;
	struct ocisec_result res;
	if (ocisec_spec(&spec, BUSYBOX, name, "echo ran >/out") < 0)
		return 1;
	tweak(&spec);
	int r = ocisec_run(&spec, &res);
	int bad = r == 0 || !strstr(res.err, needle) || res.leftover || res.out[0];
	printf("vm-ocisec: %s %s: %s\n", bad ? "FAIL" : "ok", name, res.err);
	alc_spec_free(&spec);
	return bad;
}

static void missing_profile(struct alc_spec *s)
{
	s->apparmor_profile = strdup("alcove-no-such-profile");
}

static int run_process(void)
{
	struct utsname u;
	int bad = run_all(process_checks);
	bad |= access("/proc/self/ns/time", F_OK) == 0
		       ? run_check(&timens_check)
		       : refused("timens-none", timens, "this kernel has none (CONFIG_TIME_NS)");
	uname(&u);
	if (!strcmp(u.machine, "x86_64") || !strcmp(u.machine, "aarch64")) {
		struct check c = { "personality",
				   "uname -m >/out",
				   linux32,
				   { !strcmp(u.machine, "x86_64") ? "i686" : "armv8l", NULL },
				   0 };
		bad |= run_check(&c);
	}
	FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
	char yes = f && fgetc(f) == 'Y';
	if (f)
		fclose(f);
	if (yes) {
		struct check c = { "apparmor",
				   "cat /proc/self/attr/current >/out",
				   apparmor,
				   { "unconfined", NULL },
				   0 };
		bad |= run_check(&c);
		/* the kernel knows no such profile */
		bad |= refused("aa-missing", missing_profile,
			       "apparmorProfile alcove-no-such-profile");
	} else {
		printf("vm-ocisec: skip apparmor: the kernel has no AppArmor\n");
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "devices"))
		return run_all(devices_checks);
	if (!strcmp(what, "seccomp"))
		return run_all(seccomp_checks);
	if (!strcmp(what, "process"))
		return run_process();
	fprintf(stderr, "usage: vm-ocisec devices|seccomp|process\n");
	return 2;
}

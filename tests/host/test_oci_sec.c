/* Host tier: the OCI security and process fields as the container process
 * sees them on this kernel: seccomp (errno, argument filter, default kill),
 * personality, oom_score_adj, time namespace offsets, linux.devices nodes
 * and the device cgroup (v1 here; the BPF program on the unified tree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpfdev.h"
#include "container.h"
#include "cgtest.h"
#include "devices.h"
#include "fileio.h"
#include "hooks.h"
#include "ocisec.h"
#include "seccomp_oci.h"

#define BUSYBOX "/bin/busybox"

static void run_ok(const struct alc_spec *spec, struct ocisec_result *res)
{
	char d[5000];
	if (ocisec_run(spec, res) < 0)
		fail_msg("%s", ocisec_describe(res, d, sizeof(d)));
	if (res->leftover)
		fail_msg("the run left its cgroup or rootfs behind");
}

static void expect_out(const struct ocisec_result *res, const char *needle)
{
	char d[5000];
	if (!ocisec_saw(res, needle))
		fail_msg("wanted \"%s\" in /out; %s", needle, ocisec_describe(res, d, sizeof(d)));
}

static struct alc_seccomp *profile(uint32_t dflt)
{
	struct alc_seccomp *sc = calloc(1, sizeof(*sc));
	assert_non_null(sc);
	sc->default_action = dflt;
	return sc;
}

static struct alc_seccomp_rule *add_rule(struct alc_seccomp *sc, uint32_t action,
					 const char *const *names)
{
	sc->rules = realloc(sc->rules, (sc->n_rules + 1) * sizeof(*sc->rules));
	assert_non_null(sc->rules);
	struct alc_seccomp_rule *r = &sc->rules[sc->n_rules++];
	memset(r, 0, sizeof(*r));
	r->action = action;
	for (; *names; names++)
		assert_int_equal(alc_strv_add(&r->names, &r->n_names, *names), 0);
	return r;
}

static void add_arg(struct alc_seccomp_rule *r, unsigned index, int op, uint64_t a, uint64_t b)
{
	r->args = realloc(r->args, (r->n_args + 1) * sizeof(*r->args));
	assert_non_null(r->args);
	r->args[r->n_args++] = (struct alc_seccomp_arg){ index, a, b, op };
}

static void test_seccomp_errno_ret_reaches_mkdir_and_status_shows_filter(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(
		ocisec_spec(&spec, BUSYBOX, "errno",
			    "grep Seccomp: /proc/self/status >/out; "
			    "mkdir /made 2>>/out; echo mkdir=$? >>/out; ls -d /tmp >>/out"),
		0);
	spec.seccomp = profile(SCMP_ACT_ALLOW);
	add_rule(spec.seccomp, SCMP_ACT_ERRNO(ENOSPC),
		 (const char *const[]){ "mkdir", "mkdirat", NULL });
	run_ok(&spec, &res);
	expect_out(&res, "Seccomp:\t2");
	expect_out(&res, "No space left on device");
	expect_out(&res, "mkdir=1");
	expect_out(&res, "/tmp"); /* everything else still works */
	alc_spec_free(&spec);
}

static void test_seccomp_argument_filter_denies_only_the_matching_mode(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(
		ocisec_spec(&spec, BUSYBOX, "args",
			    "touch /f; chmod 755 /f; echo a=$? >/out; "
			    "chmod 700 /f 2>>/out; echo b=$? >>/out; stat -c %a /f >>/out"),
		0);
	spec.seccomp = profile(SCMP_ACT_ALLOW);
	/* mode & 0777 == 0700 -> EPERM, for chmod (arg 1) and fchmodat (arg 2) */
	struct alc_seccomp_rule *r = add_rule(spec.seccomp, SCMP_ACT_ERRNO(EPERM),
					      (const char *const[]){ "chmod", NULL });
	add_arg(r, 1, SCMP_CMP_MASKED_EQ, 0777, 0700);
	r = add_rule(spec.seccomp, SCMP_ACT_ERRNO(EPERM),
		     (const char *const[]){ "fchmodat", "fchmodat2", NULL });
	add_arg(r, 2, SCMP_CMP_MASKED_EQ, 0777, 0700);
	run_ok(&spec, &res);
	expect_out(&res, "a=0");
	expect_out(&res, "Operation not permitted");
	expect_out(&res, "b=1");
	expect_out(&res, "755");
	alc_spec_free(&spec);
}

/* Default action kill, with every syscall of the native table allowed but
 * mkdir: running mkdir kills the process that calls it. */
static void test_seccomp_default_kill_takes_the_unlisted_syscall(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	char d[5000];
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "kill",
				     "echo before >/out; mkdir /made; echo rc=$? >>/out"),
			 0);
	spec.seccomp = profile(SCMP_ACT_KILL_PROCESS);
	struct alc_seccomp_rule *r =
		add_rule(spec.seccomp, SCMP_ACT_ALLOW, (const char *const[]){ NULL });
	/* The native table, and ARM's private calls (set_tls, cacheflush). */
	for (int nr = 0; nr < 0xf0010; nr = nr == 1023 ? 0xf0000 : nr + 1) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name && strcmp(name, "mkdir") && strcmp(name, "mkdirat"))
			assert_int_equal(alc_strv_add(&r->names, &r->n_names, name), 0);
		free(name);
	}
	run_ok(&spec, &res);
	expect_out(&res, "before");
	bool shell_killed = WIFSIGNALED(res.status) && WTERMSIG(res.status) == SIGSYS;
	if (!shell_killed && !ocisec_saw(&res, "rc=159"))
		fail_msg("mkdir was not killed by SIGSYS: %s", ocisec_describe(&res, d, sizeof(d)));
	alc_spec_free(&spec);
}

static void test_seccomp_bad_architecture_is_refused_before_anything_exists(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "badarch", "echo ran >/out"), 0);
	spec.seccomp = profile(SCMP_ACT_ALLOW);
	assert_int_equal(
		alc_strv_add(&spec.seccomp->archs, &spec.seccomp->n_archs, "SCMP_ARCH_PDP11"), 0);
	assert_int_equal(ocisec_run(&spec, &res), -1);
	if (!strstr(res.err, ".architectures[0]") || !strstr(res.err, "SCMP_ARCH_PDP11"))
		fail_msg("error does not name the architecture: %s", res.err);
	assert_false(res.leftover);
	assert_string_equal(res.out, "");
	alc_spec_free(&spec);
}

static void test_personality_linux32_changes_uname_machine(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	struct utsname u;
	uname(&u);
	const char *want = !strcmp(u.machine, "x86_64") ? "i686" : "armv8l";
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "pers", "uname -m >/out"), 0);
	spec.has_personality = true;
	spec.personality = PER_LINUX32;
	run_ok(&spec, &res);
	expect_out(&res, want);
	alc_spec_free(&spec);
}

static void test_oom_score_adj_is_read_back_inside(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "oom", "cat /proc/self/oom_score_adj >/out"),
			 0);
	spec.has_oom_score_adj = true;
	spec.oom_score_adj = 347; /* lowering needs CAP_SYS_RESOURCE, raising does not */
	run_ok(&spec, &res);
	expect_out(&res, "347\n");
	alc_spec_free(&spec);
}

static double host_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "re");
	double up = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lf", &up), 1);
	fclose(f);
	return up;
}

static void test_time_offsets_shift_boottime_inside(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	char d[5000];
	assert_int_equal(
		ocisec_spec(&spec, BUSYBOX, "timens",
			    "cat /proc/uptime >/out; cat /proc/self/timens_offsets >>/out"),
		0);
	spec.has_time_offsets = true;
	spec.time_offset_boot_s = 86400 * 365;
	spec.time_offset_mono_s = 7200;
	double before = host_uptime();
	run_ok(&spec, &res);
	double inside = atof(res.out), after = host_uptime();
	if (inside < before + 86400 * 365 || inside > after + 86400 * 365 + 1)
		fail_msg("uptime inside %.2f, host %.2f..%.2f: not shifted by a year; %s", inside,
			 before, after, ocisec_describe(&res, d, sizeof(d)));
	expect_out(&res, "monotonic");
	expect_out(&res, " 7200 ");
	alc_spec_free(&spec);
}

static void test_lsm_fields_without_the_lsm_are_accepted(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	if (access("/sys/module/apparmor", F_OK) == 0 || access("/sys/fs/selinux", F_OK) == 0)
		skip(); /* this case is about kernels without them */
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "lsm", "echo ran >/out"), 0);
	spec.apparmor_profile = strdup("alcove-test");
	spec.selinux_label = strdup("system_u:system_r:container_t:s0");
	run_ok(&spec, &res);
	expect_out(&res, "ran");
	alc_spec_free(&spec);
}

static void add_device(struct alc_spec *spec, const char *path, char type, int64_t maj, int64_t min,
		       uint32_t mode, uid_t uid, gid_t gid)
{
	spec->devices = realloc(spec->devices, (spec->n_devices + 1) * sizeof(*spec->devices));
	assert_non_null(spec->devices);
	spec->devices[spec->n_devices++] =
		(struct alc_device){ strdup(path), type, maj, min, mode, uid, gid };
}

static void add_dev_rule(struct alc_spec *spec, bool allow, char type, int64_t maj, int64_t min,
			 const char *access)
{
	spec->dev_rules =
		realloc(spec->dev_rules, (spec->n_dev_rules + 1) * sizeof(*spec->dev_rules));
	assert_non_null(spec->dev_rules);
	struct alc_dev_rule *r = &spec->dev_rules[spec->n_dev_rules++];
	*r = (struct alc_dev_rule){ allow, type, maj, min, "" };
	snprintf(r->access, sizeof(r->access), "%s", access);
}

static void test_linux_devices_nodes_have_their_type_mode_and_owner(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "nodes",
				     "stat -c '%n %F %t:%T %a %u:%g' /dev/oci-null /dev/sub/zero "
				     "/dev/oci-fifo /dev/null /dev/tty >/out"),
			 0);
	add_device(&spec, "/dev/oci-null", 'c', 1, 3, 0620, 1000, 2000);
	add_device(&spec, "/dev/sub/zero", 'c', 1, 5, 0640, 0, 0);
	add_device(&spec, "/dev/oci-fifo", 'p', 0, 0, 0600, 0, 0);
	run_ok(&spec, &res);
	expect_out(&res, "/dev/oci-null character special file 1:3 620 1000:2000");
	expect_out(&res, "/dev/sub/zero character special file 1:5 640 0:0");
	expect_out(&res, "/dev/oci-fifo fifo 0:0 600 0:0");
	expect_out(&res, "/dev/null character special file 1:3 666 0:0");
	expect_out(&res, "/dev/tty character special file 5:0 666 0:0");
	alc_spec_free(&spec);
}

static void test_linux_devices_path_outside_dev_is_refused(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "badnode", "echo ran >/out"), 0);
	add_device(&spec, "relative/node", 'c', 1, 3, 0666, 0, 0);
	assert_int_equal(ocisec_run(&spec, &res), -1);
	if (!strstr(res.err, "device relative/node"))
		fail_msg("error does not name the device: %s", res.err);
	assert_false(res.leftover);
	alc_spec_free(&spec);
}

/* /dev/kmsg (1:11) is bound in from the host: writable by anyone, so only
 * the device rules stand between the container and it. */
static const char dev_script[] = "echo oci-sec 2>>/out >/dev/null; echo null=$? >>/out; "
				 "head -c 4 /dev/urandom | wc -c >>/out; "
				 "echo oci-sec-test 2>>/out >/dev/kmsg; echo kmsg=$? >>/out; "
				 "cat /proc/self/cgroup >>/out";

static void test_device_rules_deny_null_writes_and_unlisted_kmsg(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "devdeny", dev_script), 0);
	assert_int_equal(alc_spec_add_mount(&spec, "/dev/kmsg", "/dev/kmsg", NULL, MS_BIND, NULL),
			 0);
	add_dev_rule(&spec, false, 'a', -1, -1, "rwm");
	add_dev_rule(&spec, false, 'c', 1, 3, "rw");
	run_ok(&spec, &res);
	expect_out(&res, "null=1");
	expect_out(&res, "4\n"); /* urandom still readable (default rules) */
	expect_out(&res, "kmsg=1");
	expect_out(&res, "Operation not permitted");
	if (access("/sys/fs/cgroup/devices", F_OK) == 0)
		expect_out(&res, ":devices:/oci-sec/devdeny-"); /* the v1 hierarchy did it */
	alc_spec_free(&spec);
}

static void test_device_rules_allow_lets_kmsg_through(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "devallow", dev_script), 0);
	assert_int_equal(alc_spec_add_mount(&spec, "/dev/kmsg", "/dev/kmsg", NULL, MS_BIND, NULL),
			 0);
	add_dev_rule(&spec, false, 'a', -1, -1, "rwm");
	add_dev_rule(&spec, true, 'c', 1, 11, "w");
	run_ok(&spec, &res);
	expect_out(&res, "null=0");
	expect_out(&res, "kmsg=0");
	alc_spec_free(&spec);
}

/* Joins the group, then reports which opens the device program let pass:
 * bit 0 /dev/null for writing refused, bit 1 /dev/zero readable, bit 2
 * /dev/kmsg for writing refused. */
static int probe_in_group(const char *procs)
{
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
		return 100;
	close(fd);
	int code = 0, n = open("/dev/null", O_WRONLY | O_CLOEXEC);
	code |= n < 0 && errno == EPERM ? 1 : 0;
	int z = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	code |= z >= 0 ? 2 : 0;
	int k = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	code |= k < 0 && errno == EPERM ? 4 : 0;
	return code;
}

static void test_bpf_device_program_on_the_unified_group(void **state)
{
	(void)state;
	const char *parent = "/sys/fs/cgroup/unified";
	char name[64], procs[192];
	struct alc_spec spec = { 0 };
	struct alc_dev_rule *rules = NULL;
	alc_err err = { 0 };
	if (access(parent, F_OK) != 0)
		parent = "/sys/fs/cgroup";
	snprintf(name, sizeof(name), "oci-sec-bpf-%d", (int)getpid());
	snprintf(procs, sizeof(procs), "%s/%s/cgroup.procs", parent, name);
	add_dev_rule(&spec, false, 'a', -1, -1, "rwm");
	add_dev_rule(&spec, false, 'c', 1, 3, "w");
	int n = alc_devrules_effective(&spec, &rules);
	assert_true(n > 2);
	int cgfd = cgt_group_create(parent, name);
	assert_true(cgfd >= 0);
	int r = alc_bpfdev_attach(cgfd, rules, (size_t)n, &err);
	pid_t pid = r < 0 ? -1 : fork();
	if (pid == 0)
		_exit(probe_in_group(procs));
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	close(cgfd);
	assert_int_equal(cgt_group_destroy(parent, name), 0);
	free(rules);
	free(spec.dev_rules);
	if (r < 0)
		fail_msg("%s", err.msg);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
}

/* A hook running `sh -c script` (sh at shell), with env. */
static void add_hook(struct alc_spec *spec, enum alc_hook_phase ph, const char *shell,
		     const char *script, const char *env, int timeout)
{
	struct alc_hook **v = &spec->hooks[ph];
	*v = realloc(*v, (spec->n_hooks[ph] + 1) * sizeof(**v));
	assert_non_null(*v);
	struct alc_hook *h = &(*v)[spec->n_hooks[ph]++];
	memset(h, 0, sizeof(*h));
	h->path = strdup(shell);
	h->timeout = timeout;
	assert_int_equal(alc_strv_add(&h->args, &h->n_args, "sh"), 0);
	assert_int_equal(alc_strv_add(&h->args, &h->n_args, "-c"), 0);
	assert_int_equal(alc_strv_add(&h->args, &h->n_args, script), 0);
	if (env)
		assert_int_equal(alc_strv_add(&h->env, &h->n_env, env), 0);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	if (alc_read_file_at(AT_FDCWD, path, &text) < 0)
		return strdup("");
	return text;
}

static void test_runtime_hooks_run_in_order_with_state_env_and_args(void **state)
{
	(void)state;
	struct alc_spec spec = { 0 };
	alc_err err = { 0 };
	char log[128], script[300];
	snprintf(log, sizeof(log), "/tmp/oci-sec-hooks.%d", (int)getpid());
	unlink(log);
	snprintf(script, sizeof(script), "echo \"first $FOO $0 $(cat)\" >>%s", log);
	add_hook(&spec, ALC_HOOK_PRESTART, "/bin/sh", script, "FOO=bar", 5);
	snprintf(script, sizeof(script), "echo second >>%s", log);
	add_hook(&spec, ALC_HOOK_PRESTART, "/bin/sh", script, NULL, 0);
	int r = oci_hooks_run(spec.hooks[0], spec.n_hooks[0], "{\"id\":\"x\"}", "prestart", &err);
	char *text = slurp(log);
	unlink(log);
	if (r < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(text, "first bar sh {\"id\":\"x\"}\nsecond\n");
	free(text);
	alc_spec_free(&spec);
}

static void test_failing_hook_stops_the_phase_and_names_itself(void **state)
{
	(void)state;
	struct alc_spec spec = { 0 };
	alc_err err = { 0 };
	char log[128], script[200];
	snprintf(log, sizeof(log), "/tmp/oci-sec-hookfail.%d", (int)getpid());
	unlink(log);
	add_hook(&spec, ALC_HOOK_POSTSTOP, "/bin/sh", "echo broken >&2; exit 3", NULL, 0);
	snprintf(script, sizeof(script), "echo ran >%s", log);
	add_hook(&spec, ALC_HOOK_POSTSTOP, "/bin/sh", script, NULL, 0);
	int r = oci_hooks_run(spec.hooks[ALC_HOOK_POSTSTOP], 2, "{}", "poststop", &err);
	assert_int_equal(r, -ECANCELED);
	assert_string_equal(err.msg, "poststop hook 0 (/bin/sh): exited with status 3: broken ");
	assert_int_equal(access(log, F_OK), -1); /* the second never ran */
	alc_spec_free(&spec);
	memset(&spec, 0, sizeof(spec));
	add_hook(&spec, ALC_HOOK_PRESTART, "/nonexistent/hook", "", NULL, 0);
	r = oci_hooks_run(spec.hooks[0], 1, "{}", "prestart", &err);
	assert_int_equal(r, -ECANCELED);
	if (!strstr(err.msg, "prestart hook 0 (/nonexistent/hook): exited with status 127: "
			     "exec: No such file or directory"))
		fail_msg("%s", err.msg);
	alc_spec_free(&spec);
}

static void test_hook_timeout_kills_it_and_fails(void **state)
{
	(void)state;
	struct alc_spec spec = { 0 };
	alc_err err = { 0 };
	char pidfile[128], script[200];
	snprintf(pidfile, sizeof(pidfile), "/tmp/oci-sec-hookpid.%d", (int)getpid());
	snprintf(script, sizeof(script), "echo $$ >%s; exec sleep 30", pidfile);
	add_hook(&spec, ALC_HOOK_CREATE_RUNTIME, "/bin/sh", script, NULL, 1);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int r = oci_hooks_run(spec.hooks[ALC_HOOK_CREATE_RUNTIME], 1, "{}", "createRuntime", &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	char *text = slurp(pidfile);
	unlink(pidfile);
	pid_t pid = atoi(text);
	free(text);
	assert_int_equal(r, -ETIMEDOUT);
	assert_string_equal(err.msg,
			    "createRuntime hook 0 (/bin/sh): timed out after 1 s (killed)");
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_true(secs >= 1.0 && secs < 3.0);
	assert_true(pid > 0);
	assert_int_equal(kill(pid, 0), -1); /* killed and reaped */
	alc_spec_free(&spec);
}

/* createContainer runs in the container's namespaces on the host's paths
 * (before pivot_root), startContainer inside the rootfs just before exec;
 * each gets the state on stdin. */
static void test_container_hooks_run_before_pivot_and_before_exec(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	char log[128], script[300];
	snprintf(log, sizeof(log), "/tmp/oci-sec-cchook.%d", (int)getpid());
	unlink(log);
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "hooks", "echo main >>/out"), 0);
	snprintf(script, sizeof(script), "{ cat; echo; readlink /proc/self/ns/pid; } >%s", log);
	add_hook(&spec, ALC_HOOK_CREATE_CONTAINER, "/bin/sh", script, NULL, 5);
	add_hook(&spec, ALC_HOOK_START_CONTAINER, "/bin/sh",
		 "{ echo start; cat; echo; test -e /bin/busybox && echo in-rootfs; } >>/out", NULL,
		 5);
	spec.bundle = strdup("/srv/bundle");
	spec.annotations_json = strdup("{\"k\":\"v\"}");
	run_ok(&spec, &res);
	char *cc = slurp(log), ours[64] = "";
	unlink(log);
	if (readlink("/proc/self/ns/pid", ours, sizeof(ours) - 1) < 0)
		fail();
	if (!strstr(cc, "\"status\":\"creating\"") || !strstr(cc, "\"bundle\":\"/srv/bundle\"") ||
	    !strstr(cc, "\"id\":\"hooks\"") || !strstr(cc, "\"annotations\":{\"k\":\"v\"}") ||
	    !strstr(cc, "pid:[") || strstr(cc, ours))
		fail_msg("createContainer saw: %s (runtime pid ns %s)", cc, ours);
	free(cc);
	expect_out(&res, "start\n{\"ociVersion\"");
	expect_out(&res, "\"status\":\"created\"");
	expect_out(&res, "in-rootfs\nmain\n");
	alc_spec_free(&spec);
}

static void test_failing_create_container_hook_aborts_create_and_leaves_nothing(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "hookfail", "echo main >/out"), 0);
	add_hook(&spec, ALC_HOOK_CREATE_CONTAINER, "/bin/sh", "exit 7", NULL, 5);
	assert_int_equal(ocisec_run(&spec, &res), -1);
	assert_string_equal(res.err,
			    "create: createContainer hook 0 (/bin/sh): exited with status 7");
	assert_false(res.leftover);
	assert_string_equal(res.out, "");
	alc_spec_free(&spec);
}

/* The runtime side of create, as the OCI create runs it: prestart and
 * createRuntime hooks with the process's pid, checked to come before its
 * pivot_root (its root is still the host's). */
static int runtime_hooks(const struct alc_container *c, const struct alc_spec *spec, void *arg,
			 alc_err *err)
{
	char json[128], root[64], link[256] = "";
	snprintf(json, sizeof(json), "{\"pid\":%d}", (int)c->child.pid);
	snprintf(root, sizeof(root), "/proc/%d/root", (int)c->child.pid);
	if (readlink(root, link, sizeof(link) - 1) < 0 || strcmp(link, "/"))
		return alc_err_setx(err, EPROTO, "prestart: the process already pivoted (%s)",
				    link);
	*(int *)arg += 1;
	int r = oci_hooks_run(spec->hooks[ALC_HOOK_PRESTART], spec->n_hooks[ALC_HOOK_PRESTART],
			      json, "prestart", err);
	return r
		       ?: oci_hooks_run(spec->hooks[ALC_HOOK_CREATE_RUNTIME],
					spec->n_hooks[ALC_HOOK_CREATE_RUNTIME], json,
					"createRuntime", err);
}

static void test_hook_phases_run_in_spec_order_around_pivot(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	int calls = 0;
	struct alc_runtime_opts o = { .runtime_hooks = runtime_hooks, .runtime_hooks_arg = &calls };
	char log[128], script[200];
	snprintf(log, sizeof(log), "/tmp/oci-sec-order.%d", (int)getpid());
	unlink(log);
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "order", "echo main >>/out"), 0);
	static const enum alc_hook_phase phases[] = { ALC_HOOK_CREATE_CONTAINER,
						      ALC_HOOK_CREATE_RUNTIME, ALC_HOOK_PRESTART };
	for (size_t i = 0; i < 3; i++) {
		snprintf(script, sizeof(script), "echo %s >>%s", oci_hook_phase_name(phases[i]),
			 log);
		add_hook(&spec, phases[i], "/bin/sh", script, NULL, 5);
	}
	add_hook(&spec, ALC_HOOK_START_CONTAINER, "/bin/sh", "echo startContainer >/out", NULL, 5);
	if (ocisec_run_opts(&spec, &o, &res) < 0)
		fail_msg("%s", res.err);
	char *text = slurp(log);
	unlink(log);
	assert_int_equal(calls, 1);
	assert_string_equal(text, "prestart\ncreateRuntime\ncreateContainer\n");
	assert_string_equal(res.out, "startContainer\nmain\n");
	free(text);
	alc_spec_free(&spec);
}

static void test_failing_prestart_hook_aborts_create_and_leaves_nothing(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	int calls = 0;
	struct alc_runtime_opts o = { .runtime_hooks = runtime_hooks, .runtime_hooks_arg = &calls };
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "prefail", "echo main >/out"), 0);
	add_hook(&spec, ALC_HOOK_PRESTART, "/bin/sh", "exit 9", NULL, 5);
	add_hook(&spec, ALC_HOOK_CREATE_CONTAINER, "/bin/sh", "echo cc >/tmp/oci-sec-never", NULL,
		 5);
	assert_int_equal(ocisec_run_opts(&spec, &o, &res), -1);
	assert_string_equal(res.err, "create: prestart hook 0 (/bin/sh): exited with status 9");
	assert_false(res.leftover);
	assert_string_equal(res.out, "");
	assert_int_equal(access("/tmp/oci-sec-never", F_OK), -1);
	alc_spec_free(&spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seccomp_errno_ret_reaches_mkdir_and_status_shows_filter),
		cmocka_unit_test(test_seccomp_argument_filter_denies_only_the_matching_mode),
		cmocka_unit_test(test_seccomp_default_kill_takes_the_unlisted_syscall),
		cmocka_unit_test(test_seccomp_bad_architecture_is_refused_before_anything_exists),
		cmocka_unit_test(test_personality_linux32_changes_uname_machine),
		cmocka_unit_test(test_oom_score_adj_is_read_back_inside),
		cmocka_unit_test(test_time_offsets_shift_boottime_inside),
		cmocka_unit_test(test_lsm_fields_without_the_lsm_are_accepted),
		cmocka_unit_test(test_linux_devices_nodes_have_their_type_mode_and_owner),
		cmocka_unit_test(test_linux_devices_path_outside_dev_is_refused),
		cmocka_unit_test(test_device_rules_deny_null_writes_and_unlisted_kmsg),
		cmocka_unit_test(test_device_rules_allow_lets_kmsg_through),
		cmocka_unit_test(test_bpf_device_program_on_the_unified_group),
		cmocka_unit_test(test_runtime_hooks_run_in_order_with_state_env_and_args),
		cmocka_unit_test(test_failing_hook_stops_the_phase_and_names_itself),
		cmocka_unit_test(test_hook_timeout_kills_it_and_fails),
		cmocka_unit_test(test_container_hooks_run_before_pivot_and_before_exec),
		cmocka_unit_test(
			test_failing_create_container_hook_aborts_create_and_leaves_nothing),
		cmocka_unit_test(test_hook_phases_run_in_spec_order_around_pivot),
		cmocka_unit_test(test_failing_prestart_hook_aborts_create_and_leaves_nothing),
	};
	return cmocka_run_group_tests_name("host/oci-sec", tests, NULL, NULL);
}

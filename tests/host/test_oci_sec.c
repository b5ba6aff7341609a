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
#include <linux/seccomp.h>
#include <sched.h>
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
#include "ocisec_assert.h"
#include "seccomp_oci.h"

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

/* In a user namespace mknod is refused: the nodes are the host's, bound. */
static void test_linux_devices_in_a_user_namespace_are_bind_mounted(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(
		ocisec_spec(&spec, BUSYBOX, "usernodes",
			    "stat -c '%n %F %t:%T' /dev/oci-null /dev/zero /dev/oci-fifo >/out; "
			    "grep -c ' /dev/oci-null ' /proc/self/mountinfo >>/out"),
		0);
	spec.ns_flags |= CLONE_NEWUSER;
	spec.uid_maps = calloc(1, sizeof(*spec.uid_maps));
	spec.gid_maps = calloc(1, sizeof(*spec.gid_maps));
	spec.uid_maps[0] = spec.gid_maps[0] = (struct alc_idmap){ 0, 0, 1 };
	spec.n_uid_maps = spec.n_gid_maps = 1;
	add_device(&spec, "/dev/oci-null", 'c', 1, 3, 0620, 0, 0);
	add_device(&spec, "/dev/oci-fifo", 'p', 0, 0, 0600, 0, 0);
	run_ok(&spec, &res);
	expect_out(&res, "/dev/oci-null character special file 1:3\n");
	expect_out(&res, "/dev/oci-fifo fifo 0:0\n");
	expect_out(&res, "/dev/zero character special file 1:5\n");
	expect_out(&res, "\n1\n"); /* one bind mount over it */
	alc_spec_free(&spec);
}

/* Without no_new_privs the filter goes in while CAP_SYS_ADMIN is held,
 * before capabilities are dropped; flags LOG and SPEC_ALLOW are passed on. */
static void test_seccomp_without_no_new_privs_and_with_flags(void **state)
{
	(void)state;
	struct alc_spec spec;
	struct ocisec_result res;
	assert_int_equal(ocisec_spec(&spec, BUSYBOX, "nonnp",
				     "grep -E 'Seccomp:|NoNewPrivs:' /proc/self/status >/out; "
				     "mkdir /made 2>>/out"),
			 0);
	spec.process.no_new_privs = false;
	spec.seccomp = profile(SCMP_ACT_ALLOW);
	spec.seccomp->flags = SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	add_rule(spec.seccomp, SCMP_ACT_ERRNO(EROFS),
		 (const char *const[]){ "mkdir", "mkdirat", NULL });
	run_ok(&spec, &res);
	expect_out(&res, "NoNewPrivs:\t0");
	expect_out(&res, "Seccomp:\t2");
	expect_out(&res, "Read-only file system");
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
		cmocka_unit_test(test_linux_devices_in_a_user_namespace_are_bind_mounted),
		cmocka_unit_test(test_seccomp_without_no_new_privs_and_with_flags),
	};
	return cmocka_run_group_tests_name("host/oci-sec", tests, NULL, NULL);
}

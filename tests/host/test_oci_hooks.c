/* Host tier: OCI hooks: the runner (order, state on stdin, env, argv,
 * failure, timeout) and the phases around a container's create: prestart
 * and createRuntime before its pivot_root, createContainer in its
 * namespaces before pivot_root, startContainer inside it before exec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "fileio.h"
#include "hooks.h"
#include "ocisec_assert.h"

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
		cmocka_unit_test(test_runtime_hooks_run_in_order_with_state_env_and_args),
		cmocka_unit_test(test_failing_hook_stops_the_phase_and_names_itself),
		cmocka_unit_test(test_hook_timeout_kills_it_and_fails),
		cmocka_unit_test(test_container_hooks_run_before_pivot_and_before_exec),
		cmocka_unit_test(
			test_failing_create_container_hook_aborts_create_and_leaves_nothing),
		cmocka_unit_test(test_hook_phases_run_in_spec_order_around_pivot),
		cmocka_unit_test(test_failing_prestart_hook_aborts_create_and_leaves_nothing),
	};
	return cmocka_run_group_tests_name("host/oci-hooks", tests, NULL, NULL);
}

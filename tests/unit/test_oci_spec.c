/* Unit tests for what surrounds the OCI config.json parser: the default
 * config that `alcove spec` writes parses back to the core defaults, the
 * features document lists only what the parser accepts, the memory
 * reservation reaches the cgroup plan, and podman's config.json parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cglimits.h"
#include "fileio.h"
#include "oci/config.h"
#include "oci_fixture.h"
#include "oci/features_json.h"
#include "spec.h"

static void test_reservation_plans_memory_low_on_v2_and_soft_limit_on_v1(void **state)
{
	(void)state;
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_fx_parse("{'process':{'args':['sh'],'cwd':'/'},'root':{'path':'r'},"
				      "'linux':{'resources':{'memory':{'reservation':1048576}}}}",
				      &s, &err),
			 0);
	struct alc_cg_write w[ALC_CG_MAX_WRITES];
	assert_int_equal(alc_cg_plan_limits(1, &s.res, w, &err), 1);
	assert_string_equal(w[0].file, "memory.low");
	assert_string_equal(w[0].value, "1048576");
	assert_int_equal(alc_cg_plan_limits(0, &s.res, w, &err), 1);
	assert_string_equal(w[0].file, "memory.soft_limit_in_bytes");
	assert_int_equal(alc_cg_needed_controllers(&s.res), ALC_CTRL_MEMORY);
	alc_spec_free(&s);
}

static void assert_strv_equal(char **a, size_t na, char **b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void test_default_config_parses_back_to_the_core_defaults(void **state)
{
	(void)state;
	char *text = oci_config_default(false, 1000, 1000);
	assert_non_null(text);
	struct alc_spec s, d;
	alc_err err = { 0 };
	assert_int_equal(oci_config_parse(text, "spec", &s, &err), 0);
	free(text);
	assert_int_equal(alc_spec_init_default(&d), 0);
	assert_int_equal(s.ns_flags, d.ns_flags);
	for (int set = 0; set < ALC_CAP_SETS; set++)
		assert_int_equal(s.process.caps[set], d.process.caps[set]);
	assert_strv_equal(s.masked_paths, s.n_masked, d.masked_paths, d.n_masked);
	assert_strv_equal(s.readonly_paths, s.n_readonly, d.readonly_paths, d.n_readonly);
	assert_int_equal(s.process.no_new_privs, d.process.no_new_privs);
	assert_int_equal(s.process.n_rlimits, 1);
	assert_int_equal(s.process.rlimits[0].resource, d.process.rlimits[0].resource);
	assert_int_equal(s.process.rlimits[0].soft, d.process.rlimits[0].soft);
	assert_int_equal(s.process.rlimits[0].hard, d.process.rlimits[0].hard);
	assert_string_equal(s.process.env[0], d.process.env[0]);
	assert_string_equal(s.process.args[0], "sh");
	assert_true(s.terminal);
	assert_true(s.root_readonly);
	assert_string_equal(s.root_path, "rootfs");
	assert_int_equal(s.n_uid_maps, 0);
	assert_int_equal(s.n_dev_rules, 1);
	assert_false(s.dev_rules[0].allow);
	assert_int_equal(s.n_mounts, 6);
	assert_string_equal(s.mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	assert_int_equal(s.mounts[5].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	alc_spec_free(&s);
	alc_spec_free(&d);
}

static void test_rootless_default_maps_the_caller_and_drops_the_network_namespace(void **state)
{
	(void)state;
	char *text = oci_config_default(true, 1234, 567);
	assert_non_null(text);
	struct alc_spec s;
	alc_err err = { 0 };
	assert_int_equal(oci_config_parse(text, "spec", &s, &err), 0);
	free(text);
	assert_int_equal(s.ns_flags,
			 CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS);
	assert_int_equal(s.n_uid_maps, 1);
	assert_int_equal(s.uid_maps[0].inside, 0);
	assert_int_equal(s.uid_maps[0].outside, 1234);
	assert_int_equal(s.uid_maps[0].count, 1);
	assert_int_equal(s.gid_maps[0].outside, 567);
	assert_int_equal(s.res.set, 0);
	assert_int_equal(s.n_dev_rules, 0);
	assert_string_equal(s.mounts[2].data, "newinstance,ptmxmode=0666,mode=0620");
	assert_string_equal(s.mounts[5].source, "/sys");
	assert_int_equal(s.mounts[5].flags,
			 MS_BIND | MS_REC | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	alc_spec_free(&s);
}

static json_object *features_get(json_object *f, const char *a, const char *b, const char *c)
{
	json_object *o = json_object_object_get(f, a);
	o = b ? json_object_object_get(o, b) : o;
	o = c ? json_object_object_get(o, c) : o;
	assert_non_null(o);
	return o;
}

static void test_features_list_only_what_the_parser_accepts(void **state)
{
	(void)state;
	char *text = oci_features_json(), v[256];
	assert_non_null(text);
	json_object *f = json_tokener_parse(text);
	free(text);
	assert_non_null(f);
	alc_err err = { 0 };
	json_object *a = features_get(f, "mountOptions", NULL, NULL);
	assert_true(json_object_array_length(a) > 30);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		snprintf(v, sizeof(v), "['%s']",
			 json_object_get_string(json_object_array_get_idx(a, i)));
		if (oci_fx_parse_with("mounts[0].options", v, &err) < 0)
			fail_msg("%s: %s", v, err.msg);
	}
	a = features_get(f, "linux", "namespaces", NULL);
	assert_int_equal(json_object_array_length(a), 8);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		snprintf(v, sizeof(v), "[{'type':'%s'}]",
			 json_object_get_string(json_object_array_get_idx(a, i)));
		assert_int_equal(oci_fx_parse_with("linux.namespaces", v, &err), 0);
	}
	a = features_get(f, "linux", "seccomp", "actions");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		snprintf(v, sizeof(v), "{'defaultAction':'%s'}",
			 json_object_get_string(json_object_array_get_idx(a, i)));
		assert_int_equal(oci_fx_parse_with("linux.seccomp", v, &err), 0);
	}
	a = features_get(f, "linux", "seccomp", "operators");
	assert_int_equal(json_object_array_length(a), 7);
	a = features_get(f, "linux", "seccomp", "archs");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		snprintf(v, sizeof(v), "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['%s']}",
			 json_object_get_string(json_object_array_get_idx(a, i)));
		assert_int_equal(oci_fx_parse_with("linux.seccomp", v, &err), 0);
	}
	a = features_get(f, "linux", "capabilities", NULL);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		snprintf(v, sizeof(v), "['%s']",
			 json_object_get_string(json_object_array_get_idx(a, i)));
		assert_int_equal(oci_fx_parse_with("process.capabilities.bounding", v, &err), 0);
	}
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 0)), "CAP_CHOWN");
	assert_int_equal(json_object_array_length(features_get(f, "hooks", NULL, NULL)), 6);
	assert_false(json_object_get_boolean(features_get(f, "linux", "intelRdt", "enabled")));
	assert_string_equal(json_object_get_string(features_get(f, "ociVersionMax", NULL, NULL)),
			    "1.2.0");
	json_object_put(f);
}

/* The config.json podman 4.3 wrote for `podman run --rootfs DIR --network
 * none /bin/echo hi` (caught by a fake runtime), kept in the corpus. */
static void test_podman_generated_config_parses_with_its_seccomp_profile(void **state)
{
	(void)state;
	char *text;
	long n = alc_read_file_at(AT_FDCWD, OCI_CORPUS_DIR "/podman_run.json", &text);
	assert_true(n > 0);
	struct alc_spec s;
	alc_err err = { 0 };
	if (oci_config_parse(text, "podman_run.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	free(text);
	assert_string_equal(s.process.args[0], "/bin/echo");
	assert_int_equal(s.process.n_rlimits, 2);
	assert_int_equal(s.res.set, ALC_RES_PIDS);
	assert_int_equal(s.res.pids, 2048);
	assert_int_equal(s.n_mounts, 10);
	size_t binds = 0;
	for (size_t i = 0; i < s.n_mounts; i++)
		if (s.mounts[i].flags & MS_BIND) {
			binds++;
			assert_int_equal(s.mounts[i].propagation, MS_PRIVATE | MS_REC);
		}
	assert_int_equal(binds, 4);
	assert_non_null(s.seccomp);
	assert_int_equal(s.seccomp->default_action, 0x00050000U | 38); /* ERRNO(ENOSYS) */
	assert_int_equal(s.seccomp->n_archs, 3);
	size_t names = 0;
	for (size_t i = 0; i < s.seccomp->n_rules; i++)
		names += s.seccomp->rules[i].n_names;
	assert_int_equal(names, 437);
	alc_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reservation_plans_memory_low_on_v2_and_soft_limit_on_v1),
		cmocka_unit_test(test_default_config_parses_back_to_the_core_defaults),
		cmocka_unit_test(
			test_rootless_default_maps_the_caller_and_drops_the_network_namespace),
		cmocka_unit_test(test_features_list_only_what_the_parser_accepts),
		cmocka_unit_test(test_podman_generated_config_parses_with_its_seccomp_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

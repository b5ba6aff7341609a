/* Unit tests for the pure board logic: CPU clustering, profile parsing and
 * matching, quirk application, the JSON report and the probe's parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "probe.h"
#include "report.h"

static void test_topology_big_little_puts_big_cluster_first(void **state)
{
	(void)state;
	/* RK3399-like: four 485 cores, two 1024 cores. */
	struct board_cpu c[] = { { 0, 485 }, { 1, 485 },  { 2, 485 },
				 { 3, 485 }, { 4, 1024 }, { 5, 1024 } };
	struct board_topology t;
	assert_int_equal(board_topology_build(c, 6, &t), 0);
	assert_int_equal(t.nclusters, 2);
	assert_string_equal(t.cl[0].cpus, "4-5");
	assert_int_equal(t.cl[0].capacity, 1024);
	assert_string_equal(t.cl[1].cpus, "0-3");
	assert_string_equal(t.all, "0-5");
	assert_true(t.capacities_known);
}

static void test_topology_equal_or_unknown_capacity_is_one_cluster(void **state)
{
	(void)state;
	struct board_cpu c[] = { { 3, 0 }, { 0, 0 }, { 1, 0 } };
	struct board_topology t;
	assert_int_equal(board_topology_build(c, 3, &t), 0);
	assert_int_equal(t.nclusters, 1);
	assert_string_equal(t.cl[0].cpus, "0-1,3");
	assert_false(t.capacities_known);
}

static void test_topology_rejects_empty_and_repeated_ids(void **state)
{
	(void)state;
	struct board_cpu c[] = { { 1, 10 }, { 1, 20 } };
	struct board_topology t;
	assert_int_equal(board_topology_build(c, 0, &t), -EINVAL);
	assert_int_equal(board_topology_build(c, 2, &t), -EINVAL);
}

static void test_cpulist_formats_ranges_and_reports_overflow(void **state)
{
	(void)state;
	int ids[] = { 7, 0, 1, 2, 5 };
	char buf[16];
	assert_int_equal(board_cpulist_format(ids, 5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0-2,5,7");
	assert_int_equal(board_cpulist_format(ids, 5, buf, 5), -ENAMETOOLONG);
	assert_int_equal(strlen(buf) < 5, 1);
}

static void test_profile_parses_keys_comments_and_quirks(void **state)
{
	(void)state;
	struct board_profile p;
	alc_err err = { 0 };
	const char *text = "# a board\nname = demo-1\n  match = Demo *  # trailing\n"
			   "console = ttyS2\nlatency_cpus = all\n"
			   "quirk = memory_limit: add cgroup_enable=memory\n";
	assert_int_equal(board_profile_parse(text, "demo.conf", &p, &err), 0);
	assert_string_equal(p.name, "demo-1");
	assert_int_equal(p.nmatch, 1);
	assert_string_equal(p.match[0], "Demo *");
	assert_string_equal(p.console, "ttyS2");
	assert_int_equal(p.latency, BOARD_LATENCY_ALL);
	assert_int_equal(p.nquirk, 1);
	assert_int_equal(p.quirk[0].feature, BOARD_FEAT_MEMORY_LIMIT);
	assert_string_equal(p.quirk[0].fix, "add cgroup_enable=memory");
	assert_true(board_profile_matches(&p, "demo board rev 2"));
	assert_false(board_profile_matches(&p, "Other Demo board"));
}

static void expect_parse_error(const char *text, const char *msg)
{
	struct board_profile p;
	alc_err err = { 0 };
	assert_int_equal(board_profile_parse(text, "x.conf", &p, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
}

static void test_profile_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_parse_error("name = a\n\ncolour = blue\n", "x.conf:3: unknown key 'colour'");
	expect_parse_error("name = a\njust words\n", "x.conf:2: want key = value");
	expect_parse_error("latency_cpus = fast\n",
			   "x.conf:1: latency_cpus is 'big' or 'all', not 'fast'");
	expect_parse_error("name = a\nquirk = warp_drive: fix it\n",
			   "x.conf:2: quirk names unknown feature 'warp_drive'");
	expect_parse_error("name = a\nquirk = psi_global\n",
			   "x.conf:2: quirk wants 'FEATURE: fix', got 'psi_global'");
	expect_parse_error("name = Big Board\n", "x.conf:1: name 'Big Board' is not [a-z0-9-]");
	expect_parse_error("console = ttyS0\n", "x.conf: no 'name = ' line");
}

static void test_builtin_profiles_parse_and_are_named_after_their_file(void **state)
{
	(void)state;
	assert_true(board_profile_ntexts >= 5);
	for (size_t i = 0; i < board_profile_ntexts; i++) {
		struct board_profile p;
		alc_err err = { 0 };
		assert_int_equal(board_profile_parse(board_profile_texts[i].text,
						     board_profile_texts[i].file, &p, &err),
				 0);
		char want[64];
		snprintf(want, sizeof(want), "%s.conf", p.name);
		assert_string_equal(want, board_profile_texts[i].file);
	}
}

static void expect_profile(const char *model, const char *name)
{
	struct board_profile p;
	alc_err err = { 0 };
	assert_int_equal(board_profile_for_model(model, &p, &err), 0);
	assert_string_equal(p.name, name);
}

static void test_models_pick_their_profile_else_generic(void **state)
{
	(void)state;
	expect_profile("Raspberry Pi 4 Model B Rev 1.4", "raspberrypi4");
	expect_profile("Raspberry Pi Compute Module 4 Rev 1.0", "raspberrypi4");
	expect_profile("Raspberry Pi 5 Model B Rev 1.0", "raspberrypi5");
	expect_profile("NXP i.MX8MPlus EVK board", "imx8mp");
	expect_profile("TI AM335x BeagleBone Black", "beaglebone-black");
	expect_profile("Rockchip RK3399 Evaluation Board", "generic");
	expect_profile("", "generic");
}

static void test_unknown_builtin_profile_names_the_known_ones(void **state)
{
	(void)state;
	struct board_profile p;
	alc_err err = { 0 };
	assert_int_equal(board_profile_builtin("pi9", &p, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no built-in profile 'pi9' (known: "));
	assert_non_null(strstr(err.msg, "raspberrypi4"));
}

/* A probe of a Pi 4 whose kernel lacks the memory controller. */
static void pi4_without_memory(struct board_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->layout = ALC_CG_V2;
	snprintf(p->kernel, sizeof(p->kernel), "6.6.51+rpt-rpi-v8");
	snprintf(p->arch, sizeof(p->arch), "aarch64");
	snprintf(p->v2, sizeof(p->v2), "/sys/fs/cgroup");
	snprintf(p->model, sizeof(p->model), "Raspberry Pi 4 Model B Rev 1.5");
	p->ctrl_avail = ALC_CTRL_CPU | ALC_CTRL_PIDS;
	struct board_cpu c[] = { { 0, 1024 }, { 1, 1024 }, { 2, 1024 }, { 3, 1024 } };
	assert_int_equal(board_topology_build(c, 4, &p->topo), 0);
	board_feat_set(p, BOARD_FEAT_MEMORY_LIMIT, BOARD_MISSING, "no memory controller");
}

static void test_quirk_fix_applies_only_when_its_feature_fails(void **state)
{
	(void)state;
	struct board_probe p;
	struct board_profile prof;
	alc_err err = { 0 };
	pi4_without_memory(&p);
	assert_int_equal(board_profile_for_model(p.model, &prof, &err), 0);
	board_probe_use_profile(&p, &prof);
	assert_int_equal(p.quirks_active, 1);
	assert_string_equal(p.latency_cpus, "0-3");
	assert_int_equal(board_probe_verdict(&p), 1);
	board_feat_set(&p, BOARD_FEAT_MEMORY_LIMIT, BOARD_OK, "v2 memory.max");
	board_probe_use_profile(&p, &prof);
	assert_int_equal(p.quirks_active, 0);
	assert_int_equal(board_probe_verdict(&p), 0);
}

static const char *jstr(struct json_object *o, const char *a, const char *b, const char *c)
{
	struct json_object *v = o;
	const char *path[] = { a, b, c };
	for (int i = 0; i < 3 && path[i]; i++)
		if (!json_object_object_get_ex(v, path[i], &v))
			return NULL;
	return json_object_get_string(v);
}

static void test_json_report_has_required_keys_and_fix(void **state)
{
	(void)state;
	struct board_probe p;
	struct board_profile prof;
	alc_err err = { 0 };
	pi4_without_memory(&p);
	assert_int_equal(board_profile_builtin("raspberrypi4", &prof, &err), 0);
	board_probe_use_profile(&p, &prof);
	struct json_object *o = board_report_json(&p);
	assert_non_null(o);
	/* Round-trip through text: what a consumer would parse. */
	struct json_object *back = json_tokener_parse(json_object_to_json_string(o));
	json_object_put(o);
	assert_non_null(back);
	assert_string_equal(jstr(back, "cgroup_layout", NULL, NULL), "v2");
	assert_string_equal(jstr(back, "kernel", NULL, NULL), "6.6.51+rpt-rpi-v8");
	assert_string_equal(jstr(back, "arch", NULL, NULL), "aarch64");
	assert_string_equal(jstr(back, "board", "profile", NULL), "raspberrypi4");
	assert_string_equal(jstr(back, "features", "memory_limit", "status"), "missing");
	assert_string_equal(jstr(back, "features", "memory_limit", "fallback"),
			    "containers run without memory limits");
	assert_non_null(
		strstr(jstr(back, "features", "memory_limit", "fix"), "cgroup_enable=memory"));
	struct json_object *f;
	assert_true(json_object_object_get_ex(back, "features", &f));
	assert_int_equal(json_object_object_length(f), BOARD_FEAT_COUNT);
	json_object_put(back);
}

static void test_v1_mounts_name_hierarchies_and_cpu_memory_mounts(void **state)
{
	(void)state;
	const char *mi = "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
			 "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw shared:9 - cgroup cgroup "
			 "rw,cpu,cpuacct\n"
			 "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
			 "36 31 0:33 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio\n"
			 "37 31 0:34 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
	struct board_v1 v1;
	board_parse_v1_mounts(mi, &v1);
	assert_string_equal(v1.names, "cpu cpuacct memory blkio");
	assert_int_equal(v1.ctrls, ALC_CTRL_CPU | ALC_CTRL_MEMORY | ALC_CTRL_IO);
	assert_string_equal(v1.cpu_mount, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(v1.memory_mount, "/sys/fs/cgroup/memory");
}

static void test_kernel_version_and_filesystems_parsers(void **state)
{
	(void)state;
	unsigned a, b;
	assert_int_equal(board_parse_kernel_version("6.1.0-50-armmp-lpae", &a, &b), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 1);
	assert_int_equal(board_parse_kernel_version("garbage", &a, &b), -EINVAL);
	const char *fs = "nodev\tsysfs\nnodev\toverlayfs2\n\text4\nnodev\toverlay\n";
	assert_true(board_filesystems_has(fs, "overlay"));
	assert_true(board_filesystems_has(fs, "ext4"));
	assert_false(board_filesystems_has("nodev\toverlayfs2\n", "overlay"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topology_big_little_puts_big_cluster_first),
		cmocka_unit_test(test_topology_equal_or_unknown_capacity_is_one_cluster),
		cmocka_unit_test(test_topology_rejects_empty_and_repeated_ids),
		cmocka_unit_test(test_cpulist_formats_ranges_and_reports_overflow),
		cmocka_unit_test(test_profile_parses_keys_comments_and_quirks),
		cmocka_unit_test(test_profile_errors_name_file_and_line),
		cmocka_unit_test(test_builtin_profiles_parse_and_are_named_after_their_file),
		cmocka_unit_test(test_models_pick_their_profile_else_generic),
		cmocka_unit_test(test_unknown_builtin_profile_names_the_known_ones),
		cmocka_unit_test(test_quirk_fix_applies_only_when_its_feature_fails),
		cmocka_unit_test(test_json_report_has_required_keys_and_fix),
		cmocka_unit_test(test_v1_mounts_name_hierarchies_and_cpu_memory_mounts),
		cmocka_unit_test(test_kernel_version_and_filesystems_parsers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

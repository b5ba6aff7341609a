/* Unit tests for the container core's pure parts: unit parsing, the spec
 * defaults, and the translation of resources into cgroup writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "cglimits.h"
#include "fileio.h"
#include "spec.h"
#include "units.h"

static void test_sizes_parse_with_binary_suffixes(void **state)
{
	(void)state;
	int64_t b;
	assert_int_equal(alc_parse_size("256M", &b), 0);
	assert_int_equal(b, 256LL << 20);
	assert_int_equal(alc_parse_size("1g", &b), 0);
	assert_int_equal(b, 1LL << 30);
	assert_int_equal(alc_parse_size("64KiB", &b), 0);
	assert_int_equal(b, 64LL << 10);
	assert_int_equal(alc_parse_size("4096", &b), 0);
	assert_int_equal(b, 4096);
}

static void test_sizes_reject_bad_input(void **state)
{
	(void)state;
	int64_t b = 7;
	assert_int_equal(alc_parse_size("-1", &b), -EINVAL);
	assert_int_equal(alc_parse_size("0", &b), -EINVAL);
	assert_int_equal(alc_parse_size("12X", &b), -EINVAL);
	assert_int_equal(alc_parse_size("", &b), -EINVAL);
	assert_int_equal(alc_parse_size("1MM", &b), -EINVAL);
	assert_int_equal(alc_parse_size("99999999999T", &b), -ERANGE);
	assert_int_equal(b, 7); /* untouched on error */
}

static void test_cpus_become_a_quota(void **state)
{
	(void)state;
	int64_t q;
	assert_int_equal(alc_parse_cpus("0.5", 100000, &q), 0);
	assert_int_equal(q, 50000);
	assert_int_equal(alc_parse_cpus("2", 100000, &q), 0);
	assert_int_equal(q, 200000);
	assert_int_equal(alc_parse_cpus(".25", 200000, &q), 0);
	assert_int_equal(q, 50000);
	assert_int_equal(alc_parse_cpus("0", 100000, &q), -EINVAL);
	assert_int_equal(alc_parse_cpus("-1", 100000, &q), -EINVAL);
	assert_int_equal(alc_parse_cpus("0.001", 100000, &q), -EINVAL); /* 100 us < 1 ms */
	assert_int_equal(alc_parse_cpus("1x", 100000, &q), -EINVAL);
}

static void test_ints_are_range_checked(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(alc_parse_int("64", 1, 100, &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(alc_parse_int("0", 1, 100, &v), -ERANGE);
	assert_int_equal(alc_parse_int(" 5", 1, 100, &v), -EINVAL);
	assert_int_equal(alc_parse_int("5k", 1, 100, &v), -EINVAL);
}

static void test_spec_defaults_follow_the_oci_template(void **state)
{
	(void)state;
	struct alc_spec s;
	assert_int_equal(alc_spec_init_default(&s), 0);
	uint64_t want =
		(1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);
	assert_int_equal(s.process.caps[ALC_CAP_BOUNDING], want);
	assert_int_equal(s.process.caps[ALC_CAP_EFFECTIVE], want);
	assert_int_equal(s.process.caps[ALC_CAP_INHERITABLE], 0);
	assert_int_equal(s.process.caps[ALC_CAP_AMBIENT], 0);
	assert_true(s.process.no_new_privs);
	assert_int_equal(s.ns_flags & (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
				       CLONE_NEWNET),
			 CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET);
	assert_int_equal(s.n_masked, 10);
	assert_int_equal(s.n_readonly, 5);
	assert_int_equal(s.process.n_rlimits, 1);
	assert_int_equal(s.process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(s.process.n_env, 1);
	assert_null(s.process.env[1]); /* usable as environ */
	alc_spec_free(&s);
}

static void test_setenv_replaces_and_rlimit_replaces(void **state)
{
	(void)state;
	struct alc_spec s;
	assert_int_equal(alc_spec_init_default(&s), 0);
	assert_int_equal(alc_spec_setenv(&s, "PATH=/bin"), 0);
	assert_int_equal(alc_spec_setenv(&s, "A=1"), 0);
	assert_int_equal(alc_spec_setenv(&s, "A=2"), 0);
	assert_int_equal(s.process.n_env, 2);
	assert_string_equal(s.process.env[0], "PATH=/bin");
	assert_string_equal(s.process.env[1], "A=2");
	assert_int_equal(alc_spec_set_rlimit(&s, RLIMIT_NOFILE, 10, 20), 0);
	assert_int_equal(s.process.n_rlimits, 1);
	assert_int_equal(s.process.rlimits[0].hard, 20);
	alc_spec_free(&s);
}

static const struct alc_cg_write *find(const struct alc_cg_write *w, int n, const char *file)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(w[i].file, file))
			return &w[i];
	return NULL;
}

static struct alc_resources all_limits(void)
{
	struct alc_resources r = { 0 };
	r.set = ALC_RES_CPU_QUOTA | ALC_RES_CPU_SHARES | ALC_RES_MEMORY | ALC_RES_MEMORY_SWAP |
		ALC_RES_PIDS | ALC_RES_CPUSET_CPUS;
	r.cpu_quota_us = 50000;
	r.cpu_period_us = 100000;
	r.cpu_shares = 1024;
	r.memory = 64 << 20;
	r.memory_swap = 96 << 20;
	r.pids = 64;
	r.cpuset_cpus = (char *)"0-1";
	return r;
}

static void test_plan_for_v2_uses_unified_files(void **state)
{
	(void)state;
	struct alc_cg_write w[ALC_CG_MAX_WRITES];
	struct alc_resources r = all_limits();
	int n = alc_cg_plan_limits(1, &r, w, NULL);
	assert_int_equal(n, 6);
	assert_string_equal(find(w, n, "cpu.max")->value, "50000 100000");
	assert_string_equal(find(w, n, "cpu.weight")->value, "39"); /* 1 + 1022*9999/262142 */
	assert_string_equal(find(w, n, "memory.max")->value, "67108864");
	assert_string_equal(find(w, n, "memory.swap.max")->value,
			    "33554432"); /* OCI swap is mem+swap */
	assert_int_equal(find(w, n, "memory.swap.max")->phase, 1);
	assert_string_equal(find(w, n, "pids.max")->value, "64");
	assert_string_equal(find(w, n, "cpuset.cpus")->value, "0-1");
	for (int i = 0; i < n; i++)
		assert_int_equal(w[i].hier, ALC_H_V2);
}

static void test_plan_for_v1_uses_controller_hierarchies_in_order(void **state)
{
	(void)state;
	struct alc_cg_write w[ALC_CG_MAX_WRITES];
	struct alc_resources r = all_limits();
	r.pids = -1;
	int n = alc_cg_plan_limits(0, &r, w, NULL);
	assert_int_equal(n, 7);
	const struct alc_cg_write *period = find(w, n, "cpu.cfs_period_us");
	const struct alc_cg_write *quota = find(w, n, "cpu.cfs_quota_us");
	assert_int_equal(period->hier, ALC_H_CPU);
	assert_true(period->phase < quota->phase); /* the period goes first */
	assert_string_equal(find(w, n, "cpu.shares")->value, "1024");
	assert_string_equal(find(w, n, "memory.limit_in_bytes")->value, "67108864");
	assert_string_equal(find(w, n, "memory.memsw.limit_in_bytes")->value, "100663296");
	assert_true(find(w, n, "memory.limit_in_bytes")->phase <
		    find(w, n, "memory.memsw.limit_in_bytes")->phase);
	assert_string_equal(find(w, n, "pids.max")->value, "max");
	assert_int_equal(find(w, n, "cpuset.cpus")->hier, ALC_H_CPUSET);
}

static void test_plan_rejects_swap_below_memory_and_swap_alone(void **state)
{
	(void)state;
	struct alc_cg_write w[ALC_CG_MAX_WRITES];
	alc_err err = { 0 };
	struct alc_resources r = all_limits();
	r.memory_swap = 32 << 20;
	assert_int_equal(alc_cg_plan_limits(1, &r, w, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "below the memory limit"));
	r.set &= ~(unsigned)ALC_RES_MEMORY;
	assert_int_equal(alc_cg_plan_limits(0, &r, w, &err), -EINVAL);
	assert_string_equal(err.msg, "memory+swap limit needs a memory limit");
}

static void test_plan_io_throttles(void **state)
{
	(void)state;
	struct alc_cg_write w[ALC_CG_MAX_WRITES];
	struct alc_throttle t = { .major = 253, .minor = 0, .rbps = 1048576, .wiops = 100 };
	struct alc_resources r = { .set = ALC_RES_IO, .io = &t, .n_io = 1 };
	int n = alc_cg_plan_limits(1, &r, w, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(w[0].value, "253:0 rbps=1048576 wiops=100");
	n = alc_cg_plan_limits(0, &r, w, NULL);
	assert_int_equal(n, 2);
	assert_string_equal(find(w, n, "blkio.throttle.read_bps_device")->value, "253:0 1048576");
	assert_string_equal(find(w, n, "blkio.throttle.write_iops_device")->value, "253:0 100");
}

static void test_needed_controllers_and_weights(void **state)
{
	(void)state;
	struct alc_resources r = all_limits();
	assert_int_equal(alc_cg_needed_controllers(&r),
			 ALC_CTRL_CPU | ALC_CTRL_MEMORY | ALC_CTRL_PIDS | ALC_CTRL_CPUSET);
	assert_int_equal(alc_shares_to_weight(2), 1);
	assert_int_equal(alc_shares_to_weight(262144), 10000);
	assert_int_equal(alc_shares_to_weight(1), 1);
	uint64_t v = 0;
	assert_int_equal(alc_flatkv_get("usage_usec 10\nnr_throttled 3\n", "nr_throttled", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(alc_flatkv_get("usage_usec 10\n", "usage", &v), -ENOENT);
}

/* Reads files around the size where the reader leaves its stack buffer
 * for the heap, and an empty one, byte for byte. */
static void test_read_file_sizes(void **state)
{
	(void)state;
	char dir[] = "/tmp/alcove-unit-read.XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	static const size_t sizes[] = { 0, 1, 2046, 2047, 2048, 4095, 4096, 10000 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *want = malloc(sizes[i] + 1), *got = NULL;
		assert_non_null(want);
		for (size_t k = 0; k < sizes[i]; k++)
			want[k] = (char)('a' + (k * 7 + i) % 26);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, want, sizes[i]), (ssize_t)sizes[i]);
		close(fd);
		assert_int_equal(alc_read_file_at(AT_FDCWD, path, &got), (long)sizes[i]);
		assert_memory_equal(got, want, sizes[i]);
		assert_int_equal(got[sizes[i]], '\0');
		free(got);
		free(want);
	}
	assert_int_equal(alc_read_file_at(AT_FDCWD, "/nonexistent/alcove", &(char *){ NULL }),
			 -ENOENT);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_parse_with_binary_suffixes),
		cmocka_unit_test(test_sizes_reject_bad_input),
		cmocka_unit_test(test_cpus_become_a_quota),
		cmocka_unit_test(test_ints_are_range_checked),
		cmocka_unit_test(test_spec_defaults_follow_the_oci_template),
		cmocka_unit_test(test_setenv_replaces_and_rlimit_replaces),
		cmocka_unit_test(test_plan_for_v2_uses_unified_files),
		cmocka_unit_test(test_plan_for_v1_uses_controller_hierarchies_in_order),
		cmocka_unit_test(test_plan_rejects_swap_below_memory_and_swap_alone),
		cmocka_unit_test(test_plan_io_throttles),
		cmocka_unit_test(test_needed_controllers_and_weights),
		cmocka_unit_test(test_read_file_sizes),
	};
	return cmocka_run_group_tests_name("unit/core", tests, NULL, NULL);
}

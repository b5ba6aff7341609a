/* Host tier: root on the development machine, whose cgroups are hybrid (v1
 * controllers, a controller-less v2 tree at /sys/fs/cgroup/unified). Every
 * test makes and removes only its own child groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cglayout.h"
#include "clone3.h"
#include "cgtest.h"
#include "cleanup.h"
#include "fileio.h"
#include "psi.h"
#include "writer.h"

#define UNIFIED "/sys/fs/cgroup/unified"
#define V1CPU "/sys/fs/cgroup/cpu"

static char group[64];

static int setup(void **state)
{
	(void)state;
	snprintf(group, sizeof(group), "alcove-host-test.%d", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* Each test removes its groups; this catches the ones a failure left. */
	cgt_group_destroy(UNIFIED, group);
	cgt_group_destroy(V1CPU, group);
	return 0;
}

static void assert_gone(const char *parent)
{
	char path[256];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", parent, group);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_layout_is_detected_as_hybrid(void **state)
{
	(void)state;
	char v2[256];
	assert_int_equal(alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2)), ALC_CG_HYBRID);
	assert_string_equal(v2, UNIFIED);
}

static void test_clone3_places_child_in_unified_group(void **state)
{
	(void)state;
	int cg = cgt_group_create(UNIFIED, group);
	assert_true(cg >= 0);
	int gate = -1;
	pid_t pid = cgt_spawn_parked(cg, 0, &gate, NULL);
	assert_true(pid > 0);
	char where[256] = "", want[128];
	int r = cgt_proc_cgroup(pid, where, sizeof(where));
	/* The v2 group is listed in its cgroup.procs too. */
	_cleanup_free_ char *procs = NULL;
	alc_read_file_at(cg, "cgroup.procs", &procs);
	close(gate);
	assert_int_equal(cgt_kill_reap(pid), 0);
	close(cg);
	assert_int_equal(cgt_group_destroy(UNIFIED, group), 0);
	snprintf(want, sizeof(want), "/%s", group);
	assert_int_equal(r, 0);
	assert_string_equal(where, want);
	assert_non_null(procs);
	assert_int_equal(atoi(procs), pid);
	assert_gone(UNIFIED);
}

static void test_clone3_newpid_child_is_pid_one(void **state)
{
	(void)state;
	int cg = cgt_group_create(UNIFIED, group);
	assert_true(cg >= 0);
	int gate = -1, report = -1;
	pid_t pid = cgt_spawn_parked(cg, CLONE_NEWPID | CLONE_NEWNS, &gate, &report);
	assert_true(pid > 0);
	pid_t inner = 0;
	ssize_t n = read(report, &inner, sizeof(inner));
	close(gate);
	close(report);
	assert_int_equal(cgt_kill_reap(pid), 0);
	close(cg);
	assert_int_equal(cgt_group_destroy(UNIFIED, group), 0);
	assert_int_equal(n, sizeof(inner));
	assert_int_equal(inner, 1);
}

struct vm_probe {
	pid_t seen_pid; /* written by the child, read here: one address space */
	char cgroup[256];
};

static int vm_probe_child(void *arg)
{
	struct vm_probe *p = arg;
	p->seen_pid = getpid();
	cgt_proc_cgroup(getpid(), p->cgroup, sizeof(p->cgroup));
	return 7;
}

/* The CLONE_VM trampoline (x86_64 and aarch64): the child runs on its own
 * stack in the group, in our address space, and exits with fn's result. */
static void test_clone3_vm_shares_memory_and_lands_in_group(void **state)
{
	(void)state;
	int cg = cgt_group_create(UNIFIED, group);
	assert_true(cg >= 0);
	size_t len = 256 * 1024;
	char *stack = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(stack != MAP_FAILED);
	struct vm_probe probe = { 0 };
	pid_t pid = alc_clone3_vm(cg, 0, stack, len, vm_probe_child, &probe);
	int status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	munmap(stack, len);
	close(cg);
	assert_int_equal(cgt_group_destroy(UNIFIED, group), 0);
#if defined(__x86_64__) || defined(__aarch64__)
	char want[128];
	snprintf(want, sizeof(want), "/%s", group);
	assert_true(pid > 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
	assert_int_equal(probe.seen_pid, pid);
	assert_string_equal(probe.cgroup, want);
#else
	assert_int_equal(pid, -ENOSYS);
#endif
}

/* Writes through one backend and returns what the file then reads. */
static void write_quota(enum uring_backend be, int cg, const char *value, char *back, size_t len)
{
	struct uring_writer *w = NULL;
	alc_err err = { 0 };
	assert_int_equal(uring_writer_new(be, 4, &w, &err), 0);
	_cleanup_close_ int fd = openat(cg, "cpu.cfs_quota_us", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	struct uring_write wr = { .fd = fd, .buf = value, .len = strlen(value) };
	assert_int_equal(uring_writer_submit(w, &wr, 1, &err), 0);
	assert_int_equal(wr.result, (long)strlen(value));
	uring_writer_free(w);
	_cleanup_free_ char *text = NULL;
	assert_true(alc_read_file_at(cg, "cpu.cfs_quota_us", &text) > 0);
	snprintf(back, len, "%s", text);
}

static void test_writer_backends_land_v1_cfs_quota(void **state)
{
	(void)state;
	int cg = cgt_group_create(V1CPU, group);
	assert_true(cg >= 0);
	char back[64];
	write_quota(URING_BACKEND_URING, cg, "50000", back, sizeof(back));
	assert_string_equal(back, "50000\n");
	write_quota(URING_BACKEND_SYNC, cg, "30000", back, sizeof(back));
	assert_string_equal(back, "30000\n");
	close(cg);
	assert_int_equal(cgt_group_destroy(V1CPU, group), 0);
	assert_gone(V1CPU);
}

/* A batch with one bad value: both backends report the same per-write
 * results, and the good writes land. */
static void test_writer_backends_agree_on_per_write_results(void **state)
{
	(void)state;
	int cg = cgt_group_create(V1CPU, group);
	assert_true(cg >= 0);
	long results[2][3];
	for (int b = 0; b < 2; b++) {
		enum uring_backend be = b ? URING_BACKEND_URING : URING_BACKEND_SYNC;
		struct uring_writer *w = NULL;
		assert_int_equal(uring_writer_new(be, 2, &w, NULL), 0);
		int q = openat(cg, "cpu.cfs_quota_us", O_WRONLY | O_CLOEXEC);
		int p = openat(cg, "cpu.cfs_period_us", O_WRONLY | O_CLOEXEC);
		int s = openat(cg, "cpu.shares", O_WRONLY | O_CLOEXEC);
		assert_true(q >= 0 && p >= 0 && s >= 0);
		struct uring_write ws[3] = {
			{ .fd = p, .buf = "200000", .len = 6 },
			{ .fd = q, .buf = "bogus", .len = 5 },
			{ .fd = s, .buf = b ? "512" : "256", .len = 3 },
		};
		/* depth 2 < 3 writes: the uring backend submits two batches */
		assert_int_equal(uring_writer_submit(w, ws, 3, NULL), 1);
		for (int i = 0; i < 3; i++)
			results[b][i] = ws[i].result;
		uring_writer_free(w);
		close(q);
		close(p);
		close(s);
	}
	_cleanup_free_ char *period = NULL, *shares = NULL;
	alc_read_file_at(cg, "cpu.cfs_period_us", &period);
	alc_read_file_at(cg, "cpu.shares", &shares);
	close(cg);
	assert_int_equal(cgt_group_destroy(V1CPU, group), 0);
	assert_memory_equal(results[0], results[1], sizeof(results[0]));
	assert_int_equal(results[0][0], 6);
	assert_int_equal(results[0][1], -EINVAL);
	assert_string_equal(period, "200000\n");
	assert_string_equal(shares, "512\n");
}

/* The pairing the scheduler relies on here: CFS throttling in a v1 cpu group
 * shows up as pressure in the v2 group holding the same processes. The
 * trigger is silent while idle and fires once throttled hogs run. Without
 * CAP_SYS_RESOURCE the kernel only accepts 2 s window multiples. */
static void test_psi_trigger_in_v2_group_fires_on_v1_throttling(void **state)
{
	(void)state;
	enum { HOGS = 2 };
	int v2 = cgt_group_create(UNIFIED, group);
	int v1 = cgt_group_create(V1CPU, group);
	assert_true(v2 >= 0 && v1 >= 0);
	assert_int_equal(alc_write_file_at(v1, "cpu.cfs_quota_us", "10000"), 0);
	alc_err err = { 0 };
	int trig = psi_trigger_open(v2, "cpu.pressure", false, 100000, 2000000, &err);
	if (trig < 0)
		fail_msg("%s", err.msg);
	long quiet_ms = 0, fired_ms = 0;
	int idle = cgt_wait_pri(trig, 2500, &quiet_ms);
	pid_t hogs[HOGS];
	char pidbuf[16];
	for (int i = 0; i < HOGS; i++) {
		hogs[i] = cgt_spawn_hog(v2);
		assert_true(hogs[i] > 0);
		snprintf(pidbuf, sizeof(pidbuf), "%d", (int)hogs[i]);
		assert_int_equal(alc_write_file_at(v1, "cgroup.procs", pidbuf), 0);
	}
	int busy = cgt_wait_pri(trig, 10000, &fired_ms);
	for (int i = 0; i < HOGS; i++)
		cgt_kill_reap(hogs[i]);
	close(trig);
	close(v1);
	close(v2);
	assert_int_equal(cgt_group_destroy(V1CPU, group), 0);
	assert_int_equal(cgt_group_destroy(UNIFIED, group), 0);
	print_message("idle %ld ms silent; fired %ld ms after hogs started\n", quiet_ms, fired_ms);
	assert_int_equal(idle, 0);
	assert_int_equal(busy, 1);
	assert_gone(UNIFIED);
	assert_gone(V1CPU);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_is_detected_as_hybrid),
		cmocka_unit_test(test_clone3_places_child_in_unified_group),
		cmocka_unit_test(test_clone3_newpid_child_is_pid_one),
		cmocka_unit_test(test_clone3_vm_shares_memory_and_lands_in_group),
		cmocka_unit_test(test_writer_backends_land_v1_cfs_quota),
		cmocka_unit_test(test_writer_backends_agree_on_per_write_results),
		cmocka_unit_test(test_psi_trigger_in_v2_group_fires_on_v1_throttling),
	};
	return cmocka_run_group_tests_name("host/hybrid", tests, setup, teardown);
}

/* Guest-side assertions for the VM tier's smoke cases. Each check exercises
 * one kernel facility from inside the guest and prints what it saw;
 *   vmcheck NAME   exits 0 when the assertion holds, 1 when it fails,
 *                  2 for an unknown NAME. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "cgtest.h"
#include "cleanup.h"
#include "fileio.h"
#include "lifecycle.h"
#include "psi.h"
#include "writer.h"

#define CG "/sys/fs/cgroup"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		printf("vmcheck: FAIL: " __VA_ARGS__);                                             \
		putchar('\n');                                                                     \
		return 1;                                                                          \
	} while (0)

/* Finds fstype mounted at target in /proc/self/mountinfo text. */
static int mounted(const char *mountinfo, const char *target, const char *fs)
{
	for (const char *l = mountinfo; *l;) {
		char mnt[256], type[64];
		const char *dash = strstr(l, " - ");
		/* id parent maj:min root mountpoint opts... - fstype source */
		if (sscanf(l, "%*d %*d %*s %*s %255s", mnt) == 1 && !strcmp(mnt, target) && dash &&
		    sscanf(dash, " - %63s", type) == 1 && !strcmp(type, fs))
			return 1;
		const char *nl = strchr(l, '\n');
		if (!nl)
			break;
		l = nl + 1;
	}
	return 0;
}

static int check_mounts(void)
{
	_cleanup_free_ char *mi = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi) < 0)
		FAIL("cannot read /proc/self/mountinfo: %s", strerror(errno));
	static const char *const want[][2] = {
		{ "/proc", "proc" },
		{ "/sys", "sysfs" },
		{ CG, "cgroup2" },
	};
	for (size_t i = 0; i < 3; i++) {
		if (!mounted(mi, want[i][0], want[i][1]))
			FAIL("%s is not mounted on %s", want[i][1], want[i][0]);
		printf("vmcheck: %s on %s\n", want[i][1], want[i][0]);
	}
	return 0;
}

/* Enables one controller for the root's children and reads it back. */
static int enable_controller(const char *name)
{
	char cmd[32];
	_cleanup_free_ char *sc = NULL;
	snprintf(cmd, sizeof(cmd), "+%s", name);
	int r = alc_write_file_at(AT_FDCWD, CG "/cgroup.subtree_control", cmd);
	if (r < 0)
		FAIL("write %s to cgroup.subtree_control: %s", cmd, strerror(-r));
	if (alc_read_file_at(AT_FDCWD, CG "/cgroup.subtree_control", &sc) < 0)
		FAIL("read cgroup.subtree_control: %s", strerror(errno));
	char padded[256];
	snprintf(padded, sizeof(padded), " %s ", sc);
	padded[strcspn(padded, "\n")] = ' ';
	snprintf(cmd, sizeof(cmd), " %s ", name);
	if (!strstr(padded, cmd))
		FAIL("%s missing from cgroup.subtree_control \"%s\"", name, sc);
	return 0;
}

static int check_controllers(void)
{
	static const char *const names[] = { "cpu", "memory", "pids", "io" };
	for (size_t i = 0; i < 4; i++) {
		if (enable_controller(names[i]))
			return 1;
		printf("vmcheck: %s enabled in cgroup.subtree_control\n", names[i]);
	}
	return 0;
}

static int check_clone3(void)
{
	_cleanup_close_ int cg = cgt_group_create(CG, "vm-clone3");
	if (cg < 0)
		FAIL("mkdir " CG "/vm-clone3: %s", strerror(-cg));
	int gate = -1, report = -1;
	pid_t pid = cgt_spawn_parked(cg, CLONE_NEWPID, &gate, &report);
	if (pid < 0)
		FAIL("clone3(CLONE_INTO_CGROUP|CLONE_NEWPID): %s", strerror(-pid));
	char where[256] = "";
	pid_t inner = 0;
	int r = cgt_proc_cgroup(pid, where, sizeof(where));
	ssize_t n = read(report, &inner, sizeof(inner));
	close(gate);
	close(report);
	cgt_kill_reap(pid);
	cgt_group_destroy(CG, "vm-clone3");
	if (r < 0 || strcmp(where, "/vm-clone3"))
		FAIL("/proc/%d/cgroup says \"%s\", want /vm-clone3", (int)pid, where);
	if (n != sizeof(inner) || inner != 1)
		FAIL("child's getpid() in its pid namespace is %d, want 1", (int)inner);
	printf("vmcheck: child %d landed in %s and is pid 1 inside\n", (int)pid, where);
	return 0;
}

static int check_uring_cpumax(void)
{
	if (enable_controller("cpu"))
		return 1;
	_cleanup_close_ int cg = cgt_group_create(CG, "vm-uring");
	if (cg < 0)
		FAIL("mkdir " CG "/vm-uring: %s", strerror(-cg));
	_cleanup_close_ int fd = openat(cg, "cpu.max", O_WRONLY | O_CLOEXEC);
	struct uring_writer *w = NULL;
	alc_err err = { 0 };
	int r = fd < 0 ? -errno : uring_writer_new(URING_BACKEND_URING, 4, &w, &err);
	struct uring_write wr = { .fd = fd, .buf = "25000 100000", .len = 12 };
	if (r == 0)
		r = uring_writer_submit(w, &wr, 1, &err);
	uring_writer_free(w);
	_cleanup_free_ char *back = NULL;
	long n = alc_read_file_at(cg, "cpu.max", &back);
	cgt_group_destroy(CG, "vm-uring");
	if (r != 0)
		FAIL("io_uring write to cpu.max: %s (result %ld)", err.msg, wr.result);
	if (n < 0 || strcmp(back, "25000 100000\n"))
		FAIL("cpu.max reads \"%s\" after io_uring wrote 25000 100000", back ? back : "");
	printf("vmcheck: io_uring wrote %ld bytes; cpu.max reads %s", wr.result, back);
	return 0;
}

/* Arms a trigger on a group under a low cpu.max: silent while idle, fires
 * once hogs run. Debian's 6.1 kernels need windows of 500 ms to 10 s. */
static int check_psi_trigger(void)
{
	enum { HOGS = 2, WINDOW_US = 500000, STALL_US = 50000 };
	if (enable_controller("cpu"))
		return 1;
	_cleanup_close_ int cg = cgt_group_create(CG, "vm-psi");
	if (cg < 0)
		FAIL("mkdir " CG "/vm-psi: %s", strerror(-cg));
	int r = alc_write_file_at(cg, "cpu.max", "10000 100000");
	alc_err err = { 0 };
	_cleanup_close_ int trig =
		r < 0 ? r : psi_trigger_open(cg, "cpu.pressure", false, STALL_US, WINDOW_US, &err);
	if (trig < 0) {
		cgt_group_destroy(CG, "vm-psi");
		FAIL("arm trigger: %s", r < 0 ? strerror(-r) : err.msg);
	}
	long quiet_ms = 0, fired_ms = 0;
	int idle = cgt_wait_pri(trig, 1500, &quiet_ms);
	pid_t hogs[HOGS];
	for (int i = 0; i < HOGS; i++)
		hogs[i] = cgt_spawn_hog(cg);
	int busy = cgt_wait_pri(trig, 10000, &fired_ms);
	for (int i = 0; i < HOGS; i++)
		if (hogs[i] > 0)
			cgt_kill_reap(hogs[i]);
	cgt_group_destroy(CG, "vm-psi");
	if (idle != 0)
		FAIL("trigger fired (%d) with no hog after %ld ms", idle, quiet_ms);
	if (busy != 1)
		FAIL("trigger did not fire (%d) within 10 s of %d hogs under 10%% cpu.max", busy,
		     HOGS);
	printf("vmcheck: silent for %ld ms idle; fired %ld ms after hogs started\n", quiet_ms,
	       fired_ms);
	return 0;
}

static int check_lifecycle(void)
{
	char msg[512];
	if (lifecycle_scenario("/bin/busybox", false, msg, sizeof(msg)) < 0)
		FAIL("%s", msg);
	printf("vmcheck: create, start, stats, pause, resume, kill all and destroy held\n");
	return 0;
}

/* vmcheck writer: on pure v2 files, io_uring and write(2) land the same
 * values for batches of 1, 3 and 8 and report the same per-write results
 * around an invalid value; calibration then picks one and changes nothing. */
enum { WR_FILES = 8, WR_BAD = 4 };

static const struct {
	const char *file, *base, *target;
} wr_files[WR_FILES] = {
	{ "cpu.max", "max 100000", "25000 100000" },
	{ "cpu.weight", "100", "50" },
	{ "memory.high", "max", "268435456" },
	{ "memory.max", "max", "536870912" },
	{ "memory.low", "0", "16777216" },
	{ "memory.min", "0", "8388608" },
	{ "pids.max", "max", "64" },
	{ "memory.oom.group", "0", "1" },
};

/* Sets every file to its baseline, then writes the first n values (targets,
 * or targets with "bogus" at WR_BAD) as one batch; reads them back. */
static int writer_round(int cg, const int *fds, enum uring_backend be, size_t n, bool bogus,
			long *res, char (*back)[64])
{
	for (int i = 0; i < WR_FILES; i++) {
		int r = alc_write_file_at(cg, wr_files[i].file, wr_files[i].base);
		if (r < 0)
			FAIL("write %s to %s: %s", wr_files[i].base, wr_files[i].file,
			     strerror(-r));
	}
	struct uring_writer *w = NULL;
	alc_err err = { 0 };
	if (uring_writer_new(be, 3, &w, &err) < 0)
		FAIL("%s writer: %s", uring_backend_name(be), err.msg);
	struct uring_write ws[WR_FILES];
	for (size_t i = 0; i < n; i++) {
		const char *v = bogus && i == WR_BAD ? "bogus" : wr_files[i].target;
		ws[i] = (struct uring_write){ .fd = fds[i], .buf = v, .len = strlen(v) };
	}
	int r = uring_writer_submit(w, ws, n, &err);
	uring_writer_free(w);
	if (r < 0)
		FAIL("%s batch of %zu: %s", uring_backend_name(be), n, err.msg);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *text = NULL;
		res[i] = ws[i].result;
		if (alc_read_file_at(cg, wr_files[i].file, &text) < 0)
			FAIL("read %s: %s", wr_files[i].file, strerror(errno));
		text[strcspn(text, "\n")] = '\0';
		snprintf(back[i], 64, "%s", text);
	}
	return 0;
}

static int writer_agree(int cg, const int *fds, size_t n, bool bogus)
{
	long res[2][WR_FILES];
	char back[2][WR_FILES][64];
	for (int b = 0; b < 2; b++)
		if (writer_round(cg, fds, b ? URING_BACKEND_URING : URING_BACKEND_SYNC, n, bogus,
				 res[b], back[b]))
			return 1;
	for (size_t i = 0; i < n; i++) {
		bool bad = bogus && i == WR_BAD;
		long want = bad ? -EINVAL : (long)strlen(wr_files[i].target);
		const char *lands = bad ? wr_files[i].base : wr_files[i].target;
		if (res[0][i] != want || res[1][i] != want)
			FAIL("%s in a batch of %zu: sync %ld, uring %ld, want %ld",
			     wr_files[i].file, n, res[0][i], res[1][i], want);
		if (strcmp(back[0][i], lands) || strcmp(back[1][i], lands))
			FAIL("%s reads \"%s\" after sync, \"%s\" after uring, want \"%s\"",
			     wr_files[i].file, back[0][i], back[1][i], lands);
	}
	printf("vmcheck: batch of %zu%s: both backends agree\n", n, bogus ? " with bogus" : "");
	return 0;
}

static int writer_calibrate(int cg, const int *fds)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct uring_calibration cal;
	alc_err err = { 0 };
	alc_read_file_at(cg, "cpu.max", &before);
	if (uring_calibrate(fds, 3, &cal, &err) < 0)
		FAIL("calibrate: %s", err.msg);
	alc_read_file_at(cg, "cpu.max", &after);
	printf("vmcheck: calibrate: %s (sync mean %.1f us, uring mean %.1f us, %.0f us)\n",
	       cal.reason, cal.sync_mean_us, cal.uring_mean_us, cal.total_us);
	if (!before || !after || strcmp(before, after))
		FAIL("cpu.max was \"%s\", is \"%s\" after calibrating", before, after);
	if (!cal.uring_available || cal.sync_median_us <= 0 || cal.uring_median_us <= 0)
		FAIL("calibration timings missing: %s", cal.reason);
	if ((cal.choice == URING_BACKEND_URING) != (cal.uring_median_us < cal.sync_median_us))
		FAIL("calibration chose %s against its medians", uring_backend_name(cal.choice));
	return 0;
}

static int check_writer(void)
{
	static const char *const ctrls[] = { "cpu", "memory", "pids" };
	for (int i = 0; i < 3; i++)
		if (enable_controller(ctrls[i]))
			return 1;
	_cleanup_close_ int cg = cgt_group_create(CG, "vm-writer");
	if (cg < 0)
		FAIL("mkdir " CG "/vm-writer: %s", strerror(-cg));
	int fds[WR_FILES], bad = 0;
	for (int i = 0; i < WR_FILES; i++) {
		fds[i] = openat(cg, wr_files[i].file, O_RDWR | O_CLOEXEC);
		if (fds[i] < 0 && !bad++)
			printf("vmcheck: FAIL: open %s: %s\n", wr_files[i].file, strerror(errno));
	}
	static const size_t sizes[] = { 1, 3, 8 };
	for (int s = 0; !bad && s < 3; s++)
		bad = writer_agree(cg, fds, sizes[s], false);
	if (!bad)
		bad = writer_agree(cg, fds, WR_FILES, true);
	if (!bad)
		bad = writer_calibrate(cg, fds);
	for (int i = 0; i < WR_FILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	cgt_group_destroy(CG, "vm-writer");
	return bad;
}

static const struct {
	const char *name;
	int (*fn)(void);
} checks[] = {
	{ "mounts", check_mounts },	      { "controllers", check_controllers },
	{ "clone3-cgroup", check_clone3 },    { "uring-cpumax", check_uring_cpumax },
	{ "psi-trigger", check_psi_trigger }, { "lifecycle", check_lifecycle },
	{ "writer", check_writer },
};

/* vmcheck run-as UID CMD...: drops to UID (as gid too, no groups) and execs
 * CMD; busybox's setpriv cannot change uids. */
static int run_as(int argc, char **argv)
{
	char *end;
	unsigned long id = strtoul(argv[2], &end, 10);
	if (*end || argc < 4) {
		fprintf(stderr, "usage: vmcheck run-as UID CMD [ARG...]\n");
		return 2;
	}
	if (setgroups(0, NULL) < 0 || setresgid((gid_t)id, (gid_t)id, (gid_t)id) < 0 ||
	    setresuid((uid_t)id, (uid_t)id, (uid_t)id) < 0) {
		perror("vmcheck run-as");
		return 1;
	}
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "run-as"))
		return run_as(argc, argv);
	for (size_t i = 0; argc == 2 && i < sizeof(checks) / sizeof(*checks); i++)
		if (!strcmp(argv[1], checks[i].name))
			return checks[i].fn();
	fprintf(stderr, "usage: vmcheck "
			"mounts|controllers|clone3-cgroup|uring-cpumax|psi-trigger|writer|run-as "
			"UID CMD\n");
	return 2;
}

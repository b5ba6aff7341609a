#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clone3.h"
#include "fileio.h"
#include "psi.h"
#include "writer.h"

static unsigned read_controllers(int dirfd, const char *file)
{
	_cleanup_free_ char *text = NULL;
	if (alc_read_file_at(dirfd, file, &text) < 0)
		return 0;
	return alc_cg_parse_controllers(text);
}

/* Spawns a child into the group and checks /proc/<pid>/cgroup names it. */
static void probe_clone3(struct board_probe *p, int cgfd, const char *name)
{
	int gate[2];
	if (pipe2(gate, O_CLOEXEC) < 0) {
		board_feat_set(p, BOARD_FEAT_CLONE3_CGROUP, BOARD_MISSING, "pipe: %s",
			       strerror(errno));
		return;
	}
	pid_t pid = alc_clone3(cgfd, 0);
	if (pid == 0) {
		char c;
		close(gate[1]);
		ssize_t r = read(gate[0], &c, 1); /* returns at parent's close */
		_exit(r < 0);
	}
	close(gate[0]);
	if (pid < 0) {
		close(gate[1]);
		board_feat_set(p, BOARD_FEAT_CLONE3_CGROUP, BOARD_DEGRADED, "clone3: %s",
			       strerror((int)-pid));
		return;
	}
	char path[64], where[256] = "";
	_cleanup_free_ char *text = NULL;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (alc_read_file_at(AT_FDCWD, path, &text) >= 0)
		alc_cg_parse_proc_cgroup(text, where, sizeof(where));
	close(gate[1]);
	waitpid(pid, NULL, 0); /* the child exits at once; status is moot */
	size_t wl = strlen(where), nl = strlen(name);
	if (wl > nl && where[wl - nl - 1] == '/' && !strcmp(where + wl - nl, name))
		board_feat_set(p, BOARD_FEAT_CLONE3_CGROUP, BOARD_OK, "child landed in %s", where);
	else
		board_feat_set(p, BOARD_FEAT_CLONE3_CGROUP, BOARD_DEGRADED,
			       "child landed in \"%s\"", where);
}

static void probe_uring(struct board_probe *p, int cgfd)
{
	alc_err err = { 0 };
	struct uring_writer *w = NULL;
	char sysctl[40] = "";
	_cleanup_free_ char *dis = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/sys/kernel/io_uring_disabled", &dis) > 0)
		snprintf(sysctl, sizeof(sysctl), "; io_uring_disabled=%.*s",
			 (int)strcspn(dis, "\n"), dis);
	if (uring_writer_new(URING_BACKEND_URING, 4, &w, &err) < 0) {
		board_feat_set(p, BOARD_FEAT_IO_URING,
			       err.code == ENOSYS || err.code == EPERM ? BOARD_MISSING
								       : BOARD_DEGRADED,
			       "%s%s", err.msg, sysctl);
		return;
	}
	_cleanup_close_ int fd = openat(cgfd, "cgroup.freeze", O_WRONLY | O_CLOEXEC);
	struct uring_write wr = { .fd = fd, .buf = "0", .len = 1 };
	int r = fd < 0 ? -errno : uring_writer_submit(w, &wr, 1, &err);
	uring_writer_free(w);
	if (r == 0)
		board_feat_set(p, BOARD_FEAT_IO_URING, BOARD_OK,
			       "write to cgroup.freeze completed%s", sysctl);
	else
		board_feat_set(p, BOARD_FEAT_IO_URING, BOARD_DEGRADED,
			       "write to cgroup.freeze: %s%s",
			       strerror(r < 0 ? -r : (int)-wr.result), sysctl);
}

/* cpu.max.burst exists in a v2 group when the cpu controller is enabled and
 * the kernel has CFS burst (5.14+). */
static void probe_burst_v2(struct board_probe *p, int cgfd)
{
	if (!(p->ctrl_avail & ALC_CTRL_CPU) || p->feat[BOARD_FEAT_CPU_BURST].detail[0])
		return; /* decided through v1, or no v2 cpu at all */
	if (!(p->ctrl_enabled & ALC_CTRL_CPU))
		board_feat_set(p, BOARD_FEAT_CPU_BURST, BOARD_DEGRADED,
			       "not probed: cpu not in the root's cgroup.subtree_control");
	else if (faccessat(cgfd, "cpu.max.burst", F_OK, 0) == 0)
		board_feat_set(p, BOARD_FEAT_CPU_BURST, BOARD_OK, "v2 cpu.max.burst");
	else
		board_feat_set(p, BOARD_FEAT_CPU_BURST, BOARD_MISSING,
			       "no cpu.max.burst in a v2 group with cpu (kernel < 5.14?)");
}

/* Finds the smallest trigger window the kernel accepts from us. */
static void probe_psi(struct board_probe *p, int cgfd)
{
	static const unsigned windows[] = { 10000, 50000, 100000, 500000, 2000000 };
	struct psi_stats st;
	_cleanup_free_ char *global = NULL, *local = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/pressure/cpu", &global) >= 0 &&
	    psi_parse(global, &st) == 0)
		board_feat_set(p, BOARD_FEAT_PSI_GLOBAL, BOARD_OK,
			       "/proc/pressure/cpu some avg10=%.2f", st.some.avg10);
	else
		board_feat_set(p, BOARD_FEAT_PSI_GLOBAL, BOARD_MISSING,
			       "no /proc/pressure/cpu (psi=0?)");
	if (cgfd < 0 || alc_read_file_at(cgfd, "cpu.pressure", &local) < 0 ||
	    psi_parse(local, &st) < 0) {
		board_feat_set(p, BOARD_FEAT_PSI_CGROUP, BOARD_MISSING,
			       "no cpu.pressure in a v2 group");
		return;
	}
	for (size_t i = 0; i < sizeof(windows) / sizeof(*windows); i++) {
		int fd = psi_trigger_open(cgfd, "cpu.pressure", false, windows[i] / 10, windows[i],
					  NULL);
		if (fd >= 0) {
			close(fd);
			p->psi_min_window_us = windows[i];
			board_feat_set(p, BOARD_FEAT_PSI_CGROUP, BOARD_OK,
				       "trigger armed, smallest window %u ms", windows[i] / 1000);
			return;
		}
	}
	board_feat_set(p, BOARD_FEAT_PSI_CGROUP, BOARD_DEGRADED,
		       "cpu.pressure readable but no trigger accepted");
}

static void probe_caps(struct board_probe *p)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t admin = CAP_CLEAR, res = CAP_CLEAR;
	if (caps) {
		cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin);
		cap_get_flag(caps, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &res);
		cap_free(caps);
	}
	board_feat_set(p, BOARD_FEAT_CAPS,
		       admin == CAP_SET && res == CAP_SET ? BOARD_OK : BOARD_DEGRADED,
		       "CAP_SYS_ADMIN %s, CAP_SYS_RESOURCE %s", admin == CAP_SET ? "yes" : "no",
		       res == CAP_SET ? "yes" : "no");
}

void board_probe_run(struct board_probe *p, const char *sysroot)
{
	memset(p, 0, sizeof(*p));
	struct utsname u;
	if (uname(&u) == 0) {
		snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
		snprintf(p->arch, sizeof(p->arch), "%s", u.machine);
	}
	p->layout = alc_cg_detect("/sys/fs/cgroup", p->v2, sizeof(p->v2));
	_cleanup_close_ int root = -1, cgfd = -1;
	char name[64];
	snprintf(name, sizeof(name), "alcove-probe.%d", (int)getpid());
	if (p->v2[0])
		root = open(p->v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root >= 0) {
		p->ctrl_avail = read_controllers(root, "cgroup.controllers");
		p->ctrl_enabled = read_controllers(root, "cgroup.subtree_control");
	}
	probe_caps(p);
	board_probe_kernel(p);
	if (root >= 0 && mkdirat(root, name, 0755) == 0)
		cgfd = openat(root, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd >= 0) {
		probe_clone3(p, cgfd, name);
		probe_uring(p, cgfd);
		probe_burst_v2(p, cgfd);
	} else {
		const char *why = root < 0 ? "no cgroup v2 mount" : strerror(errno);
		board_feat_set(p, BOARD_FEAT_CLONE3_CGROUP, BOARD_MISSING, "%s", why);
		board_feat_set(p, BOARD_FEAT_IO_URING, BOARD_MISSING, "not probed (%s)", why);
		if (!p->feat[BOARD_FEAT_CPU_BURST].detail[0])
			board_feat_set(p, BOARD_FEAT_CPU_BURST, BOARD_MISSING, "not probed (%s)",
				       why);
	}
	probe_psi(p, cgfd);
	if (cgfd >= 0 && unlinkat(root, name, AT_REMOVEDIR) < 0)
		snprintf(p->cleanup_error, sizeof(p->cleanup_error), "rmdir %s/%s: %s", p->v2, name,
			 strerror(errno));
	board_probe_board(p, sysroot);
}

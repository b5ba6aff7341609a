/* Probes of kernel facilities that need no probe cgroup: version, layout
 * and controllers (v2 and v1), CPU burst through v1, user namespaces,
 * seccomp and overlayfs. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "cleanup.h"
#include "fileio.h"
#include "probe.h"

static void probe_version(struct board_probe *p)
{
	unsigned major = 0, minor = 0;
	if (board_parse_kernel_version(p->kernel, &major, &minor) < 0)
		board_feat_set(p, BOARD_FEAT_KERNEL, BOARD_DEGRADED, "unparsable release '%s' %s",
			       p->kernel, p->arch);
	else
		board_feat_set(p, BOARD_FEAT_KERNEL,
			       major > 5 || (major == 5 && minor >= 7) ? BOARD_OK : BOARD_DEGRADED,
			       "%s %s", p->kernel, p->arch);
}

static void probe_layout(struct board_probe *p)
{
	char c[128];
	switch (p->layout) {
	case ALC_CG_V2:
		board_feat_set(p, BOARD_FEAT_CGROUP_LAYOUT, BOARD_OK, "v2 at %s", p->v2);
		break;
	case ALC_CG_HYBRID:
		board_feat_set(p, BOARD_FEAT_CGROUP_LAYOUT, BOARD_OK,
			       "hybrid: v1 controllers, v2 at %s for clone3 and PSI", p->v2);
		break;
	case ALC_CG_V1:
		board_feat_set(p, BOARD_FEAT_CGROUP_LAYOUT, BOARD_DEGRADED, "v1 only");
		break;
	case ALC_CG_NONE:
		board_feat_set(p, BOARD_FEAT_CGROUP_LAYOUT, BOARD_MISSING,
			       "no cgroup filesystem at /sys/fs/cgroup");
		break;
	}
	unsigned have = p->ctrl_avail | p->v1.ctrls;
	unsigned want = ALC_CTRL_CPU | ALC_CTRL_MEMORY | ALC_CTRL_PIDS;
	char avail[128], en[128];
	alc_cg_format_controllers(p->ctrl_enabled, en, sizeof(en));
	if ((have & want) == want)
		snprintf(c, sizeof(c), "cpu memory pids present");
	else
		snprintf(c, sizeof(c), "missing %s",
			 alc_cg_format_controllers(want & ~have, avail, sizeof(avail)));
	alc_cg_format_controllers(p->ctrl_avail, avail, sizeof(avail));
	board_feat_set(p, BOARD_FEAT_CONTROLLERS, (have & want) == want ? BOARD_OK : BOARD_DEGRADED,
		       "%s; v2 [%s] enabled [%s]; v1 [%s]", c, avail, en, p->v1.names);
}

/* A resource is limited through v2 when its controller is there, else
 * through the v1 hierarchy; v1_file names the v1 knob. */
static void probe_limit(struct board_probe *p, enum board_feature_id id, unsigned bit,
			const char *v2_file, const char *v1_mount, const char *v1_file)
{
	if (p->ctrl_avail & bit)
		board_feat_set(p, id, BOARD_OK, "v2 %s", v2_file);
	else if (v1_mount[0])
		board_feat_set(p, id, BOARD_OK, "v1 %s/%s", v1_mount, v1_file);
	else
		board_feat_set(p, id, BOARD_MISSING, "no %s controller in v2 or v1",
			       alc_cg_ctrl_name(bit));
}

static void probe_v1_burst(struct board_probe *p)
{
	if ((p->ctrl_avail & ALC_CTRL_CPU) || !p->v1.cpu_mount[0])
		return; /* v2 decides (probe.c), or nothing to ask */
	char path[300];
	snprintf(path, sizeof(path), "%s/cpu.cfs_burst_us", p->v1.cpu_mount);
	if (access(path, F_OK) == 0)
		board_feat_set(p, BOARD_FEAT_CPU_BURST, BOARD_OK, "v1 %s", path);
	else
		board_feat_set(p, BOARD_FEAT_CPU_BURST, BOARD_MISSING, "no %s (kernel < 5.14?)",
			       path);
}

/* unshare(CLONE_NEWUSER) in a forked child, so this process stays put. */
static void probe_userns(struct board_probe *p)
{
	_cleanup_free_ char *max = NULL;
	char lim[48] = "";
	if (alc_read_file_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", &max) > 0)
		snprintf(lim, sizeof(lim), "; max_user_namespaces=%.*s", (int)strcspn(max, "\n"),
			 max);
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : (errno & 0x7f) + 1);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		board_feat_set(p, BOARD_FEAT_USERNS, BOARD_DEGRADED, "not probed: fork: %s%s",
			       strerror(errno), lim);
		return;
	}
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (code == 0)
		board_feat_set(p, BOARD_FEAT_USERNS, BOARD_OK, "unshare(CLONE_NEWUSER) works%s",
			       lim);
	else
		board_feat_set(p, BOARD_FEAT_USERNS,
			       code - 1 == EINVAL ? BOARD_MISSING : BOARD_DEGRADED,
			       "unshare(CLONE_NEWUSER): %s%s",
			       code == 128 ? "child died" : strerror(code - 1), lim);
}

static void probe_seccomp(struct board_probe *p)
{
	char lib[48] = "built without libseccomp";
#ifdef HAVE_SECCOMP
	snprintf(lib, sizeof(lib), "libseccomp API level %u", seccomp_api_get());
#endif
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		board_feat_set(p, BOARD_FEAT_SECCOMP, BOARD_MISSING, "PR_GET_SECCOMP: %s; %s",
			       strerror(errno), lib);
		return;
	}
	_cleanup_free_ char *acts = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/sys/kernel/seccomp/actions_avail", &acts) < 0)
		board_feat_set(p, BOARD_FEAT_SECCOMP, BOARD_OK, "filters supported; %s", lib);
	else
		board_feat_set(p, BOARD_FEAT_SECCOMP, BOARD_OK, "actions: %.*s; %s",
			       (int)strcspn(acts, "\n"), acts, lib);
}

static void probe_overlay(struct board_probe *p)
{
	_cleanup_free_ char *fs = NULL;
	if (alc_read_file_at(AT_FDCWD, "/proc/filesystems", &fs) >= 0 &&
	    board_filesystems_has(fs, "overlay"))
		board_feat_set(p, BOARD_FEAT_OVERLAYFS, BOARD_OK, "overlay in /proc/filesystems");
	else
		board_feat_set(p, BOARD_FEAT_OVERLAYFS, BOARD_MISSING,
			       "overlay not in /proc/filesystems (module not loaded?)");
}

void board_probe_kernel(struct board_probe *p)
{
	_cleanup_free_ char *mi = NULL;
	if (p->layout == ALC_CG_HYBRID || p->layout == ALC_CG_V1) {
		if (alc_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi) >= 0)
			board_parse_v1_mounts(mi, &p->v1);
	}
	probe_version(p);
	probe_layout(p);
	probe_limit(p, BOARD_FEAT_CPU_QUOTA, ALC_CTRL_CPU, "cpu.max", p->v1.cpu_mount,
		    "cpu.cfs_quota_us");
	probe_limit(p, BOARD_FEAT_MEMORY_LIMIT, ALC_CTRL_MEMORY, "memory.max", p->v1.memory_mount,
		    "memory.limit_in_bytes");
	probe_v1_burst(p);
	probe_userns(p);
	probe_seccomp(p);
	probe_overlay(p);
}

#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cglayout.h"
#include "cleanup.h"
#include "fileio.h"

struct boot_mount {
	const char *source, *target, *fstype, *data;
	unsigned long flags;
};

static const struct boot_mount boot_mounts[] = {
	{ "proc", "/proc", "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs", "/sys", "sysfs", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs", "/dev", "devtmpfs", "mode=0755", MS_NOSUID },
	{ "devpts", "/dev/pts", "devpts", "mode=0620,ptmxmode=0666", MS_NOSUID | MS_NOEXEC },
	{ "tmpfs", "/dev/shm", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV },
	{ "tmpfs", "/run", "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV },
	{ "cgroup2", "/sys/fs/cgroup", "cgroup2", "nsdelegate", MS_NOSUID | MS_NODEV | MS_NOEXEC },
};

/* Whether target already has a file system of its own (another device
 * than its parent). /proc counts only when it shows our pid namespace. */
static bool mounted(const char *target)
{
	if (!strcmp(target, "/proc")) {
		char self[32] = "", want[32];
		ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		snprintf(want, sizeof(want), "%d", (int)getpid());
		return !strcmp(self, want);
	}
	if (!strcmp(target, "/sys/fs/cgroup")) {
		char v2[256];
		return alc_cg_detect(target, v2, sizeof(v2)) != ALC_CG_NONE;
	}
	char parent[64];
	struct stat a, b;
	snprintf(parent, sizeof(parent), "%s/..", target);
	return stat(target, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

int init_boot_mounts(void)
{
	int failed = 0;
	for (size_t i = 0; i < sizeof(boot_mounts) / sizeof(*boot_mounts); i++) {
		const struct boot_mount *m = &boot_mounts[i];
		if (mounted(m->target))
			continue;
		if (mkdir(m->target, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "alcove init: mkdir %s: %s\n", m->target, strerror(errno));
			failed++;
			continue;
		}
		int r = mount(m->source, m->target, m->fstype, m->flags, m->data);
		if (r < 0 && errno == EINVAL && m->data) /* an older kernel's options */
			r = mount(m->source, m->target, m->fstype, m->flags, NULL);
		if (r < 0 && errno != EBUSY) {
			fprintf(stderr, "alcove init: mount %s on %s: %s\n", m->fstype, m->target,
				strerror(errno));
			failed++;
		}
	}
	return failed;
}

void init_boot_console(void)
{
	if (fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		fd = open("/dev/null", O_RDWR);
	for (int i = 0; fd >= 0 && i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

#define PROC_PID_INIT_INO 0xEFFFFFFCU /* the initial pid namespace's inode */

bool init_in_initial_pidns(void)
{
	struct stat st;
	return stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == PROC_PID_INIT_INO;
}

void init_read_small(const char *path, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;
	buf[0] = '\0';
	if (alc_read_file_at(AT_FDCWD, path, &text) >= 0)
		snprintf(buf, len, "%s", text);
}

void init_boot_hostname(void)
{
	char name[128];
	init_read_small("/etc/hostname", name, sizeof(name));
	name[strcspn(name, " \t\r\n#")] = '\0';
	if (name[0] && sethostname(name, strlen(name)) < 0)
		fprintf(stderr, "alcove init: sethostname %s: %s\n", name, strerror(errno));
}

void init_boot_cad(void)
{
	/* In a child pid namespace the kernel refuses: nothing to do there. */
	if (reboot(RB_DISABLE_CAD) < 0 && errno != EINVAL)
		fprintf(stderr, "alcove init: ctrl-alt-del: %s\n", strerror(errno));
}

/* Enables every controller of the root's cgroup.controllers in each level's
 * cgroup.subtree_control from the root down to base. */
static void enable_controllers(int rootfd, const char *base)
{
	_cleanup_free_ char *avail = NULL;
	if (alc_read_file_at(rootfd, "cgroup.controllers", &avail) < 0)
		return;
	unsigned mask = alc_cg_parse_controllers(avail);
	char level[256] = ".";
	for (const char *p = base;;) {
		for (unsigned bit = 1; bit < (1u << ALC_CTRL_COUNT); bit <<= 1) {
			char file[300], cmd[32];
			if (!(mask & bit))
				continue;
			snprintf(file, sizeof(file), "%s/cgroup.subtree_control", level);
			snprintf(cmd, sizeof(cmd), "+%s", alc_cg_ctrl_name(bit));
			int r = alc_write_file_at(rootfd, file, cmd);
			if (r < 0) {
				fprintf(stderr, "alcove init: enable %s in %s: %s\n",
					alc_cg_ctrl_name(bit), level, strerror(-r));
				mask &= ~bit;
			}
		}
		if (!*p)
			return;
		size_t n = strcspn(p, "/");
		snprintf(level + strlen(level), sizeof(level) - strlen(level), "/%.*s", (int)n, p);
		p += n + (p[n] == '/');
	}
}

static int v2_root(char *v2, size_t len)
{
	enum alc_cg_layout layout = alc_cg_detect("/sys/fs/cgroup", v2, len);
	return layout == ALC_CG_V2 || layout == ALC_CG_HYBRID ? 0 : -ENODEV;
}

int init_boot_cgroup(const struct init_config *cfg, char *orig, size_t len, alc_err *err)
{
	char v2[256], leaf[300];
	_cleanup_free_ char *self = NULL;
	orig[0] = '\0';
	if (v2_root(v2, sizeof(v2)) < 0)
		return 0;
	if (alc_read_file_at(AT_FDCWD, "/proc/self/cgroup", &self) < 0 ||
	    alc_cg_parse_proc_cgroup(self, orig, len) < 0)
		snprintf(orig, len, "/");
	_cleanup_close_ int rootfd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return alc_err_set(err, errno, "open %s", v2);
	snprintf(leaf, sizeof(leaf), "%s/init.scope", cfg->cgroup);
	for (char *s = leaf; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdirat(rootfd, leaf, 0755) < 0 && errno != EEXIST)
			return alc_err_set(err, errno, "mkdir %s/%s", v2, leaf);
		*s = '/';
	}
	if (mkdirat(rootfd, leaf, 0755) < 0 && errno != EEXIST)
		return alc_err_set(err, errno, "mkdir %s/%s", v2, leaf);
	char procs[320], pid[16];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", leaf);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	int r = alc_write_file_at(rootfd, procs, pid);
	if (r < 0)
		return alc_err_set(err, -r, "move init into %s/%s", v2, leaf);
	enable_controllers(rootfd, cfg->cgroup);
	return 0;
}

void init_boot_cgroup_leave(const struct init_config *cfg, const char *orig)
{
	char v2[256], path[600], pid[16];
	if (!orig[0] || v2_root(v2, sizeof(v2)) < 0)
		return;
	snprintf(path, sizeof(path), "%s%s/cgroup.procs", v2, strcmp(orig, "/") ? orig : "");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (alc_write_file_at(AT_FDCWD, path, pid) < 0)
		return; /* stay: the groups cannot go while we are in them */
	snprintf(path, sizeof(path), "%s/%s/init.scope", v2, cfg->cgroup);
	rmdir(path); /* an empty leaf; failures leave it for the next boot */
	char base[300];
	snprintf(base, sizeof(base), "%s", cfg->cgroup);
	for (char *s; base[0]; *s = '\0') {
		snprintf(path, sizeof(path), "%s/%s", v2, base);
		if (rmdir(path) < 0 || !(s = strrchr(base, '/')))
			break;
	}
}

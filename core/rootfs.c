#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"

/* mount_setattr(2), which older libc headers lack. */
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#define ALC_OPEN_TREE_CLONE 1
#define ALC_MOVE_MOUNT_F_EMPTY_PATH 0x04
#define ALC_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define ALC_MOUNT_ATTR_RDONLY 0x1
#define ALC_MOUNT_ATTR_NOSUID 0x2
#define ALC_MOUNT_ATTR_NODEV 0x4
#define ALC_MOUNT_ATTR_NOEXEC 0x8
struct alc_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int alc_open_in_root(int rootfd, const char *path, char create, alc_err *err)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd >= 0 || fd != -ENOENT || !create)
		return fd >= 0 ? fd : alc_err_set(err, -fd, "resolve %s in the rootfs", path);
	char parent[4096], basecopy[4096];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	snprintf(basecopy, sizeof(basecopy), "%s", slash ? slash + 1 : parent);
	const char *base = basecopy;
	if (slash == parent)
		parent[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(parent, sizeof(parent), "/");
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return alc_err_setx(err, EINVAL, "bad path %s in the rootfs", path);
	_cleanup_close_ int pfd = alc_open_in_root(rootfd, parent, 'd', err);
	if (pfd < 0)
		return pfd;
	/* An O_PATH fd is no base for mkdirat: reopen the parent for real. */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	_cleanup_close_ int dfd = open(self, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return alc_err_set(err, errno, "open %s in the rootfs", parent);
	int r;
	if (create == 'd') {
		r = mkdirat(dfd, basecopy, 0755);
	} else {
		int f = openat(dfd, basecopy, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		r = f < 0 ? -1 : close(f);
	}
	if (r < 0 && errno != EEXIST)
		return alc_err_set(err, errno, "create %s in the rootfs", path);
	fd = openat2_in_root(rootfd, path, O_PATH);
	return fd >= 0 ? fd : alc_err_set(err, -fd, "resolve %s in the rootfs", path);
}

/* mount(2) onto a path inside the rootfs, through its resolved fd. */
static int mount_in_root(int rootfd, const char *src, const char *target, const char *type,
			 unsigned long flags, const char *data, char create, alc_err *err)
{
	_cleanup_close_ int fd = alc_open_in_root(rootfd, target, create, err);
	if (fd < 0)
		return fd;
	char at[64];
	snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
	if (mount(src, at, type, flags, data) < 0)
		return alc_err_set(err, errno, "mount %s (%s) on %s", src ? src : "none",
				   type ? type : "bind", target);
	return 0;
}

/* Remounts one bind mount with extra flags, keeping the flags the kernel
 * locks in a user namespace (nosuid, nodev, noexec). */
static int remount_one(const char *at, unsigned long flags)
{
	struct statvfs sv;
	if (statvfs(at, &sv) == 0) {
		flags |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
		flags |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
		flags |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
	}
	return mount(NULL, at, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0 ? -errno : 0;
}

/* Before mount_setattr (5.12): each mount below the one at `at`, found in
 * mountinfo by its path, remounted in turn. */
static int remount_below(const char *at, unsigned long flags)
{
	char top[4096], line[8192];
	ssize_t n = readlink(at, top, sizeof(top) - 2);
	if (n <= 0)
		return -errno;
	top[n] = '\0';
	strcat(top, "/");
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	int r = 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char point[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    !strncmp(point, top, strlen(top)) && !strchr(point, '\\'))
			r = remount_one(point, flags); /* an escaped name cannot be ours */
	}
	fclose(f);
	return r;
}

/* Remounts a bind mount with extra flags; with MS_REC in flags, every mount
 * below it too, so that a recursive bind made read-only has no writable
 * submount (the host's cgroup hierarchies under a bound /sys/fs/cgroup). */
static int remount_in_root(int rootfd, const char *target, unsigned long flags, alc_err *err)
{
	_cleanup_close_ int fd = alc_open_in_root(rootfd, target, 0, err);
	if (fd < 0)
		return fd;
	char at[64];
	snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
	bool rec = flags & MS_REC;
	flags &= ~(unsigned long)MS_REC;
	struct alc_mount_attr ma = {
		.attr_set = ((flags & MS_RDONLY) ? ALC_MOUNT_ATTR_RDONLY : 0) |
			    ((flags & MS_NOSUID) ? ALC_MOUNT_ATTR_NOSUID : 0) |
			    ((flags & MS_NODEV) ? ALC_MOUNT_ATTR_NODEV : 0) |
			    ((flags & MS_NOEXEC) ? ALC_MOUNT_ATTR_NOEXEC : 0),
	};
	int r = 0;
	if (rec &&
	    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) == 0)
		return 0;
	if (rec && errno != ENOSYS)
		return alc_err_set(err, errno, "remount %s and the mounts below it", target);
	r = remount_one(at, flags);
	if (r == 0 && rec)
		r = remount_below(at, flags);
	return r < 0 ? alc_err_set(err, -r, "remount %s", target) : 0;
}

/* The standard nodes in the fresh /dev (dfd), made with the umask off;
 * those mknod is refused for (a user namespace) are bound from the host. */
static int default_devices(int rootfd, int dfd, int in_userns, alc_err *err)
{
	mode_t old = umask(0);
	size_t i = 0;
	for (; !in_userns && i < alc_n_default_devices; i++) {
		const struct alc_device *d = &alc_default_devices[i];
		if (mknodat(dfd, strrchr(d->path, '/') + 1, S_IFCHR | d->mode,
			    makedev((unsigned)d->major, (unsigned)d->minor)) < 0)
			break;
	}
	umask(old);
	if (i == alc_n_default_devices)
		return 0;
	if (!in_userns && errno != EPERM)
		return alc_err_set(err, errno, "device %s: mknod", alc_default_devices[i].path);
	return alc_devices_create(rootfd, alc_default_devices + i, alc_n_default_devices - i,
				  in_userns, err);
}

static int setup_dev(int rootfd, int in_userns, int with_ipc, alc_err *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },	 { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	int r = mount_in_root(rootfd, "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
			      "mode=755,size=65536k", 'd', err);
	_cleanup_close_ int dfd = -1;
	if (r == 0) {
		_cleanup_close_ int p = alc_open_in_root(rootfd, "/dev", 0, err);
		char at[64];
		snprintf(at, sizeof(at), "/proc/self/fd/%d", p);
		dfd = p < 0 ? p : open(at, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return alc_err_set(err, errno, "open /dev in the rootfs");
	}
	r = r ?: default_devices(rootfd, dfd, in_userns, err);
	for (size_t i = 0; r == 0 && i < sizeof(links) / sizeof(*links); i++)
		if (symlinkat(links[i][0], dfd, links[i][1]) < 0)
			r = alc_err_set(err, errno, "symlink /dev/%s", links[i][1]);
	if (r == 0 && mount_in_root(rootfd, "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
				    "newinstance,ptmxmode=0666,mode=0620,gid=5", 'd', err) < 0)
		r = mount_in_root(rootfd, "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
				  "newinstance,ptmxmode=0666,mode=0620", 'd', err);
	if (r == 0)
		r = mount_in_root(rootfd, "shm", "/dev/shm", "tmpfs",
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", 'd',
				  err);
	if (r == 0 && with_ipc)
		r = mount_in_root(rootfd, "mqueue", "/dev/mqueue", "mqueue",
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 'd', err);
	return r;
}

/* A fresh read-only sysfs: the host's mounts below /sys (its cgroup
 * hierarchies among them) stay out of reach. Mounting sysfs takes
 * CAP_SYS_ADMIN over the network namespace's owner, which a user namespace
 * without a network namespace of its own lacks: the host's /sys is bound
 * then, read-only all the way down. */
static int setup_sys(int rootfd, alc_err *err)
{
	unsigned long f = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
	alc_err ignored = { 0 };
	if (mount_in_root(rootfd, "sysfs", "/sys", "sysfs", f, NULL, 'd', &ignored) == 0)
		return 0;
	int r = mount_in_root(rootfd, "/sys", "/sys", NULL, MS_BIND | MS_REC, NULL, 'd', err);
	return r < 0 ? r : remount_in_root(rootfd, "/sys", MS_RDONLY | MS_REC, err);
}

static int setup_volumes(int rootfd, const struct alc_spec *spec, alc_err *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct alc_mount *m = &spec->mounts[i];
		struct stat st;
		char create = 'd';
		if ((m->flags & MS_BIND) && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode))
			create = 'f';
		unsigned long base = m->flags & (MS_BIND | MS_REC);
		int r = mount_in_root(rootfd, m->source, m->target, m->type,
				      (m->flags & MS_BIND) ? base : m->flags, m->data, create, err);
		unsigned long extra = m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
		if (r == 0 && (m->flags & MS_BIND) && extra)
			r = remount_in_root(rootfd, m->target, extra | (m->flags & MS_REC), err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int setup_sysctl(int rootfd, const struct alc_spec *spec, alc_err *err)
{
	for (size_t i = 0; i < spec->n_sysctl; i++) {
		char path[512];
		int n = snprintf(path, sizeof(path), "/proc/sys/%s", spec->sysctl[i].key);
		for (char *p = path + 10; p < path + n; p++)
			*p = *p == '.' ? '/' : *p;
		int fd = openat2_in_root(rootfd, path, O_WRONLY);
		const char *v = spec->sysctl[i].value;
		if (fd < 0)
			return alc_err_set(err, -fd, "sysctl %s", spec->sysctl[i].key);
		ssize_t w = write(fd, v, strlen(v));
		int e = errno;
		close(fd);
		if (w < 0)
			return alc_err_set(err, e, "sysctl %s=%s", spec->sysctl[i].key, v);
	}
	return 0;
}

/* Makes the tree at fd (an O_PATH fd of a path in the rootfs) a read-only
 * copy of itself in three calls: a detached recursive clone, made
 * read-only as a whole, moved on top. Returns 0, -ENOSYS before 5.12 (the
 * caller binds and remounts), or -errno. */
static int bind_readonly_at(int fd)
{
	_cleanup_close_ int tree =
		(int)syscall(SYS_open_tree, fd, "",
			     ALC_OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return -errno;
	struct alc_mount_attr ma = { .attr_set = ALC_MOUNT_ATTR_RDONLY };
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) <
		    0 ||
	    syscall(SYS_move_mount, tree, "", fd, "",
		    ALC_MOVE_MOUNT_F_EMPTY_PATH | ALC_MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int mask_and_protect(int rootfd, const struct alc_spec *spec, alc_err *err)
{
	alc_err probe = { 0 };
	for (size_t i = 0; i < spec->n_masked; i++) {
		const char *path = spec->masked_paths[i];
		_cleanup_close_ int fd = alc_open_in_root(rootfd, path, 0, &probe);
		struct stat st;
		char at[64];
		if (fd < 0 || fstat(fd, &st) < 0)
			continue; /* nothing there to mask */
		snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
		if (S_ISDIR(st.st_mode) ? mount("tmpfs", at, "tmpfs", MS_RDONLY, "size=0") < 0
					: mount("/dev/null", at, NULL, MS_BIND, NULL) < 0)
			return alc_err_set(err, errno, "mask %s", path);
	}
	for (size_t i = 0; i < spec->n_readonly; i++) {
		const char *path = spec->readonly_paths[i];
		_cleanup_close_ int fd = alc_open_in_root(rootfd, path, 0, &probe);
		if (fd < 0)
			continue;
		int r = bind_readonly_at(fd);
		if (r == -ENOSYS) {
			r = mount_in_root(rootfd, path, path, NULL, MS_BIND | MS_REC, NULL, 0, err);
			r = r ?: remount_in_root(rootfd, path, MS_RDONLY | MS_REC, err);
		} else if (r < 0) {
			r = alc_err_set(err, -r, "make %s read-only", path);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* True when "/" is the initial rootfs (mountinfo's root entry says so). */
static int root_is_rootfs(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[512];
	int found = 0;
	while (f && !found && fgets(line, sizeof(line), f)) {
		char mnt[256];
		const char *dash = strstr(line, " - ");
		found = sscanf(line, "%*d %*d %*s %*s %255s", mnt) == 1 && !strcmp(mnt, "/") &&
			dash && !strncmp(dash, " - rootfs ", 10);
	}
	if (f)
		fclose(f);
	return found;
}

/* Copies a mountinfo path with its \NNN escapes decoded. */
static void unescape(char *dst, const char *src, size_t len)
{
	size_t k = 0;
	for (; *src && k + 1 < len; k++) {
		if (src[0] == '\\' && src[1] >= '0' && src[1] <= '3' && src[2] && src[3]) {
			dst[k] = (char)(((src[1] - '0') << 6) | ((src[2] - '0') << 3) |
					(src[3] - '0'));
			src += 4;
		} else {
			dst[k] = *src++;
		}
	}
	dst[k] = '\0';
}

/* Detaches every mount that is neither the rootfs, below it, nor one of its
 * ancestors, so that none of the host's stays under the moved root. */
static void detach_outside(const char *root)
{
	char line[8192], raw[4096], point[4096];
	size_t rl = strlen(root);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char **points = NULL;
	size_t n = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", raw) != 1)
			continue;
		unescape(point, raw, sizeof(point));
		size_t pl = strlen(point);
		bool ancestor = !strcmp(point, "/") ||
				(pl < rl && !strncmp(root, point, pl) && root[pl] == '/');
		bool inside = !strncmp(point, root, rl) && (point[rl] == '/' || !point[rl]);
		char **grown =
			ancestor || inside ? NULL : realloc(points, (n + 1) * sizeof(*points));
		if (grown && (grown[n] = strdup(point)))
			n++;
		points = grown ? grown : points;
	}
	if (f)
		fclose(f);
	while (n--) {				/* children before their parents */
		umount2(points[n], MNT_DETACH); /* one already gone with its parent: fine */
		free(points[n]);
	}
	free(points);
}

/* --no-pivot: the rootfs mount moved onto / and chrooted into, for a root
 * that pivot_root cannot leave (an initramfs); cwd is the rootfs. */
static int move_root(const char *root, alc_err *err)
{
	detach_outside(root);
	if (mount(root, "/", NULL, MS_MOVE, NULL) < 0)
		return alc_err_set(err, errno, "move the rootfs %s onto / (--no-pivot)", root);
	if (chroot(".") < 0 || chdir("/") < 0)
		return alc_err_set(err, errno, "chroot into the rootfs %s (--no-pivot)", root);
	return 0;
}

/* Stacks the old root under the new one (cwd), then detaches it. */
static int pivot_into(const char *root, alc_err *err)
{
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		int e = errno;
		struct statfs sf;
		if (e == EINVAL && statfs("/", &sf) == 0 &&
		    (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC) && root_is_rootfs())
			return alc_err_setx(
				err, e,
				"pivot_root into %s: the host root is the initramfs "
				"rootfs, which cannot be pivoted (switch_root to a "
				"tmpfs or a real root first, or create with --no-pivot)",
				root);
		return alc_err_set(err, e, "pivot_root into %s", root);
	}
	if (umount2(".", MNT_DETACH) < 0)
		return alc_err_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return alc_err_set(err, errno, "chdir /");
	return 0;
}

static int pivot(const char *root, int readonly, bool no_pivot, alc_err *err)
{
	_cleanup_close_ int newroot = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (newroot < 0 || fchdir(newroot) < 0)
		return alc_err_set(err, errno, "enter rootfs %s", root);
	int r = no_pivot ? move_root(root, err) : pivot_into(root, err);
	if (r < 0 || !readonly)
		return r;
	struct statvfs sv;
	unsigned long f = MS_REMOUNT | MS_BIND | MS_RDONLY;
	if (statvfs("/", &sv) == 0)
		f |= ((sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0) |
		     ((sv.f_flag & ST_NODEV) ? MS_NODEV : 0) |
		     ((sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0);
	if (mount(NULL, "/", NULL, f, NULL) < 0)
		return alc_err_set(err, errno, "remount the root read-only");
	return 0;
}

int alc_rootfs_prepare(const struct alc_spec *spec, int in_userns, alc_err *err)
{
	const char *root = spec->root_path;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return alc_err_set(err, errno, "make / private");
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return alc_err_set(err, errno, "bind rootfs %s", root);
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return alc_err_set(err, errno, "open rootfs %s", root);
	int r = mount_in_root(rootfd, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			      NULL, 'd', err);
	r = r ?: setup_sys(rootfd, err);
	r = r ?: setup_dev(rootfd, in_userns, spec->ns_flags & CLONE_NEWIPC, err);
	r = r ?: alc_devices_create(rootfd, spec->devices, spec->n_devices, in_userns, err);
	r = r ?: setup_volumes(rootfd, spec, err);
	r = r ?: setup_sysctl(rootfd, spec, err);
	return r ?: mask_and_protect(rootfd, spec, err);
}

int alc_rootfs_pivot(const struct alc_spec *spec, alc_err *err)
{
	return pivot(spec->root_path, spec->root_readonly, spec->no_pivot, err);
}

int alc_rootfs_setup(const struct alc_spec *spec, int in_userns, alc_err *err)
{
	return alc_rootfs_prepare(spec, in_userns, err) ?: alc_rootfs_pivot(spec, err);
}

#include "devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bpfdev.h"
#include "cleanup.h"
#include "fileio.h"
#include "rootfs.h"

const struct alc_device alc_default_devices[] = {
	{ "/dev/null", 'c', 1, 3, 0666, 0, 0 },	   { "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
	{ "/dev/full", 'c', 1, 7, 0666, 0, 0 },	   { "/dev/random", 'c', 1, 8, 0666, 0, 0 },
	{ "/dev/urandom", 'c', 1, 9, 0666, 0, 0 }, { "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};
const size_t alc_n_default_devices = sizeof(alc_default_devices) / sizeof(*alc_default_devices);

/* Opens the directory that will hold path (created if missing) for real:
 * an O_PATH fd is no base for mknodat. */
static int open_parent(int rootfd, const char *path, const char **base, alc_err *err)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');
	if (path[0] != '/' || !slash || !slash[1] || !strcmp(slash + 1, "..") ||
	    !strcmp(slash + 1, "."))
		return alc_err_setx(err, EINVAL, "device %s: not an absolute path to a file", path);
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1,
		 path);
	*base = slash + 1;
	_cleanup_close_ int p = alc_open_in_root(rootfd, parent, 'd', err);
	if (p < 0)
		return p;
	char at[64];
	snprintf(at, sizeof(at), "/proc/self/fd/%d", p);
	int fd = open(at, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? alc_err_set(err, errno, "device %s: open %s", path, parent) : fd;
}

static mode_t node_type(char t)
{
	return t == 'b' ? S_IFBLK : t == 'p' ? S_IFIFO : S_IFCHR;
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Whether path is that node itself (symlinks are followed only when
 * follow is set: /dev/stdin and the like lead elsewhere). */
static bool is_node(const char *path, bool follow, mode_t type, dev_t dev)
{
	struct stat st;
	int r = follow ? stat(path, &st) : lstat(path, &st);
	return r == 0 && (st.st_mode & S_IFMT) == type && (type == S_IFIFO || st.st_rdev == dev);
}

/* Finds the host's node for d: at the same path, as /dev/char|block/M:m,
 * or anywhere directly in /dev. Returns 0 with the path in buf, or -ENOENT. */
static int host_node(const struct alc_device *d, mode_t type, dev_t dev, char *buf, size_t len)
{
	snprintf(buf, len, "%s", d->path);
	if (is_node(buf, false, type, dev))
		return 0;
	snprintf(buf, len, "/dev/%s/%u:%u", type == S_IFBLK ? "block" : "char", major(dev),
		 minor(dev));
	if (type != S_IFIFO && is_node(buf, true, type, dev))
		return 0;
	__attribute__((cleanup(closedirp))) DIR *dir = type == S_IFIFO ? NULL : opendir("/dev");
	for (struct dirent *e; dir && (e = readdir(dir));) {
		snprintf(buf, len, "/dev/%s", e->d_name);
		if (e->d_type != DT_DIR && is_node(buf, false, type, dev))
			return 0;
	}
	return -ENOENT;
}

/* Binds the host's node onto an empty file at d->path. */
static int bind_host_node(int rootfd, const struct alc_device *d, mode_t type, dev_t dev,
			  alc_err *err)
{
	char host[300];
	if (host_node(d, type, dev, host, sizeof(host)) < 0)
		return alc_err_setx(err, ENOENT,
				    "device %s: no host node %c %u:%u to bind (mknod is not "
				    "permitted here)",
				    d->path, d->type, major(dev), minor(dev));
	_cleanup_close_ int fd = alc_open_in_root(rootfd, d->path, 'f', err);
	if (fd < 0)
		return fd;
	char at[64];
	snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
	if (mount(host, at, NULL, MS_BIND, NULL) < 0)
		return alc_err_set(err, errno, "device %s: bind the host's node %s", d->path, host);
	return 0;
}

static int create_one(int rootfd, const struct alc_device *d, bool in_userns, alc_err *err)
{
	const char *base;
	_cleanup_close_ int dfd = open_parent(rootfd, d->path, &base, err);
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
		return alc_err_set(err, errno, "device %s: remove the old node", d->path);
	mode_t perm = (d->mode ? d->mode : 0666) & 07777, type = node_type(d->type);
	dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
	/* A user namespace may make FIFOs, never devices. */
	bool no_mknod = in_userns && type != S_IFIFO;
	if (no_mknod || mknodat(dfd, base, type | perm, dev) < 0) {
		if (!no_mknod && errno != EPERM)
			return alc_err_set(err, errno, "device %s: mknod", d->path);
		return bind_host_node(rootfd, d, type, dev, err); /* no mknod in a user namespace */
	}
	if (fchmodat(dfd, base, perm, 0) < 0) /* umask trimmed it */
		return alc_err_set(err, errno, "device %s: chmod %o", d->path, perm);
	if ((d->uid || d->gid) && fchownat(dfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return alc_err_set(err, errno, "device %s: chown %u:%u", d->path, (unsigned)d->uid,
				   (unsigned)d->gid);
	return 0;
}

int alc_devices_create(int rootfd, const struct alc_device *devs, size_t n, bool in_userns,
		       alc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = create_one(rootfd, &devs[i], in_userns, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct alc_dev_rule default_rules[] = {
	{ true, 'c', -1, -1, "m" }, { true, 'b', -1, -1, "m" },	   { true, 'c', 1, 3, "rwm" },
	{ true, 'c', 1, 5, "rwm" }, { true, 'c', 1, 7, "rwm" },	   { true, 'c', 1, 8, "rwm" },
	{ true, 'c', 1, 9, "rwm" }, { true, 'c', 5, 0, "rwm" },	   { true, 'c', 5, 1, "rwm" },
	{ true, 'c', 5, 2, "rwm" }, { true, 'c', 136, -1, "rwm" }, { true, 'c', 10, 200, "rwm" },
};

static bool covers_all(const struct alc_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0;
}

static bool full_access(const char *a)
{
	return !a[0] || (strchr(a, 'r') && strchr(a, 'w') && strchr(a, 'm'));
}

int alc_devrules_effective(const struct alc_spec *spec, struct alc_dev_rule **out)
{
	size_t nd = sizeof(default_rules) / sizeof(*default_rules), split = 0, k = 0;
	struct alc_dev_rule *v = calloc(spec->n_dev_rules + nd + spec->n_devices, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < spec->n_dev_rules; i++)
		if (covers_all(&spec->dev_rules[i]))
			split = i + 1;
	for (size_t i = 0; i < split; i++)
		v[k++] = spec->dev_rules[i];
	for (size_t i = 0; i < nd; i++)
		v[k++] = default_rules[i];
	for (size_t i = 0; i < spec->n_devices; i++) {
		const struct alc_device *d = &spec->devices[i];
		if (d->type == 'p')
			continue; /* FIFOs are not devices to the cgroup */
		v[k++] = (struct alc_dev_rule){ true, d->type == 'b' ? 'b' : 'c', d->major,
						d->minor, "rwm" };
	}
	for (size_t i = split; i < spec->n_dev_rules; i++)
		v[k++] = spec->dev_rules[i];
	*out = v;
	return (int)k;
}

const char *alc_devrule_v1_line(const struct alc_dev_rule *r, char *buf, size_t len)
{
	char maj[24] = "*", min[24] = "*";
	if (covers_all(r) && full_access(r->access)) {
		snprintf(buf, len, "a");
		return buf;
	}
	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, r->minor);
	snprintf(buf, len, "%c %s:%s %s", r->type, maj, min, r->access[0] ? r->access : "rwm");
	return buf;
}

/* v1: deny everything, then replay the rules; "a" with less than rwm is
 * written once per device type. */
static int apply_v1(struct alc_cgroup *cg, const struct alc_dev_rule *v, size_t n, alc_err *err)
{
	int fd = cg->fd[ALC_H_DEVICES], r = alc_write_file_at(fd, "devices.deny", "a");
	if (r < 0)
		return alc_err_set(err, -r,
				   "device rules: write \"a\" to %s/devices/%s/devices.deny",
				   cg->root, cg->rel);
	for (size_t i = 0; i < n; i++) {
		struct alc_dev_rule one = v[i];
		char line[64];
		const char *file = one.allow ? "devices.allow" : "devices.deny";
		bool split = one.type == 'a' && !(covers_all(&one) && full_access(one.access));
		for (int t = 0; t < (split ? 2 : 1); t++) {
			if (split)
				one.type = t ? 'b' : 'c';
			alc_devrule_v1_line(&one, line, sizeof(line));
			if ((r = alc_write_file_at(fd, file, line)) < 0)
				return alc_err_set(err, -r, "device rules: write \"%s\" to %s",
						   line, file);
		}
	}
	return 0;
}

int alc_devcg_apply(struct alc_cgroup *cg, const struct alc_spec *spec, alc_err *err)
{
	if (!spec->n_dev_rules)
		return 0;
	_cleanup_free_ struct alc_dev_rule *v = NULL;
	int n = alc_devrules_effective(spec, &v);
	if (n < 0)
		return alc_err_set(err, -n, "device rules");
	if (cg->layout != ALC_CG_V2) {
		int r = alc_cgroup_join_v1(cg, ALC_H_DEVICES, err);
		if (r == 0)
			return apply_v1(cg, v, (size_t)n, err);
		if (r != -ENODEV || cg->fd[ALC_H_V2] < 0)
			return r;
		/* No v1 devices hierarchy: the unified tree's BPF hook still works. */
	}
	return alc_bpfdev_attach(cg->fd[ALC_H_V2], v, (size_t)n, err);
}

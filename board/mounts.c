#include "mounts.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/stat.h>

struct early_mount {
	const char *source, *target, *fstype;
	unsigned long flags;
};

static const struct early_mount early_mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID },
	{ "cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC },
};

int board_mount_early(alc_err *err)
{
	for (size_t i = 0; i < sizeof(early_mounts) / sizeof(*early_mounts); i++) {
		const struct early_mount *m = &early_mounts[i];
		if (mkdir(m->target, 0755) < 0 && errno != EEXIST)
			return alc_err_set(err, errno, "mkdir %s", m->target);
		if (mount(m->source, m->target, m->fstype, m->flags, NULL) < 0 && errno != EBUSY)
			return alc_err_set(err, errno, "mount %s on %s", m->fstype, m->target);
	}
	return 0;
}

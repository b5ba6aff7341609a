/* The container's filesystem view, built in its new mount namespace:
 * private propagation, /proc, read-only /sys, a tmpfs /dev with the standard
 * nodes, devpts, shm and mqueue, volumes, masked and read-only paths,
 * sysctl, then pivot_root (never chroot) and an optional read-only root.
 * Every path inside the rootfs is resolved with RESOLVE_IN_ROOT, so no
 * symlink leads out of it. */
#ifndef ALC_ROOTFS_H
#define ALC_ROOTFS_H

#include "err.h"
#include "spec.h"

/* Runs in the container process before exec; returns 0 or -errno with err
 * naming the mount or path at fault. in_userns selects the fallbacks that an
 * unprivileged user namespace needs (bind-mounted device nodes). */
int alc_rootfs_setup(const struct alc_spec *spec, int in_userns, alc_err *err);

/* alc_rootfs_setup in two steps, for what runs in between (the
 * createContainer hooks): everything up to pivot_root, then pivot_root. */
int alc_rootfs_prepare(const struct alc_spec *spec, int in_userns, alc_err *err);
int alc_rootfs_pivot(const struct alc_spec *spec, alc_err *err);

/* Opens path inside the directory rootfd as if rootfd were "/", creating
 * missing parents and, when create is 'd' or 'f', the last component as a
 * directory or file; returns an O_PATH fd or -errno. */
int alc_open_in_root(int rootfd, const char *path, char create, alc_err *err);

#endif

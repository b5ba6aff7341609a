/* The OCI runtime's state store: one directory per container under the
 * runtime root (--root, default /run/alcove), holding state.json (written
 * atomically: temp file, rename; not synced, see oci_write_atomic) and a lock file that serialises
 * commands on one id. Status is stored as last known and refreshed from the
 * kernel (pid alive and not reused, cgroup frozen) when read. */
#ifndef ALC_OCI_STATE_H
#define ALC_OCI_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define OCI_ID_MAX 128
#define OCI_ROOT_DEFAULT "/run/alcove"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

struct oci_state {
	char id[OCI_ID_MAX + 1];
	enum oci_status status;
	pid_t pid;		/* the container's init, in the runtime's pid namespace */
	uint64_t pid_start;	/* its /proc/PID/stat start time: guards against pid reuse */
	char *bundle;		/* absolute */
	char *rootfs;		/* absolute */
	char *cgroup_path;	/* relative to each hierarchy's root; NULL: none */
	char *created;		/* RFC 3339, UTC */
	char *annotations_json; /* raw object, or NULL */
	char *config_json;	/* path of the config.json used at create, for exec and hooks */
	int hooks;		/* 1 << ALC_HOOK_*: the phases config.json had hooks for at
				 * create (start and delete read it only then); -1: unknown */
};

/* Checks an id: 1..OCI_ID_MAX characters of [A-Za-z0-9_.+-], not "." or
 * "..", no '/'. Returns 0 or -EINVAL with err naming the id. */
int oci_id_check(const char *id, alc_err *err);

/* Takes the per-id lock under root (exclusive flock, waits); with create,
 * makes the container directory and fails with -EEXIST if it already holds
 * a state. Returns the lock fd (>= 0) or -errno. */
int oci_state_lock(const char *root, const char *id, bool create, alc_err *err);

/* Reads root/id/state.json and refreshes the status from the kernel;
 * returns 0, -ENOENT (err: "container ID does not exist") or -errno. */
int oci_state_load(const char *root, const char *id, struct oci_state *st, alc_err *err);

/* Writes root/id/state.json atomically; returns 0 or -errno. */
int oci_state_save(const char *root, const struct oci_state *st, alc_err *err);

/* Removes root/id and everything in it; returns 0 or -errno. */
int oci_state_remove(const char *root, const char *id, alc_err *err);

/* Lists the ids under root, sorted; returns the count or -errno. The
 * caller frees each string and the array. */
int oci_state_list(const char *root, char ***ids, alc_err *err);

/* Renders the runtime-spec state object (ociVersion, id, status, pid,
 * bundle, annotations) as JSON; returns a malloc'd string or NULL. */
char *oci_state_json(const struct oci_state *st);

/* The spec's name for a status: "creating", "created", ... */
const char *oci_status_name(enum oci_status s);

/* Frees what st owns and zeroes it. */
void oci_state_free(struct oci_state *st);

#endif

/* OCI config.json into the core spec, through json-c. Unknown fields are
 * ignored; a wrong type or value is an error that names its JSON path, as
 * "config.json: .linux.resources.memory.limit: want an integer". */
#ifndef ALC_OCI_CONFIG_H
#define ALC_OCI_CONFIG_H

#include "err.h"
#include "spec.h"

/* Reads BUNDLE/config.json into spec (root.path made absolute against the
 * bundle's real path); returns 0, or -ENOENT/-EINVAL/-errno with err naming
 * the file and JSON path ("BUNDLE/config.json: .root.path: missing"). On
 * error spec is left freed. Include it as "oci/config.h" (sched/ has a
 * config.h too). */
int oci_config_load(const char *bundle, struct alc_spec *spec, alc_err *err);

/* Parses config.json text (source names it in messages) into spec;
 * returns 0 or -EINVAL. Pure: no filesystem access. */
int oci_config_parse(const char *text, const char *source, struct alc_spec *spec, alc_err *err);

/* Parses an OCI process object (exec -p process.json) into spec->process,
 * terminal and console size, replacing what was there (oomScoreAdj,
 * apparmorProfile and selinuxLabel only when given); returns 0 or -EINVAL
 * with spec untouched. */
int oci_process_parse(const char *text, const char *source, struct alc_spec *spec, alc_err *err);

/* Renders the default config.json that `alcove spec` writes (rootless:
 * user namespace with the caller's id mapped, no network namespace);
 * returns a malloc'd string or NULL. */
char *oci_config_default(bool rootless, uid_t uid, gid_t gid);

#endif

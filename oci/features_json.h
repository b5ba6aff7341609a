/* What this runtime supports, as the runtime-spec features document that
 * `alcove features` prints (containerd and podman read it). */
#ifndef ALC_OCI_FEATURES_JSON_H
#define ALC_OCI_FEATURES_JSON_H

/* Renders the features JSON (pretty, newline-terminated); returns a
 * malloc'd string or NULL on allocation failure. */
char *oci_features_json(void);

#endif

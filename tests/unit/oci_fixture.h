/* Shared by the OCI unit tests: JSON written with ' for " so that it reads
 * in C, a minimal valid config.json, and a way to change one place in it. */
#ifndef ALC_TEST_OCI_FIXTURE_H
#define ALC_TEST_OCI_FIXTURE_H

#include <json-c/json.h>

#include "err.h"
#include "spec.h"

/* A minimal valid config, single-quoted. */
extern const char oci_fx_base_config[];

/* A malloc'd copy of s with every ' turned into ". */
char *oci_fx_dq(const char *s);

/* oci_config_parse of single-quoted text as "config.json". */
int oci_fx_parse(const char *single_quoted, struct alc_spec *spec, alc_err *err);

/* Sets (value NULL: deletes) the member at a path such as
 * "linux.resources.memory.limit" or "mounts[0].options", making missing
 * objects on the way; value is single-quoted JSON. */
void oci_fx_set_at(json_object *top, const char *path, const char *value);

/* Parses the base config with one value set (and frees the spec); returns
 * the parser's result. */
int oci_fx_parse_with(const char *path, const char *value, alc_err *err);

#endif

/* Inside the config.json parser: one parse function per part of the
 * document, each filling the spec and naming the JSON path of a fault, and
 * the name tables that `alcove features` also lists. Not installed. */
#ifndef ALC_OCI_CONFIG_INTERNAL_H
#define ALC_OCI_CONFIG_INTERNAL_H

#include <json-c/json.h>

#include "jsonpath.h"
#include "spec.h"

/* A name in config.json and the value alcove keeps for it. */
struct oci_name {
	const char *name;
	unsigned long value;
};

/* A mount option: flags it sets or clears, or a propagation type. */
struct oci_mount_opt {
	const char *name;
	unsigned long set, clear, propagation;
};

extern const struct oci_mount_opt oci_mount_opts[];
extern const size_t oci_n_mount_opts;
extern const struct oci_name oci_namespaces[]; /* "pid" -> CLONE_NEWPID, ... */
extern const size_t oci_n_namespaces;
extern const char *const oci_hook_phases[ALC_HOOK_PHASES]; /* "prestart", ... */
extern const struct oci_name oci_seccomp_actions[];	   /* "SCMP_ACT_ALLOW", ... */
extern const size_t oci_n_seccomp_actions;
extern const struct oci_name oci_seccomp_ops[]; /* "SCMP_CMP_EQ", ... */
extern const size_t oci_n_seccomp_ops;
extern const char *const oci_seccomp_archs[]; /* "SCMP_ARCH_X86_64", ... */
extern const size_t oci_n_seccomp_archs;
extern const struct oci_name oci_seccomp_flags[]; /* "SECCOMP_FILTER_FLAG_LOG", ... */
extern const size_t oci_n_seccomp_flags;

/* Looks name up in a table of n; returns the entry or NULL. */
const struct oci_name *oci_name_find(const struct oci_name *t, size_t n, const char *name);

/* Parses text as one JSON document (strict); returns 0 and the object, or
 * -EINVAL with err "SOURCE:LINE:COLUMN: json-c's reason". */
int oci_json_parse(const char *text, const char *source, json_object **out, alc_err *err);

/* Renders top pretty-printed with a final newline and releases it;
 * returns a malloc'd string, or NULL when top is NULL, holds a hole left
 * by a failed allocation, or memory runs out. */
char *oci_json_render(json_object *top);

/* The process object at the current path into spec->process and the
 * spec's terminal, console size, oomScoreAdj, apparmor and selinux. */
int oci_parse_process(struct oci_jp *jp, json_object *proc, struct alc_spec *spec);

/* The top-level "mounts" array. */
int oci_parse_mounts(struct oci_jp *jp, json_object *top, struct alc_spec *spec);

/* Mount propagation by name ("rprivate"); 0 and *flags, or -EINVAL. */
int oci_propagation(const char *name, unsigned long *flags);

/* The top-level "hooks" object, all six phases. */
int oci_parse_hooks(struct oci_jp *jp, json_object *top, struct alc_spec *spec);

/* The top-level "linux" object (resources and seccomp included). */
int oci_parse_linux(struct oci_jp *jp, json_object *top, struct alc_spec *spec);

/* True when the container has a namespace of type (CLONE_NEW*) of its
 * own, created or joined by path. */
bool oci_has_namespace(const struct alc_spec *spec, int type);

/* linux.resources at the current path. */
int oci_parse_resources(struct oci_jp *jp, json_object *res, struct alc_spec *spec);

/* linux.seccomp at the current path. */
int oci_parse_seccomp(struct oci_jp *jp, json_object *sc, struct alc_spec *spec);

#endif

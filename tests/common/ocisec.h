/* Runs one container from a busybox rootfs with a spec the test fills in,
 * and hands back what the container saw: its wait status and the file
 * /out it wrote. Shared by the host tier (tests/host/test_oci_sec.c) and
 * the VM tier's guest program (tests/vm/guest/vm-ocisec.c). */
#ifndef ALC_TESTS_OCISEC_H
#define ALC_TESTS_OCISEC_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

struct ocisec_result {
	int status;	/* wait status of the container process */
	char out[4096]; /* the rootfs's /out after the run ("" if none) */
	char err[600];	/* create/start error, "" when both succeeded */
	bool leftover;	/* the cgroup or the rootfs was left behind */
};

/* Fills spec (free with alc_spec_free) with the OCI defaults, a busybox
 * rootfs made under a fresh directory and `sh -c script`, and a cgroup
 * named oci-sec/NAME; returns 0 or -1. */
int ocisec_spec(struct alc_spec *spec, const char *busybox, const char *name, const char *script);

/* Creates, starts and waits (10 s deadline) for the container, reads /out,
 * destroys it and removes the rootfs; returns 0 when it ran, or -1 with
 * res->err naming the failed step. */
int ocisec_run(const struct alc_spec *spec, struct ocisec_result *res);

struct alc_runtime_opts;

/* ocisec_run with runtime options (the runtime_hooks callback). */
int ocisec_run_opts(const struct alc_spec *spec, const struct alc_runtime_opts *o,
		    struct ocisec_result *res);

/* Whether the file /out contains needle. */
bool ocisec_saw(const struct ocisec_result *res, const char *needle);

/* A one-line description of res for failure messages. */
const char *ocisec_describe(const struct ocisec_result *res, char *buf, size_t len);

#endif

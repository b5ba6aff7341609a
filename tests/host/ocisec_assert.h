/* Assertions shared by the OCI host tests (cmocka): run a container
 * through tests/common/ocisec and check what it wrote to /out. */
#ifndef ALC_TESTS_OCISEC_ASSERT_H
#define ALC_TESTS_OCISEC_ASSERT_H

#include "ocisec.h"

#define BUSYBOX "/bin/busybox"

static inline void run_ok(const struct alc_spec *spec, struct ocisec_result *res)
{
	char d[5000];
	if (ocisec_run(spec, res) < 0)
		fail_msg("%s", ocisec_describe(res, d, sizeof(d)));
	if (res->leftover)
		fail_msg("the run left its cgroup or rootfs behind");
}

static inline void expect_out(const struct ocisec_result *res, const char *needle)
{
	char d[5000];
	if (!ocisec_saw(res, needle))
		fail_msg("wanted \"%s\" in /out; %s", needle, ocisec_describe(res, d, sizeof(d)));
}

#endif

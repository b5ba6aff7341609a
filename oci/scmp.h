/* libseccomp's action and comparison values (they are the kernel's
 * SECCOMP_RET_* values), defined once here so that the config parser builds
 * without libseccomp; where libseccomp is linked they are checked equal. */
#ifndef ALC_OCI_SCMP_H
#define ALC_OCI_SCMP_H

#define OCI_SCMP_ACT_KILL_PROCESS 0x80000000U
#define OCI_SCMP_ACT_KILL_THREAD 0x00000000U
#define OCI_SCMP_ACT_TRAP 0x00030000U
#define OCI_SCMP_ACT_ERRNO(x) (0x00050000U | ((x)&0x0000ffffU))
#define OCI_SCMP_ACT_TRACE(x) (0x7ff00000U | ((x)&0x0000ffffU))
#define OCI_SCMP_ACT_LOG 0x7ffc0000U
#define OCI_SCMP_ACT_ALLOW 0x7fff0000U

enum oci_scmp_compare {
	OCI_SCMP_CMP_NE = 1,
	OCI_SCMP_CMP_LT = 2,
	OCI_SCMP_CMP_LE = 3,
	OCI_SCMP_CMP_EQ = 4,
	OCI_SCMP_CMP_GE = 5,
	OCI_SCMP_CMP_GT = 6,
	OCI_SCMP_CMP_MASKED_EQ = 7,
};

#ifdef HAVE_SECCOMP
#include <seccomp.h>
_Static_assert(OCI_SCMP_ACT_KILL_PROCESS == SCMP_ACT_KILL_PROCESS, "libseccomp ABI");
_Static_assert(OCI_SCMP_ACT_KILL_THREAD == SCMP_ACT_KILL_THREAD, "libseccomp ABI");
_Static_assert(OCI_SCMP_ACT_TRAP == SCMP_ACT_TRAP, "libseccomp ABI");
_Static_assert(OCI_SCMP_ACT_ERRNO(1) == SCMP_ACT_ERRNO(1), "libseccomp ABI");
_Static_assert(OCI_SCMP_ACT_TRACE(1) == SCMP_ACT_TRACE(1), "libseccomp ABI");
_Static_assert(OCI_SCMP_ACT_LOG == SCMP_ACT_LOG, "libseccomp ABI");
_Static_assert(OCI_SCMP_ACT_ALLOW == SCMP_ACT_ALLOW, "libseccomp ABI");
_Static_assert(OCI_SCMP_CMP_NE == (int)SCMP_CMP_NE &&
		       OCI_SCMP_CMP_MASKED_EQ == (int)SCMP_CMP_MASKED_EQ,
	       "libseccomp ABI");
#endif

#endif

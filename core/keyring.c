#include "keyring.h"

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* linux/keyctl.h, which libc headers do not carry. */
#define ALC_KEYCTL_JOIN_SESSION_KEYRING 1
#define ALC_KEYCTL_SETPERM 5
#define ALC_KEY_POS_ALL 0x3f000000u
#define ALC_KEY_USR_ALL 0x003f0000u

int alc_keyring_join(const char *name, alc_err *err)
{
	long id = syscall(SYS_keyctl, ALC_KEYCTL_JOIN_SESSION_KEYRING, name);
	if (id < 0 && errno == ENOSYS)
		return 0; /* no keyrings in this kernel: nothing to share either */
	if (id < 0)
		return alc_err_set(err, errno, "join a session keyring of its own (%s)", name);
	/* Still ours once the process runs as another uid: possessor and
	 * owner keep every right. */
	if (syscall(SYS_keyctl, ALC_KEYCTL_SETPERM, id, ALC_KEY_POS_ALL | ALC_KEY_USR_ALL) < 0)
		return alc_err_set(err, errno, "set the permissions of the session keyring %s",
				   name);
	return 0;
}

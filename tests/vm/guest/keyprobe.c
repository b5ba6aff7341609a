/* Prints the calling process's session keyring as "ID DESCRIPTION" (the
 * kernel's "type;uid;gid;perm;name"), for the OCI keyring tests on the
 * host and in the VM. Exits 1 when it cannot be read. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEYCTL_DESCRIBE 6
#define KEY_SPEC_SESSION_KEYRING -3

int main(void)
{
	char text[512];
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	long n = id < 0 ? -1 : syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, text, sizeof(text));
	if (n < 0 || n > (long)sizeof(text)) {
		perror("keyprobe");
		return 1;
	}
	printf("%ld %s\n", id, text);
	return 0;
}

/* Passing file descriptors over a unix socket (SCM_RIGHTS): one message of
 * data with up to ALC_FDPASS_MAX fds attached. Used by the spawn handshake
 * (v1 tasks files) and the OCI console socket (the pty master). */
#ifndef ALC_FDPASS_H
#define ALC_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define ALC_FDPASS_MAX 16

/* Sends len bytes of data with n fds attached (n <= ALC_FDPASS_MAX),
 * retrying on EINTR; returns 0 or -errno. */
int alc_fds_send(int sock, const void *data, size_t len, const int *fds, unsigned n);

/* Receives one message into data (up to len bytes) and its fds, close-on-
 * exec, into fds (up to max; any beyond are closed); returns the byte count
 * with *n set, or -errno. */
ssize_t alc_fds_recv(int sock, void *data, size_t len, int *fds, unsigned max, unsigned *n);

#endif

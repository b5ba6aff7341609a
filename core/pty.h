/* Pseudo-terminals for processes with process.terminal set: the pair is
 * allocated from the /dev/ptmx the process sees (its container's devpts),
 * the slave becomes its controlling tty and stdio, and the master goes to
 * the caller's console socket as runc does it: one message carrying the fd
 * (SCM_RIGHTS) on a unix stream socket. */
#ifndef ALC_PTY_H
#define ALC_PTY_H

#include "err.h"

/* Opens a new pty pair from /dev/ptmx; returns 0 or -errno. */
int alc_pty_open(int *master, int *slave, alc_err *err);

/* Makes slave the caller's controlling terminal (new session) and its
 * stdin, stdout and stderr; returns 0 or -errno. */
int alc_pty_make_ctty(int slave, alc_err *err);

/* Connects to the console socket at path; returns the fd or -errno. */
int alc_pty_connect(const char *path, alc_err *err);

/* Sends fd over the unix socket sock in one SCM_RIGHTS message; returns 0
 * or -errno. */
int alc_pty_send_fd(int sock, int fd, alc_err *err);

/* Receives one fd sent by alc_pty_send_fd; returns it or -errno. */
int alc_pty_recv_fd(int sock, alc_err *err);

#endif

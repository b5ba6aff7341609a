/* alcove init's control socket: a unix stream socket under /run. A client
 * sends one line, "VERB [ARG]", and reads the answer until EOF; an answer
 * that begins with "error: " is a refusal (see alcove-ctl(1)). */
#ifndef ALC_INIT_CTL_H
#define ALC_INIT_CTL_H

#include <stdio.h>

#include "err.h"

/* Answers one request: writes the answer (or "error: ...") to out. */
typedef void (*init_ctl_fn)(void *ctx, const char *verb, const char *arg, FILE *out);

/* Binds and listens on path (its directory is made; a stale socket is
 * replaced, a live one refused); returns the fd or -errno. */
int init_ctl_listen(const char *path, alc_err *err);

/* Accepts one client on lfd and answers its request through fn. */
void init_ctl_serve(int lfd, init_ctl_fn fn, void *ctx);

/* Sends "verb arg" to the socket at path and copies the answer to out (a
 * refusal to err instead). Returns 0, 1 when refused, or -errno. */
int init_ctl_call(const char *path, const char *verb, const char *arg, FILE *out, alc_err *err);

#endif

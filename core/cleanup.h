/* Scope-bound release of fds, heap memory and FILE streams through
 * __attribute__((cleanup)), so error paths need no goto ladders. */
#ifndef ALC_CLEANUP_H
#define ALC_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void alc_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd); /* nothing useful to do on a failed close here */
		errno = saved;
	}
}

static inline void alc_freep(void *p)
{
	free(*(void **)p);
}

static inline void alc_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_close_ __attribute__((cleanup(alc_closep)))
#define _cleanup_free_ __attribute__((cleanup(alc_freep)))
#define _cleanup_fclose_ __attribute__((cleanup(alc_fclosep)))

/* Hands ownership out of a cleanup-guarded fd variable. */
static inline int alc_take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

#endif

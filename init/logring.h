/* A fixed-size byte ring of one service's output that keeps the newest
 * lines: when full it drops the oldest bytes up to a line boundary. Read-out
 * is at most two spans, oldest first, for writev. Pure: no I/O. */
#ifndef ALC_INIT_LOGRING_H
#define ALC_INIT_LOGRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define LOGRING_DEFAULT_SIZE (64 * 1024)

struct logring {
	char *buf;
	size_t cap;	  /* bytes buf holds */
	size_t start;	  /* offset of the oldest byte */
	size_t len;	  /* bytes held */
	uint64_t dropped; /* bytes dropped from the front so far */
	bool cut;	  /* the oldest line held lost its beginning (a line longer than cap) */
};

/* Allocates a ring of cap bytes; returns 0, -EINVAL (cap 0) or -ENOMEM. */
int logring_init(struct logring *r, size_t cap);

/* Frees the ring's buffer and zeroes it. */
void logring_free(struct logring *r);

/* Appends n bytes; when they do not fit, drops the oldest whole lines (or
 * the front of a line longer than the ring). */
void logring_append(struct logring *r, const void *data, size_t n);

/* Points iov at the held bytes, oldest first; returns the span count (0..2). */
int logring_spans(const struct logring *r, struct iovec iov[2]);

/* Points iov at the newest lines lines held (a trailing partial line counts
 * as one); returns the span count (0..2). */
int logring_tail(const struct logring *r, size_t lines, struct iovec iov[2]);

/* Copies up to size bytes of the held output, oldest first, to out (not
 * NUL-terminated); returns the count copied. */
size_t logring_copy(const struct logring *r, char *out, size_t size);

#endif

/* Batched writer: queues N (fd, bytes) writes and submits them together,
 * through io_uring or plain write(2), with a result for each write. It knows
 * nothing of cgroups. */
#ifndef ALC_URING_WRITER_H
#define ALC_URING_WRITER_H

#include <stddef.h>

#include "err.h"

enum uring_backend {
	URING_BACKEND_SYNC,  /* one write(2) per entry */
	URING_BACKEND_URING, /* one io_uring submission for the batch */
};

struct uring_write {
	int fd;
	const char *buf;
	size_t len;
	long result; /* filled on submit: bytes written, or -errno */
};

struct uring_writer;

/* Returns the backend's name: "sync" or "uring". */
const char *uring_backend_name(enum uring_backend backend);

/* Creates a writer whose io_uring (if any) holds depth entries; returns 0 or
 * -errno (io_uring setup refused, e.g. io_uring_disabled). */
int uring_writer_new(enum uring_backend backend, unsigned depth, struct uring_writer **out,
		     alc_err *err);

/* Frees the writer and its ring; NULL is allowed. */
void uring_writer_free(struct uring_writer *w);

/* Performs all n writes, filling each result; returns how many failed, or
 * -errno when the batch itself could not be submitted. */
int uring_writer_submit(struct uring_writer *w, struct uring_write *ws, size_t n, alc_err *err);

#endif

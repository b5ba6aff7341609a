#include "writer.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <unistd.h>

struct uring_writer {
	enum uring_backend backend;
	unsigned depth;
	struct io_uring ring;
};

const char *uring_backend_name(enum uring_backend backend)
{
	return backend == URING_BACKEND_URING ? "uring" : "sync";
}

int uring_writer_new(enum uring_backend backend, unsigned depth, struct uring_writer **out,
		     alc_err *err)
{
	if (depth == 0)
		return alc_err_setx(err, EINVAL, "uring writer: depth 0");
	struct uring_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return alc_err_set(err, ENOMEM, "uring writer");
	w->backend = backend;
	w->depth = depth;
	if (backend == URING_BACKEND_URING) {
		int r = io_uring_queue_init(depth, &w->ring, 0);
		if (r < 0) {
			free(w);
			return alc_err_set(err, -r, "io_uring_queue_init(%u)", depth);
		}
	}
	*out = w;
	return 0;
}

void uring_writer_free(struct uring_writer *w)
{
	if (!w)
		return;
	if (w->backend == URING_BACKEND_URING)
		io_uring_queue_exit(&w->ring);
	free(w);
}

static int submit_sync(struct uring_write *ws, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		ssize_t r;
		do
			r = write(ws[i].fd, ws[i].buf, ws[i].len);
		while (r < 0 && errno == EINTR);
		ws[i].result = r < 0 ? -errno : r;
		failed += ws[i].result < 0;
	}
	return failed;
}

/* Submits up to depth writes as one batch and reaps every completion. */
static int submit_chunk(struct uring_writer *w, struct uring_write *ws, size_t n, alc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
		if (!sqe)
			return alc_err_setx(err, EBUSY, "io_uring: no free sqe");
		io_uring_prep_write(sqe, ws[i].fd, ws[i].buf, (unsigned)ws[i].len, 0);
		io_uring_sqe_set_data64(sqe, i);
		ws[i].result = -EINPROGRESS;
	}
	int r = io_uring_submit_and_wait(&w->ring, (unsigned)n);
	if (r < 0)
		return alc_err_set(err, -r, "io_uring_submit_and_wait");
	int failed = 0;
	for (size_t done = 0; done < n; done++) {
		struct io_uring_cqe *cqe;
		r = io_uring_wait_cqe(&w->ring, &cqe);
		if (r < 0)
			return alc_err_set(err, -r, "io_uring_wait_cqe");
		size_t idx = (size_t)io_uring_cqe_get_data64(cqe);
		if (idx < n) {
			ws[idx].result = cqe->res;
			failed += cqe->res < 0;
		}
		io_uring_cqe_seen(&w->ring, cqe);
	}
	return failed;
}

int uring_writer_submit(struct uring_writer *w, struct uring_write *ws, size_t n, alc_err *err)
{
	if (w->backend == URING_BACKEND_SYNC)
		return submit_sync(ws, n);
	int failed = 0;
	for (size_t off = 0; off < n; off += w->depth) {
		size_t chunk = n - off < w->depth ? n - off : w->depth;
		int r = submit_chunk(w, ws + off, chunk, err);
		if (r < 0)
			return r;
		failed += r;
	}
	return failed;
}

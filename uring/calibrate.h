/* Choosing the writer's backend: parsing the configured mode, and timing real
 * cgroup writes through io_uring and write(2) on the running kernel so the
 * daemon keeps whichever is measured faster. */
#ifndef ALC_URING_CALIBRATE_H
#define ALC_URING_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "writer.h"

enum uring_mode {
	URING_MODE_AUTO,  /* calibrate, keep the faster backend */
	URING_MODE_URING, /* always io_uring */
	URING_MODE_SYNC,  /* always write(2) */
};

/* Files per calibration batch at most; more fds than this are an error. */
#define URING_CALIBRATE_MAX_FDS 16

struct uring_calibration {
	enum uring_backend choice; /* the faster backend, or sync without io_uring */
	bool uring_available;	   /* io_uring_queue_init succeeded */
	size_t writes;		   /* writes per batch (the caller's fds) */
	unsigned batches;	   /* timed batches per backend */
	double sync_mean_us, sync_median_us;
	double uring_mean_us, uring_median_us; /* 0 when io_uring is unavailable */
	double total_us;		       /* wall time spent calibrating */
	char reason[192];		       /* one line: why choice was made */
};

/* Returns the mode's name: "auto", "uring" or "sync". */
const char *uring_mode_name(enum uring_mode mode);

/* Parses "auto", "uring" or "sync" into *out; returns 0, or -EINVAL with a
 * one-line message naming the bad value in err. */
int uring_backend_parse(const char *s, enum uring_mode *out, alc_err *err);

/* Times interleaved batches writing each fd's current value back (fds opened
 * O_RDWR; nothing changes unless another writer races) through both backends
 * for under about 20 ms; fills out and returns 0, or -errno when a file
 * cannot be read or written. io_uring refused: choice sync, with the reason. */
int uring_calibrate(const int *fds, size_t nfds, struct uring_calibration *out, alc_err *err);

#endif

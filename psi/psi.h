/* Pressure stall information: parsing the "some"/"full" lines of pressure
 * files, and arming poll()able triggers on them. */
#ifndef ALC_PSI_H
#define ALC_PSI_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct psi_line {
	double avg10, avg60, avg300;
	unsigned long long total; /* cumulative stall time, microseconds */
};

struct psi_stats {
	struct psi_line some;
	struct psi_line full;
	bool has_full; /* the file had a "full" line */
};

/* Parses pressure file text into out; returns 0, or -EINVAL when the "some"
 * line is missing or malformed. */
int psi_parse(const char *text, struct psi_stats *out);

/* Formats a trigger ("some 10000 500000") into buf; returns its length, or
 * -EINVAL for a stall of zero or longer than the window, -ENOSPC if short. */
int psi_trigger_format(char *buf, size_t len, bool full, unsigned stall_us, unsigned window_us);

/* Opens the pressure file at dirfd/file and arms a trigger on it; returns an
 * fd that polls POLLPRI when the stall exceeds stall_us within window_us, or
 * -errno (EINVAL: window not accepted, EPERM: privilege needed). */
int psi_trigger_open(int dirfd, const char *file, bool full, unsigned stall_us, unsigned window_us,
		     alc_err *err);

#endif

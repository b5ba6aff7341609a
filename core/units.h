/* Parsing the quantities users type: sizes ("256M"), CPU counts ("0.5"),
 * ranges of plain integers. Pure functions, no I/O. */
#ifndef ALC_UNITS_H
#define ALC_UNITS_H

#include <stdint.h>

/* Parses a byte size with an optional k/m/g/t suffix (binary, case-free,
 * optional trailing "b"/"ib"); returns 0 or -EINVAL (not a positive size),
 * -ERANGE (overflow). */
int alc_parse_size(const char *s, int64_t *bytes);

/* Parses a CPU count such as "0.5" or "2" into a quota for period_us;
 * returns 0 or -EINVAL (not > 0, or under 1000 us of quota), -ERANGE. */
int alc_parse_cpus(const char *s, uint64_t period_us, int64_t *quota_us);

/* Parses a decimal integer within [min, max]; returns 0, -EINVAL or -ERANGE. */
int alc_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#endif

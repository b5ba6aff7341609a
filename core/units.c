#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int alc_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int alc_parse_size(const char *s, int64_t *bytes)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	unsigned shift = 0;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	case 'b':
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (shift)
		end++;
	if (*end && strcasecmp(end, "b") && strcasecmp(end, "ib"))
		return -EINVAL;
	if (v == 0)
		return -EINVAL;
	if (v > ((unsigned long long)INT64_MAX >> shift))
		return -ERANGE;
	*bytes = (int64_t)(v << shift);
	return 0;
}

int alc_parse_cpus(const char *s, uint64_t period_us, int64_t *quota_us)
{
	char *end;
	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno == ERANGE)
		return -EINVAL;
	if (!(v > 0) || v > 4096)
		return v > 4096 ? -ERANGE : -EINVAL;
	double q = v * (double)period_us;
	if (q < 1000) /* the kernel's smallest CFS quota */
		return -EINVAL;
	*quota_us = (int64_t)(q + 0.5);
	return 0;
}

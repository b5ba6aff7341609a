#include "psi.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int parse_line(const char *line, const char *kind, struct psi_line *out)
{
	char word[8];
	struct psi_line l;
	if (sscanf(line, "%7s avg10=%lf avg60=%lf avg300=%lf total=%llu", word, &l.avg10, &l.avg60,
		   &l.avg300, &l.total) != 5)
		return -EINVAL;
	if (strcmp(word, kind))
		return -EINVAL;
	*out = l;
	return 0;
}

int psi_parse(const char *text, struct psi_stats *out)
{
	memset(out, 0, sizeof(*out));
	int r = parse_line(text, "some", &out->some);
	if (r < 0)
		return r;
	const char *nl = strchr(text, '\n');
	if (nl && nl[1] && parse_line(nl + 1, "full", &out->full) == 0)
		out->has_full = true;
	return 0;
}

int psi_trigger_format(char *buf, size_t len, bool full, unsigned stall_us, unsigned window_us)
{
	if (stall_us == 0 || stall_us > window_us)
		return -EINVAL;
	int n = snprintf(buf, len, "%s %u %u", full ? "full" : "some", stall_us, window_us);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int psi_trigger_open(int dirfd, const char *file, bool full, unsigned stall_us, unsigned window_us,
		     alc_err *err)
{
	char trig[64];
	int n = psi_trigger_format(trig, sizeof(trig), full, stall_us, window_us);
	if (n < 0)
		return alc_err_setx(err, -n, "psi trigger %u/%u us on %s: invalid", stall_us,
				    window_us, file);
	_cleanup_close_ int fd = openat(dirfd, file, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return alc_err_set(err, errno, "open %s", file);
	/* The kernel takes the trigger string with its terminating NUL. */
	if (write(fd, trig, (size_t)n + 1) < 0)
		return alc_err_set(err, errno, "arm psi trigger \"%s\" on %s", trig, file);
	return alc_take_fd(&fd);
}

#include "fileio.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long alc_read_file_at(int dirfd, const char *path, char **out)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Most files fit here, and then the heap gets only their size: a
	 * page-sized buffer would be mapped and unmapped for every read. */
	char first[2048];
	size_t cap = sizeof(first), len = 0;
	_cleanup_free_ char *buf = NULL;
	char *at = first;
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				return -ENOMEM;
			if (!buf)
				memcpy(nb, first, len);
			at = buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, at + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf) {
		if (!(buf = malloc(len + 1)))
			return -ENOMEM;
		memcpy(buf, first, len);
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	return (long)len;
}

int alc_write_file_at(int dirfd, const char *path, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

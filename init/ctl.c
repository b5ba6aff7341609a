#include "ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"

static int address(const char *path, struct sockaddr_un *a, alc_err *err)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return alc_err_setx(err, ENAMETOOLONG, "socket path %s is too long", path);
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return 0;
}

int init_ctl_listen(const char *path, alc_err *err)
{
	struct sockaddr_un a;
	char dir[sizeof(a.sun_path)];
	int r = address(path, &a, err);
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* exists already, or bind below reports it */
	}
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return alc_err_set(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return alc_err_setx(err, EADDRINUSE, "%s: another alcove init is listening", path);
	unlink(path); /* a stale socket from an earlier boot */
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return alc_err_set(err, errno, "bind %s", path);
	chmod(path, 0600); /* root's alone: it can power the machine off */
	if (listen(fd, 16) < 0)
		return alc_err_set(err, errno, "listen on %s", path);
	return alc_take_fd(&fd);
}

static void send_all(int fd, const char *text, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t w = send(fd, text + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			return; /* the client went away */
		off += (size_t)w;
	}
}

void init_ctl_serve(int lfd, init_ctl_fn fn, void *ctx)
{
	_cleanup_close_ int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	struct timeval tv = { 1, 0 };
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)); /* a stuck client waits 1 s */
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	char line[512];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(line) - 1 && (n = read(c, line + len, sizeof(line) - 1 - len)) > 0) {
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	char *arg = strchr(line, ' ');
	if (arg)
		*arg++ = '\0';
	_cleanup_free_ char *text = NULL;
	size_t tlen = 0;
	FILE *out = open_memstream(&text, &tlen);
	if (!out)
		return;
	fn(ctx, line, arg && *arg ? arg : NULL, out);
	if (fclose(out) == 0)
		send_all(c, text, tlen);
}

int init_ctl_call(const char *path, const char *verb, const char *arg, FILE *out, alc_err *err)
{
	struct sockaddr_un a;
	int r = address(path, &a, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return alc_err_set(err, errno, "connect to %s (is alcove init running?)", path);
	char line[512];
	int len = snprintf(line, sizeof(line), "%s%s%s\n", verb, arg ? " " : "", arg ? arg : "");
	if (len >= (int)sizeof(line))
		return alc_err_setx(err, EINVAL, "request too long");
	if (write(fd, line, (size_t)len) < 0 || shutdown(fd, SHUT_WR) < 0)
		return alc_err_set(err, errno, "send to %s", path);
	_cleanup_free_ char *text = NULL;
	size_t tlen = 0;
	char buf[4096];
	ssize_t n;
	FILE *mem = open_memstream(&text, &tlen);
	if (!mem)
		return alc_err_set(err, ENOMEM, "read");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, mem);
	int e = errno;
	fclose(mem);
	if (n < 0)
		return alc_err_set(err, e, "read from %s", path);
	if (!strncmp(text, "error: ", 7)) {
		text[strcspn(text, "\n")] = '\0';
		alc_err_setx(err, EINVAL, "%s", text + 7);
		return 1;
	}
	fwrite(text, 1, tlen, out);
	return 0;
}

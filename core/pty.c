#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"

int alc_pty_open(int *master, int *slave, alc_err *err)
{
	_cleanup_close_ int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return alc_err_set(err, errno, "open /dev/ptmx");
	if (unlockpt(m) < 0)
		return alc_err_set(err, errno, "unlock the pty");
	/* By the master, not by a path: no race with another /dev/pts. */
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return alc_err_set(err, errno, "open the pty slave");
	*slave = s;
	*master = alc_take_fd(&m);
	return 0;
}

int alc_pty_make_ctty(int slave, alc_err *err)
{
	if (setsid() < 0)
		return alc_err_set(err, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return alc_err_set(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return alc_err_set(err, errno, "dup the pty to fd %d", fd);
	return 0;
}

int alc_pty_connect(const char *path, alc_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return alc_err_setx(err, ENAMETOOLONG, "console socket %s: path too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return alc_err_set(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return alc_err_set(err, errno, "connect to the console socket %s", path);
	return alc_take_fd(&fd);
}

int alc_pty_send_fd(int sock, int fd, alc_err *err)
{
	static const char name[] = "/dev/ptmx"; /* runc sends the terminal's name as the data */
	int r = alc_fds_send(sock, name, sizeof(name) - 1, &fd, 1);
	return r < 0 ? alc_err_set(err, -r, "send the pty master to the console socket") : 0;
}

int alc_pty_recv_fd(int sock, alc_err *err)
{
	char data[256];
	int fd;
	unsigned n;
	ssize_t r = alc_fds_recv(sock, data, sizeof(data), &fd, 1, &n);
	if (r < 0)
		return alc_err_set(err, (int)-r, "receive the pty master");
	if (n != 1)
		return alc_err_setx(err, EPROTO, "no fd in the console message");
	return fd;
}

/* The foreground terminal: run and exec without a console socket give the
 * process a pty whose master comes back to us over a socketpair, and we copy
 * between it and our own stdin/stdout until the process exits. */
#include "oci.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "pty.h"

int oci_console_pair(int sv[2], alc_err *err)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return alc_err_set(err, errno, "socketpair for the terminal");
	return 0;
}

/* Copies what is readable on from to to; false on EOF or an error. */
static bool pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	for (ssize_t off = 0; n > 0 && off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		off += w;
	}
	return n > 0;
}

static void copy_winsize(int master)
{
	struct winsize ws;
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws); /* a size is a nicety, not a need */
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int oci_console_proxy(int master, pid_t pid)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGWINCH);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(*fwd); i++)
		sigaddset(&mask, fwd[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	_cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	struct termios saved;
	bool raw = isatty(0) && tcgetattr(0, &saved) == 0;
	if (raw) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(0, TCSANOW, &t);
	}
	copy_winsize(master);
	int status = 0;
	bool in_open = true, out_open = true;
	for (;;) {
		struct pollfd p[3] = { { .fd = in_open ? 0 : -1, .events = POLLIN },
				       { .fd = out_open ? master : -1, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			in_open = pump(0, master);
		if (p[1].revents)
			out_open = pump(master, 1);
		struct signalfd_siginfo si;
		if ((p[2].revents & POLLIN) && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGWINCH)
				copy_winsize(master);
			else if (si.ssi_signo != SIGCHLD)
				kill(pid, (int)si.ssi_signo); /* it may be gone already */
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			while (out_open && poll(&p[1], 1, 0) > 0)
				out_open = pump(master, 1); /* the last output */
			break;
		}
	}
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return exit_code(status);
}

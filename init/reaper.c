/* tini mode: a child subreaper that runs one command, forwards signals to
 * it, reaps every zombie, and exits with the command's status. One
 * signalfd carries both the signals to forward and SIGCHLD; the loop
 * blocks in poll, never spins. */
#include "reaper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

/* How long processes left behind by the command get between SIGTERM and SIGKILL. */
#define REAPER_GRACE_MS 2000

int init_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

/* Signals the kernel raises for a fault of this very thread: never blocked. */
static bool synchronous(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
	       sig == SIGTRAP || sig == SIGABRT || sig == SIGSYS;
}

static void fill_handled(sigset_t *set)
{
	sigfillset(set);
	for (int sig = 1; sig < NSIG; sig++)
		if (synchronous(sig) || sig == SIGTTIN || sig == SIGTTOU)
			sigdelset(set, sig);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: own process group (the terminal's foreground group when
 * alcove had the terminal), the caller's signal state back, then exec. */
struct saved {
	sigset_t mask;
	struct sigaction ttin, ttou; /* what the caller had; alcove ignores them */
};

__attribute__((noreturn)) static void child_exec(char **argv, const struct saved *old)
{
	setpgid(0, 0); /* the parent does it too; whichever runs first wins */
	if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgid(getppid()))
		tcsetpgrp(STDIN_FILENO, getpid()); /* best effort: no terminal, no matter */
	sigaction(SIGTTIN, &old->ttin, NULL);
	sigaction(SIGTTOU, &old->ttou, NULL);
	sigprocmask(SIG_SETMASK, &old->mask, NULL);
	execvp(argv[0], argv);
	int e = errno;
	fprintf(stderr, "alcove init: exec %s: %s\n", argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

/* Sends sig to every child of ours (orphans reparented to us included),
 * found in /proc; returns how many it signalled. */
static int signal_children(int sig)
{
	_cleanup_close_ int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return 0;
	int dupfd = dup(procfd);
	DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	if (!d) {
		if (dupfd >= 0)
			close(dupfd);
		return 0;
	}
	pid_t self = getpid();
	int n = 0;
	char path[300];
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/stat", e->d_name);
		_cleanup_free_ char *stat = NULL;
		if (alc_read_file_at(procfd, path, &stat) < 0)
			continue; /* it is gone already */
		const char *rp = strrchr(stat, ')');
		char state;
		int ppid;
		if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == self &&
		    kill(atoi(e->d_name), sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

struct reaper {
	int sfd;
	pid_t child;
	int status;	  /* the command's exit status, once child_done */
	bool child_done;  /* the command has exited */
	int64_t deadline; /* after the command exited: when SIGKILL replaces SIGTERM */
	bool killing;
};

/* Reaps every zombie; returns false once we have no children left. */
static bool reap(struct reaper *r)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid == r->child) {
			r->status = init_exit_status(st);
			r->child_done = true;
		}
		if (pid == 0)
			return true;
		if (pid < 0)
			return errno != ECHILD;
	}
}

/* The command is gone: processes it left behind get SIGTERM, then SIGKILL
 * once the grace ends (or at a second SIGINT/SIGTERM to alcove). */
static void sweep(struct reaper *r)
{
	if (!r->killing && now_ms() >= r->deadline)
		r->killing = true;
	int sig = r->killing ? SIGKILL : SIGTERM;
	kill(-r->child, sig); /* the command's group: fails once it is empty */
	signal_children(sig);
}

static void on_signal(struct reaper *r, int sig)
{
	if (sig == SIGCHLD)
		return;
	if (!r->child_done) {
		kill(r->child, sig); /* fails only once it is a zombie: nothing to tell */
	} else if (sig == SIGINT || sig == SIGTERM) {
		r->killing = true;
	}
}

static int event_loop(struct reaper *r)
{
	for (;;) {
		bool any = reap(r);
		if (r->child_done && !any)
			return r->status;
		int timeout = -1;
		if (r->child_done) {
			if (!r->deadline)
				r->deadline = now_ms() + REAPER_GRACE_MS;
			sweep(r);
			timeout = r->killing ? 100 : (int)(r->deadline - now_ms());
			if (timeout < 0)
				timeout = 0;
		}
		struct pollfd p = { .fd = r->sfd, .events = POLLIN };
		int n = poll(&p, 1, timeout);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "alcove init: poll: %s\n", strerror(errno));
			return 1;
		}
		struct signalfd_siginfo si;
		while (n > 0 && read(r->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			on_signal(r, (int)si.ssi_signo);
	}
}

static void restore(const struct saved *old)
{
	sigprocmask(SIG_SETMASK, &old->mask, NULL);
	sigaction(SIGTTIN, &old->ttin, NULL);
	sigaction(SIGTTOU, &old->ttou, NULL);
}

/* Blocks the signals to forward (their dispositions stay: one the caller
 * ignores, as under nohup, stays ignored) and opens their signalfd. */
static int take_signals(struct saved *old)
{
	sigset_t handled;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	fill_handled(&handled);
	sigaction(SIGTTIN, &ign,
		  &old->ttin); /* a background alcove may still hand over the terminal */
	sigaction(SIGTTOU, &ign, &old->ttou);
	sigprocmask(SIG_BLOCK, &handled, &old->mask);
	int sfd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "alcove init: signalfd: %s\n", strerror(errno));
		restore(old);
	}
	return sfd;
}

int init_reaper_main(char **argv)
{
	if (!argv || !argv[0]) {
		fprintf(stderr, "alcove init: no command after --\n");
		return 1;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 && getpid() != 1) {
		fprintf(stderr, "alcove init: become a subreaper: %s\n", strerror(errno));
		return 1;
	}
	struct saved old;
	struct reaper r = { .sfd = take_signals(&old) };
	if (r.sfd < 0)
		return 1;
	r.child = fork();
	if (r.child == 0)
		child_exec(argv, &old);
	if (r.child < 0) {
		fprintf(stderr, "alcove init: fork: %s\n", strerror(errno));
		close(r.sfd);
		restore(&old);
		return 1;
	}
	setpgid(r.child, r.child); /* fails (harmlessly) when the child did it and exec'd */
	int status = event_loop(&r);
	close(r.sfd);
	restore(&old);
	return status;
}

/* `alcove ps ID [PS_ARGS...]` in table form, as runc prints it: the host's
 * ps(1) run with the given arguments (-ef by default), its header kept and
 * only the lines whose PID column names a process of the container. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "oci.h"

/* The index of the whitespace-separated field that reads exactly PID, or
 * -1. Pure. */
int oci_ps_pid_column(const char *header)
{
	int i = 0;
	for (const char *p = header; *p;) {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t\n");
		if (!len)
			break;
		if (len == 3 && !strncmp(p, "PID", 3))
			return i;
		p += len;
		i++;
	}
	return -1;
}

/* The value of field col of line, or -1 when it is not a number. */
static long field_pid(const char *line, int col)
{
	const char *p = line;
	for (int i = 0;; i++) {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t\n");
		if (!len)
			return -1;
		if (i == col) {
			char *end;
			long v = strtol(p, &end, 10);
			return end == p + len && v > 0 ? v : -1;
		}
		p += len;
	}
}

static bool member(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Runs ps with args, its output into *text (caller frees); returns 0 or
 * -errno with err set. */
static int run_ps(char *const *args, int nargs, char **text, alc_err *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return alc_err_set(err, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return alc_err_set(err, errno, "fork");
	}
	if (pid == 0) {
		char *argv[64] = { "ps", "-ef" };
		int k = 1;
		for (int i = 0; i < nargs && k < 63; i++)
			argv[k++] = args[i];
		argv[nargs ? k : 2] = NULL;
		dup2(fds[1], 1);
		execvp("ps", argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[1]);
	_cleanup_fclose_ FILE *f = fdopen(fds[0], "re");
	size_t cap = 0;
	ssize_t got = f ? getdelim(text, &cap, '\0', f) : -1;
	if (!f)
		close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return alc_err_setx(err, ENOENT, "no ps program in PATH for the table form");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return alc_err_setx(err, EIO, "ps exited %d",
				    WIFEXITED(status) ? WEXITSTATUS(status)
						      : 128 + WTERMSIG(status));
	if (got < 0 && !*text && !(*text = strdup("")))
		return -ENOMEM;
	return 0;
}

int oci_ps_table(const pid_t *pids, size_t n, char *const *args, int nargs, FILE *out, alc_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = run_ps(args, nargs, &text, err);
	if (r < 0)
		return r;
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	int col = line ? oci_ps_pid_column(line) : -1;
	if (col < 0)
		return alc_err_setx(err, EINVAL,
				    "ps printed no PID column (give it options that print one, "
				    "e.g. -o pid,comm)");
	fprintf(out, "%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save)))
		if (member(pids, n, field_pid(line, col)))
			fprintf(out, "%s\n", line);
	return 0;
}

/* The restart policy: exit status and restart mode in, verdict and delay out. */
#include "backoff.h"

#include <stdio.h>
#include <sys/wait.h>

bool svc_exit_failed(int wstatus)
{
	return !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0;
}

static const char *const signame[] = {
	[1] = "HUP",	 [2] = "INT",	[3] = "QUIT",	[4] = "ILL",   [5] = "TRAP",
	[6] = "ABRT",	 [7] = "BUS",	[8] = "FPE",	[9] = "KILL",  [10] = "USR1",
	[11] = "SEGV",	 [12] = "USR2", [13] = "PIPE",	[14] = "ALRM", [15] = "TERM",
	[16] = "STKFLT", [17] = "CHLD", [18] = "CONT",	[19] = "STOP", [20] = "TSTP",
	[21] = "TTIN",	 [22] = "TTOU", [23] = "URG",	[24] = "XCPU", [25] = "XFSZ",
	[26] = "VTALRM", [27] = "PROF", [28] = "WINCH", [29] = "IO",   [30] = "PWR",
	[31] = "SYS",
};

void svc_exit_describe(int wstatus, char *buf, size_t size)
{
	if (WIFEXITED(wstatus)) {
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(wstatus));
		return;
	}
	int sig = WTERMSIG(wstatus);
	const char *name =
		sig > 0 && sig < (int)(sizeof(signame) / sizeof(signame[0])) ? signame[sig] : NULL;
	if (name)
		snprintf(buf, size, "killed by signal %d (SIG%s)%s", sig, name,
			 WCOREDUMP(wstatus) ? ", core dumped" : "");
	else
		snprintf(buf, size, "killed by signal %d%s", sig,
			 WCOREDUMP(wstatus) ? ", core dumped" : "");
}

enum svc_verdict svc_backoff_next(const struct svc_def *def, struct svc_backoff *b, int wstatus,
				  uint64_t ran_ms, uint64_t *delay_ms)
{
	bool failed = svc_exit_failed(wstatus);
	if (ran_ms >= def->restart_reset_ms) { /* it ran long enough: a fresh start */
		b->restarts = 0;
		b->next_ms = 0;
	}
	bool want = def->restart == SVC_RESTART_ALWAYS ||
		    (def->restart == SVC_RESTART_ON_FAILURE && failed);
	if (def->type == SVC_ONESHOT && !failed)
		want = false; /* a oneshot that exits 0 is done */
	if (!want)
		return failed ? SVC_NEXT_FAILED : SVC_NEXT_DONE;
	if (def->restart_limit != SVC_RESTART_UNLIMITED && b->restarts >= def->restart_limit)
		return SVC_NEXT_FAILED;
	uint64_t d = b->next_ms ? b->next_ms : def->restart_delay_ms;
	if (d > def->restart_max_ms)
		d = def->restart_max_ms;
	*delay_ms = d;
	b->restarts++;
	b->next_ms = d > def->restart_max_ms / 2 ? def->restart_max_ms : d * 2;
	return SVC_NEXT_RESTART;
}

/* tini mode: "alcove init -- CMD ARGS" when alcove is not PID 1. alcove
 * becomes a child subreaper, runs CMD in its own session and process group,
 * forwards signals to it, reaps every zombie (orphaned grandchildren
 * included), and exits with CMD's status. */
#ifndef ALC_INIT_REAPER_H
#define ALC_INIT_REAPER_H

/* Runs argv (argv[0] looked up in PATH) under the reaper until it exits;
 * returns the exit status for alcove: CMD's own, 128+N when signal N
 * killed it, 126 (cannot run) or 127 (not found), or 1 on a setup error
 * (printed on stderr as one "alcove init: ..." line). Grandchildren still
 * running when CMD exits get SIGTERM, then SIGKILL after 2 s (see
 * alcove-init(8)). */
int init_reaper_main(char **argv);

/* Maps a waitpid status to a shell-style exit status: N, or 128+signal. */
int init_exit_status(int wstatus);

#endif

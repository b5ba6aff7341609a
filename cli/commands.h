/* The subcommand table and usage text: main() dispatches through it. */
#ifndef ALC_CLI_COMMANDS_H
#define ALC_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes shared by every subcommand. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,
	CLI_EXIT_USAGE = 2,
};

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *summary;
};

/* The global flags given before the command (runc's and crun's). */
struct cli_globals {
	const char *root;    /* --root: the OCI state root; NULL: /run/alcove */
	const char *log;     /* --log FILE: errors (and --debug lines) go there too */
	bool log_json;	     /* --log-format json */
	bool debug;	     /* --debug */
	bool systemd_cgroup; /* --systemd-cgroup: refused by the OCI commands */
};

extern struct cli_globals cli_globals;

/* Returns the command called name, or NULL. */
const struct cli_command *cli_find(const char *name);

/* Prints the one-line usage synopsis. */
void cli_usage_line(FILE *out);

/* Prints the full help: synopsis, commands, exit codes. */
void cli_help(FILE *out);

/* Prints "alcove: MSG" and the usage line to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

/* Dispatches alcove's argv (argv[0] is the program); returns the exit code. */
int cli_main(int argc, char **argv);

int cmd_check(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sched(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_oci_create(int argc, char **argv);
int cmd_oci_start(int argc, char **argv);
int cmd_oci_run(int argc, char **argv);
/* Whether `alcove run ARGS` is the OCI run (runc's run [OPTIONS] ID): a
 * global flag came first, an OCI-only flag is given, or the one operand is
 * no directory. */
bool cmd_oci_run_wanted(int argc, char **argv);
int cmd_oci_state(int argc, char **argv);
int cmd_oci_kill(int argc, char **argv);
int cmd_oci_delete(int argc, char **argv);
int cmd_oci_list(int argc, char **argv);
int cmd_oci_ps(int argc, char **argv);

/* alcove events [--stats] [--interval D] ID; returns the exit code. */
int cmd_oci_events(int argc, char **argv);
int cmd_oci_pause(int argc, char **argv);
int cmd_oci_resume(int argc, char **argv);
int cmd_oci_update(int argc, char **argv);
int cmd_oci_exec(int argc, char **argv);

#endif

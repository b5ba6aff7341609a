/* The subcommand table and usage text: main() dispatches through it. */
#ifndef ALC_CLI_COMMANDS_H
#define ALC_CLI_COMMANDS_H

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
int cmd_init(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sched(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif

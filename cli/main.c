/* alcove's entry point: the init role when PID 1 (or named init), the
 * command dispatcher otherwise. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "run.h"

static int named_init(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	return !strcmp(base, "init");
}

int main(int argc, char **argv)
{
	/* PID 1 runs a command it is given (alcove init [flags], or alcove run
	 * in a new pid namespace); the kernel's own arguments (single, ...)
	 * mean the init role with its defaults. */
	bool command = argc > 1 && (cli_find(argv[1]) || argv[1][0] == '-');
	if (getpid() == 1 && (!command || named_init(argv[0])))
		init_run(NULL, NULL, 0);
	if (argc > 0 && named_init(argv[0])) {
		/* Powering off is PID 1's alone; refuse rather than act. */
		fputs("alcove: the init role needs PID 1\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	return cli_main(argc, argv);
}

/* alcove's entry point: the init role when PID 1 (or named init), the
 * command dispatcher otherwise. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "boot.h"
#include "run.h"

static int named_init(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	return !strcmp(base, "init");
}

int main(int argc, char **argv)
{
	/* The machine's PID 1 is always the init role: the kernel's leftover
	 * arguments (single, -s, ...) are not commands. PID 1 of a child pid
	 * namespace runs a command it is given (alcove init [flags], alcove run),
	 * and the init role without one. */
	if (getpid() == 1 &&
	    (init_in_initial_pidns() || named_init(argv[0]) || argc < 2 || !cli_find(argv[1])))
		init_run(NULL, NULL, 0);
	if (argc > 0 && named_init(argv[0])) {
		/* Powering off is PID 1's alone; refuse rather than act. */
		fputs("alcove: the init role needs PID 1\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	return cli_main(argc, argv);
}

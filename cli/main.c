/* alcove's entry point: the init role when PID 1 (or named init), the
 * command dispatcher otherwise. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "pid1.h"

static int named_init(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	return !strcmp(base, "init");
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		board_pid1_main();
	if (argc > 0 && named_init(argv[0])) {
		/* Powering off is PID 1's alone; refuse rather than act. */
		fputs("alcove: the init role needs PID 1\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	return cli_main(argc, argv);
}

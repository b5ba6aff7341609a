#include <string.h>

#include "commands.h"
#include "probe.h"

int cmd_check(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts("usage: alcove check\n\nProbes the running kernel "
			     "and prints each facility as ok, degraded or "
			     "missing.\nExit status: 0 all ok; 1 degraded; 2 "
			     "cannot run (no cgroup filesystem).");
			return CLI_EXIT_OK;
		}
		return cli_usage_error("check: unknown argument '%s'", argv[i]);
	}
	struct board_probe p;
	board_probe_run(&p);
	board_probe_print(&p, stdout);
	return board_probe_verdict(&p);
}

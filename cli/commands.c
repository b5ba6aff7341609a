#include "commands.h"

#include <string.h>

#include "version.h"

static const struct cli_command commands[] = {
	{ "check", cmd_check, "probe the running kernel's facilities" },
	{ "ctl", cmd_ctl, "control alcove init: services, reload, poweroff" },
	{ "init", cmd_init, "PID 1: boot, supervise services, shut down" },
	{ "run", cmd_run, "run a command in a container" },
	{ "sched", cmd_sched, "tune cgroup CPU quotas live from PSI (daemon)" },
	{ "top", cmd_top, "live view of the groups alcove sched manages" },
};

const struct cli_command *cli_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cli_usage_line(FILE *out)
{
	fputs("usage: alcove [--version | --help] <command> [<args>]\n", out);
}

void cli_help(FILE *out)
{
	cli_usage_line(out);
	fputs("\nalcove: containers, services and a PSI-driven CPU scheduler "
	      "for Linux boards.\n\nCommands:\n",
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nOptions:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\nRun as PID 1 (or as /init or /sbin/init) alcove takes the init "
	      "role.\n"
	      "\nExit status: 0 success; 1 failure; 2 usage error.\n",
	      out);
}

int cli_usage_error(const char *fmt, const char *arg)
{
	fputs("alcove: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	cli_usage_line(stderr);
	return CLI_EXIT_USAGE;
}

int cli_main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("%s", "no command given");
	const char *a = argv[1];
	if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
		printf("alcove %s\n", ALCOVE_VERSION);
		return CLI_EXIT_OK;
	}
	if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help")) {
		cli_help(stdout);
		return CLI_EXIT_OK;
	}
	if (a[0] == '-')
		return cli_usage_error("unknown option '%s'", a);
	const struct cli_command *cmd = cli_find(a);
	if (!cmd)
		return cli_usage_error("unknown command '%s'", a);
	return cmd->run(argc - 1, argv + 1);
}

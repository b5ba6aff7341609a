/* alcove ctl: the client of alcove init's control socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"

static void usage(FILE *out)
{
	fputs("usage: alcove ctl [--socket PATH] status [NAME]\n"
	      "       alcove ctl [--socket PATH] start|stop|restart|log NAME\n"
	      "       alcove ctl [--socket PATH] reload|poweroff|reboot|halt\n"
	      "       alcove ctl [--socket PATH] sched [status|log]\n"
	      "\nTalks to alcove init (PID 1) over its control socket.\n"
	      "\nCommands:\n"
	      "  status [NAME]   services: state, pid, restarts, CPU, memory, class, quota\n"
	      "  start NAME      start a stopped or failed service\n"
	      "  stop NAME       stop a service (SIGTERM, then cgroup.kill); it stays down\n"
	      "  restart NAME    stop, then start a service\n"
	      "  log NAME        print a log = ring service's recent output\n"
	      "  reload          reread the service files (as SIGHUP does)\n"
	      "  sched [status|log]  the embedded scheduler's groups, or its decision log\n"
	      "  poweroff, reboot, halt   stop the services and end the boot\n"
	      "\nOptions:\n"
	      "  --socket PATH   control socket (default $ALCOVE_INIT_SOCKET or\n"
	      "                  /run/alcove/init.sock)\n"
	      "  -h, --help      show this help and exit\n"
	      "\nExit status: 0 done; 1 refused or init unreachable; 2 usage error.\n",
	      out);
}

static const struct {
	const char *verb;
	int args; /* 0, 1, or -1 for optional */
} verbs[] = {
	{ "status", -1 }, { "start", 1 },    { "stop", 1 },   { "restart", 1 }, { "log", 1 },
	{ "reload", 0 },  { "poweroff", 0 }, { "reboot", 0 }, { "halt", 0 },	{ "sched", -1 },
};

int cmd_ctl(int argc, char **argv)
{
	const char *sock = getenv("ALCOVE_INIT_SOCKET");
	int i = 1;
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 2 && !strcmp(argv[1], "--socket")) {
		sock = argv[2];
		i = 3;
	}
	if (!sock || !*sock)
		sock = "/run/alcove/init.sock";
	if (i >= argc)
		return cli_usage_error("%s", "ctl: no command given");
	int nargs = argc - i - 1;
	for (size_t k = 0; k < sizeof(verbs) / sizeof(*verbs); k++) {
		if (strcmp(argv[i], verbs[k].verb))
			continue;
		if ((verbs[k].args >= 0 && nargs != verbs[k].args) || nargs > 1)
			return cli_usage_error("ctl: wrong arguments for '%s'", argv[i]);
		alc_err err = { 0 };
		int r = init_ctl_call(sock, argv[i], nargs ? argv[i + 1] : NULL, stdout, &err);
		if (r != 0) {
			fprintf(stderr, "alcove ctl: %s\n", err.msg);
			return CLI_EXIT_FAILURE;
		}
		return CLI_EXIT_OK;
	}
	return cli_usage_error("ctl: unknown command '%s'", argv[i]);
}

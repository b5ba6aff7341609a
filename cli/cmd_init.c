/* alcove init: PID 1 (boot, services, shutdown), or with -- CMD a
 * subreaper that runs one command (tini mode). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "reaper.h"
#include "run.h"

static void usage(FILE *out)
{
	fputs("usage: alcove init [--config FILE] [--services DIR] [--socket PATH]\n"
	      "                   [--cgroup PATH] [--probe]\n"
	      "       alcove init -- CMD [ARG...]\n"
	      "\nAs PID 1: mounts the kernel file systems, starts the services of\n"
	      "/etc/alcove/services.d in dependency order, each in its own cgroup,\n"
	      "restarts them, schedules them by class and answers alcove ctl; SIGTERM\n"
	      "reboots, SIGUSR1 halts, SIGUSR2 powers off, SIGHUP reloads. With -- it\n"
	      "runs CMD as a child subreaper instead (any pid).\n"
	      "\nOptions:\n"
	      "  --config FILE     init's settings (default /etc/alcove/init.conf)\n"
	      "  --services DIR    service files directory\n"
	      "  --socket PATH     control socket (default /run/alcove/init.sock)\n"
	      "  --cgroup PATH     base cgroup of the services (default alcove)\n"
	      "  --probe           print the board probe report at boot\n"
	      "  -h, --help        show this help and exit\n"
	      "\nExit status: as PID 1 it never exits; 1 when not PID 1; 2 usage error;\n"
	      "with -- CMD, CMD's status (128+N for signal N).\n",
	      out);
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "services", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "probe", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct init_flag flags[8];
	size_t n = 0;
	const char *config = NULL;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 's':
			flags[n++] = (struct init_flag){ "services", optarg, "--services" };
			break;
		case 'S':
			flags[n++] = (struct init_flag){ "socket", optarg, "--socket" };
			break;
		case 'g':
			flags[n++] = (struct init_flag){ "cgroup", optarg, "--cgroup" };
			break;
		case 'p':
			flags[n++] = (struct init_flag){ "probe", "yes", "--probe" };
			break;
		default:
			return cli_usage_error("init: unknown option '%s'", argv[optind - 1]);
		}
		if (n == sizeof(flags) / sizeof(*flags))
			return cli_usage_error("%s", "init: too many options");
	}
	if (optind < argc && !strcmp(argv[optind - 1], "--"))
		return init_reaper_main(argv + optind);
	if (optind < argc)
		return cli_usage_error("init: unexpected argument '%s' (-- CMD runs a command)",
				       argv[optind]);
	if (getpid() != 1) {
		fputs("alcove init: not PID 1 (run it as the kernel's init or in a new pid "
		      "namespace, or use alcove init -- CMD)\n",
		      stderr);
		return CLI_EXIT_FAILURE;
	}
	init_run(config, flags, n);
}

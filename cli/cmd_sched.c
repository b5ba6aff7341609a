/* alcove sched: the scheduler daemon's front end, and its log/status
 * client over the control socket. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "loop.h"

static void usage(FILE *out)
{
	fputs("usage: alcove sched [--config FILE] [--group PATH=CLASS]... [--mode psi|poll]\n"
	      "                    [--writer auto|uring|sync] [--budget CPUS] [--batch-budget "
	      "CPUS]\n"
	      "                    [--socket PATH]\n"
	      "       alcove sched log|status [--socket PATH]\n"
	      "\nTunes the CPU quota of the given cgroups live: PATH is relative to the\n"
	      "cgroup root (on hybrid and v1 hosts the same PATH in the v1 cpu hierarchy\n"
	      "carries the quota), CLASS is latency, default or batch. A latency group's\n"
	      "stall cuts the batch groups' quota at once; calm lets it grow back.\n"
	      "On SIGTERM or SIGINT every setting it changed is restored.\n"
	      "\nOptions:\n"
	      "  --config FILE          read settings from FILE (key = value lines)\n"
	      "  --group PATH=CLASS     manage a group (repeatable)\n"
	      "  --mode psi|poll        PSI triggers (default) or cpu.stat polling only\n"
	      "  --writer auto|uring|sync  how the cgroup writes go out\n"
	      "  --budget CPUS          total quota of all managed groups\n"
	      "  --batch-budget CPUS    total quota of the batch groups\n"
	      "  --socket PATH          control socket (default /run/alcove/sched.sock)\n"
	      "  -h, --help             show this help and exit\n"
	      "\nExit status: 0 stopped by a signal, settings restored; 1 failure; 2 usage or\n"
	      "configuration error.\n",
	      out);
}

static int client(int argc, char **argv)
{
	const char *sock = "/run/alcove/sched.sock";
	if (argc == 4 && !strcmp(argv[2], "--socket"))
		sock = argv[3];
	else if (argc != 2)
		return cli_usage_error("sched %s: want [--socket PATH]", argv[1]);
	alc_err err = { 0 };
	if (sched_ctl(sock, argv[1], stdout, &err) < 0) {
		fprintf(stderr, "alcove sched %s: %s\n", argv[1], err.msg);
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

int cmd_sched(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "writer", required_argument, NULL, 'w' },
		{ "budget", required_argument, NULL, 'b' },
		{ "batch-budget", required_argument, NULL, 'B' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	if (argc >= 2 && (!strcmp(argv[1], "log") || !strcmp(argv[1], "status")))
		return client(argc, argv);
	struct sched_config cfg;
	alc_err err = { 0 };
	sched_config_init(&cfg);
	opterr = 0;
	optind = 1;
	int opt, r = 0;
	while (r == 0 && (opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		static const char *const keys[] = {
			['g'] = "group",  ['m'] = "mode",	  ['w'] = "writer",
			['b'] = "budget", ['B'] = "batch-budget", ['s'] = "socket"
		};
		char where[32], value[512];
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'c':
			r = sched_config_load(&cfg, optarg, &err);
			break;
		case 'g': {
			/* --group PATH=CLASS is the file's "group = PATH CLASS". */
			snprintf(value, sizeof(value), "%s", optarg);
			char *eq = strrchr(value, '=');
			if (eq)
				*eq = ' ';
			snprintf(where, sizeof(where), "--group");
			r = sched_config_set(&cfg, "group", value, where, &err);
			break;
		}
		case 'm':
		case 'w':
		case 'b':
		case 'B':
		case 's':
			snprintf(where, sizeof(where), "--%s", keys[opt]);
			r = sched_config_set(&cfg, keys[opt], optarg, where, &err);
			break;
		default:
			return cli_usage_error("sched: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (r == 0 && optind < argc)
		return cli_usage_error("sched: unexpected argument '%s'", argv[optind]);
	if (r == 0 && cfg.n_groups == 0)
		return cli_usage_error("%s", "sched: no groups to manage (--group or --config)");
	if (r < 0) {
		fprintf(stderr, "alcove sched: %s\n", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (sched_run(&cfg, &err) < 0) {
		fprintf(stderr, "alcove sched: %s\n", err.msg);
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

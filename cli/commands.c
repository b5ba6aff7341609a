#include "commands.h"

#include <string.h>

#include "version.h"

struct cli_globals cli_globals;

static const struct cli_command commands[] = {
	{ "check", cmd_check, "probe the running kernel's facilities" },
	{ "ctl", cmd_ctl, "control alcove init: services, reload, poweroff" },
	{ "features", cmd_features, "print the OCI features this runtime supports (JSON)" },
	{ "init", cmd_init, "PID 1: boot, supervise services, shut down" },
	{ "run", cmd_run, "run a command in a container" },
	{ "create", cmd_oci_create, "OCI: create a container from a bundle, parked" },
	{ "start", cmd_oci_start, "OCI: start a created container" },
	{ "state", cmd_oci_state, "OCI: print a container's state as JSON" },
	{ "kill", cmd_oci_kill, "OCI: send a signal to a container" },
	{ "delete", cmd_oci_delete, "OCI: delete a container" },
	{ "exec", cmd_oci_exec, "OCI: run a process in a running container" },
	{ "list", cmd_oci_list, "OCI: list containers" },
	{ "ps", cmd_oci_ps, "OCI: list a container's processes" },
	{ "events", cmd_oci_events, "OCI: a container's statistics and OOM events as JSON lines" },
	{ "pause", cmd_oci_pause, "OCI: freeze a container" },
	{ "resume", cmd_oci_resume, "OCI: thaw a paused container" },
	{ "update", cmd_oci_update, "OCI: change a container's resource limits" },
	{ "sched", cmd_sched, "tune cgroup CPU quotas live from PSI (daemon)" },
	{ "spec", cmd_spec, "write a default OCI config.json into a bundle" },
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
	fputs("usage: alcove [--version | --help] [GLOBAL OPTIONS] <command> [<args>]\n", out);
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
	      "\nGlobal options (before the command; the OCI commands use them):\n"
	      "  --root DIR            state directory (default /run/alcove)\n"
	      "  --log FILE            also write errors to FILE\n"
	      "  --log-format FORMAT   text or json\n"
	      "  --debug               log each OCI command to the --log file\n"
	      "  --systemd-cgroup      refused: alcove manages cgroupfs paths only\n"
	      "  --rootless VALUE      accepted for runc compatibility; ignored\n"
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

/* Takes a global flag at argv[*i] ("--root DIR" or "--root=DIR"); returns
 * 1 taken, 0 not a global flag, or CLI_EXIT_USAGE. */
static int global_flag(int argc, char **argv, int *i)
{
	static const char *const with_value[] = { "--root", "--log", "--log-format", "--rootless",
						  "--criu" };
	const char *a = argv[*i], *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	if (!strcmp(a, "--debug") || !strcmp(a, "--systemd-cgroup")) {
		cli_globals.debug |= a[2] == 'd';
		cli_globals.systemd_cgroup |= a[2] == 's';
		return 1;
	}
	for (size_t k = 0; k < sizeof(with_value) / sizeof(*with_value); k++) {
		if (strlen(with_value[k]) != len || strncmp(a, with_value[k], len))
			continue;
		const char *v = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!v)
			return cli_usage_error("option '%s' needs a value", a);
		if (k == 0)
			cli_globals.root = v;
		else if (k == 1)
			cli_globals.log = v;
		else if (k == 2 && strcmp(v, "text") && strcmp(v, "json"))
			return cli_usage_error("--log-format '%s': want text or json", v);
		else if (k == 2)
			cli_globals.log_json = !strcmp(v, "json");
		return 1;
	}
	return 0;
}

int cli_main(int argc, char **argv)
{
	int i = 1;
	for (int r; i < argc && argv[i][0] == '-' && (r = global_flag(argc, argv, &i)); i++)
		if (r != 1)
			return r;
	argc -= i - 1;
	argv += i - 1;
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

/* alcove check [--json] [--profile NAME|FILE] [--sysroot DIR] */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "probe.h"
#include "report.h"

static const char check_help[] =
	"usage: alcove check [--json] [--profile NAME|FILE] [--sysroot DIR]\n"
	"\n"
	"Probes the running kernel and the board and prints each facility as ok,\n"
	"degraded or missing, with the fallback alcove uses when it is not ok.\n"
	"\n"
	"Options:\n"
	"  --json            print one JSON object instead of text\n"
	"  --profile NAME    use the built-in board profile NAME (or a profile\n"
	"                    file when the value contains '/') instead of the one\n"
	"                    picked from the board model\n"
	"  --sysroot DIR     read the board model and CPU topology below DIR\n"
	"                    (DIR/proc/device-tree/model, DIR/sys/...): for tests\n"
	"  -h, --help        show this help and exit\n"
	"\n"
	"Exit status: 0 all ok; 1 degraded; 2 cannot run (no cgroup filesystem)\n"
	"or bad arguments.\n";

/* Reports a bad argument in one line; returns CLI_EXIT_USAGE. */
static int bad_arg(const char *msg)
{
	fprintf(stderr, "alcove: check: %s\n", msg);
	return CLI_EXIT_USAGE;
}

/* Takes the value of option argv[*i]; NULL (after the usage error) if none. */
static const char *option_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		cli_usage_error("check: %s needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

/* Prints the probe as JSON; returns 0 or -ENOMEM. */
static int print_json(const struct board_probe *p)
{
	struct json_object *o = board_report_json(p);
	if (!o)
		return -ENOMEM;
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	const char *profile = NULL, *sysroot = "/";
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(check_help, stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--profile")) {
			if (!(profile = option_value(argc, argv, &i)))
				return CLI_EXIT_USAGE;
		} else if (!strcmp(argv[i], "--sysroot")) {
			if (!(sysroot = option_value(argc, argv, &i)))
				return CLI_EXIT_USAGE;
		} else {
			return cli_usage_error("check: unknown argument '%s'", argv[i]);
		}
	}
	alc_err err = { 0 };
	char msg[700];
	struct stat st;
	int bad = stat(sysroot, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (bad) {
		snprintf(msg, sizeof(msg), "--sysroot '%s': %s", sysroot, strerror(bad));
		return bad_arg(msg);
	}
	struct board_profile prof;
	if (profile && board_profile_choose(profile, "", &prof, &err) < 0) {
		snprintf(msg, sizeof(msg), "--profile '%s': %s", profile, err.msg);
		return bad_arg(msg);
	}
	struct board_probe p;
	board_probe_run(&p, sysroot);
	if (!profile && board_profile_choose(NULL, p.model, &prof, &err) < 0)
		return bad_arg(err.msg); /* a built-in profile failed to parse */
	board_probe_use_profile(&p, &prof);
	if (json) {
		if (print_json(&p) < 0)
			return bad_arg("out of memory building JSON");
	} else {
		board_report_text(&p, stdout);
	}
	return board_probe_verdict(&p);
}

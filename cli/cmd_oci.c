/* The OCI runtime's main commands as runc spells them: create, start,
 * run, state, kill, delete. Flags are parsed here; oci/ does the work. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_oci.h"
#include "commands.h"
#include "oci.h"

#define CREATE_HELP                                                                                \
	"  -b, --bundle DIR        the bundle (config.json and rootfs); default .\n"               \
	"  --pid-file FILE         write the container process's pid to FILE\n"                    \
	"  --console-socket PATH   send the pty master there (process.terminal)\n"                 \
	"  --preserve-fds N        pass fds 3..3+N-1 on (after $LISTEN_FDS ones)\n"                \
	"  --no-pivot              move the rootfs onto / and chroot (an initramfs root)\n"        \
	"  --no-new-keyring        keep the caller's session keyring (else alcove:ID)\n"

/* Flags create and run share; returns -1 to go on or an exit code. */
static int parse_create(const struct oci_cmd *cmd, int argc, char **argv, struct oci_create_opts *o,
			bool *detach, char **id)
{
	const char *preserve = NULL;
	bool unused = false;
	const struct oci_opt opts[] = {
		{ "--bundle", 'b', OCI_OPT_STR, &o->bundle },
		{ "--pid-file", 0, OCI_OPT_STR, &o->pid_file },
		{ "--console-socket", 0, OCI_OPT_STR, &o->console_socket },
		{ "--preserve-fds", 0, OCI_OPT_STR, &preserve },
		{ "--no-pivot", 0, OCI_OPT_BOOL, &o->no_pivot },
		{ "--no-new-keyring", 0, OCI_OPT_BOOL, &o->no_new_keyring },
		{ "--detach", 'd', OCI_OPT_BOOL, detach ? detach : &unused },
		{ "--no-subreaper", 0, OCI_OPT_BOOL, &unused },
		{ NULL, 0, 0, NULL },
	};
	char **pos = NULL;
	int npos, rc = oci_cli_begin(cmd, argc, argv);
	if (rc < 0)
		rc = oci_cli_parse(cmd, opts, argc, argv, &pos, &npos);
	alc_err err = { 0 };
	if (rc < 0 && preserve && oci_cli_uint("--preserve-fds", preserve, &o->preserve_fds, &err))
		rc = oci_cli_fail(cmd, &err);
	if (rc < 0)
		*id = pos[0];
	free(pos);
	return rc;
}

int cmd_oci_create(int argc, char **argv)
{
	static const struct oci_cmd cmd = { "create", "[OPTIONS] ID", CREATE_HELP, 1, 1 };
	struct oci_create_opts o = { 0 };
	char *id;
	alc_err err = { 0 };
	int rc = parse_create(&cmd, argc, argv, &o, NULL, &id);
	if (rc >= 0)
		return rc;
	return oci_create(oci_cli_root(), id, &o, &err) < 0 ? oci_cli_fail(&cmd, &err)
							    : CLI_EXIT_OK;
}

bool cmd_oci_run_wanted(int argc, char **argv)
{
	static const char *const oci_only[] = {
		"--bundle", "-b",	  "--pid-file",	      "--console-socket", "--detach",
		"-d",	    "--no-pivot", "--no-new-keyring", "--no-subreaper"
	};
	if (cli_globals.root || cli_globals.log || cli_globals.debug || cli_globals.systemd_cgroup)
		return true;
	int operands = 0;
	const char *last = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false; /* run ROOTFS -- CMD */
		for (size_t k = 0; k < sizeof(oci_only) / sizeof(*oci_only); k++) {
			size_t len = strlen(oci_only[k]);
			if (!strncmp(argv[i], oci_only[k], len) &&
			    (argv[i][len] == '\0' || argv[i][len] == '='))
				return true;
		}
		if (argv[i][0] != '-') {
			operands++;
			last = argv[i];
		}
	}
	struct stat st;
	return operands == 1 && stat(last, &st) < 0;
}

int cmd_oci_run(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"run", "[OPTIONS] ID",
		CREATE_HELP "  -d, --detach            return once started; else wait, delete\n"
			    "                          and exit with the process's status\n",
		1, 1
	};
	struct oci_create_opts o = { 0 };
	bool detach = false;
	char *id;
	alc_err err = { 0 };
	int rc = parse_create(&cmd, argc, argv, &o, &detach, &id);
	if (rc >= 0)
		return rc;
	int code;
	if (oci_run(oci_cli_root(), id, &o, detach, &code, &err) < 0) {
		oci_cli_fail(&cmd, &err);
		return code ? code : CLI_EXIT_FAILURE;
	}
	return code;
}

/* Commands that take only an id (and maybe boolean flags). */
static int id_only(const struct oci_cmd *cmd, const struct oci_opt *opts, int argc, char **argv,
		   char **id)
{
	static const struct oci_opt none[] = { { NULL, 0, 0, NULL } };
	char **pos = NULL;
	int npos, rc = oci_cli_begin(cmd, argc, argv);
	if (rc < 0)
		rc = oci_cli_parse(cmd, opts ? opts : none, argc, argv, &pos, &npos);
	if (rc < 0)
		*id = pos[0];
	free(pos);
	return rc;
}

int cmd_oci_start(int argc, char **argv)
{
	static const struct oci_cmd cmd = { "start", "ID", "", 1, 1 };
	char *id;
	alc_err err = { 0 };
	int rc = id_only(&cmd, NULL, argc, argv, &id);
	if (rc >= 0)
		return rc;
	return oci_start(oci_cli_root(), id, &err) < 0 ? oci_cli_fail(&cmd, &err) : CLI_EXIT_OK;
}

int cmd_oci_state(int argc, char **argv)
{
	static const struct oci_cmd cmd = { "state", "ID", "", 1, 1 };
	char *id;
	alc_err err = { 0 };
	struct oci_state st;
	int rc = id_only(&cmd, NULL, argc, argv, &id);
	if (rc >= 0)
		return rc;
	if (oci_state_load(oci_cli_root(), id, &st, &err) < 0)
		return oci_cli_fail(&cmd, &err);
	char *json = oci_state_json(&st);
	oci_state_free(&st);
	if (!json) {
		alc_err_set(&err, ENOMEM, "state");
		return oci_cli_fail(&cmd, &err);
	}
	puts(json);
	free(json);
	return CLI_EXIT_OK;
}

int cmd_oci_kill(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"kill", "[OPTIONS] ID [SIGNAL]",
		"  -a, --all   signal every process in the container's cgroup\n"
		"  SIGNAL      a number, TERM or SIGTERM (default SIGTERM)\n",
		1, 2
	};
	bool all = false;
	const struct oci_opt opts[] = { { "--all", 'a', OCI_OPT_BOOL, &all },
					{ NULL, 0, 0, NULL } };
	char **pos = NULL;
	int npos, sig = SIGTERM, rc = oci_cli_begin(&cmd, argc, argv);
	alc_err err = { 0 };
	if (rc < 0)
		rc = oci_cli_parse(&cmd, opts, argc, argv, &pos, &npos);
	if (rc >= 0)
		return rc;
	if (npos == 2 && oci_signal_parse(pos[1], &sig) < 0)
		alc_err_setx(&err, EINVAL, "unknown signal \"%s\"", pos[1]);
	else if (oci_kill(oci_cli_root(), pos[0], sig, all, &err) == 0)
		rc = CLI_EXIT_OK;
	free(pos);
	return rc == CLI_EXIT_OK ? rc : oci_cli_fail(&cmd, &err);
}

int cmd_oci_delete(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"delete", "[OPTIONS] ID",
		"  -f, --force   kill a running or paused container first\n", 1, 1
	};
	bool force = false;
	const struct oci_opt opts[] = { { "--force", 'f', OCI_OPT_BOOL, &force },
					{ NULL, 0, 0, NULL } };
	char *id;
	alc_err err = { 0 };
	int rc = id_only(&cmd, opts, argc, argv, &id);
	if (rc >= 0)
		return rc;
	return oci_delete(oci_cli_root(), id, force, &err) < 0 ? oci_cli_fail(&cmd, &err)
							       : CLI_EXIT_OK;
}

/* The OCI runtime's other commands: list, ps, pause, resume, update, exec. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_oci.h"
#include "commands.h"
#include "fileio.h"
#include "oci.h"
#include "units.h"

static bool want_json(const char *format, const struct oci_cmd *cmd, int *rc)
{
	alc_err err = { 0 };
	if (!format || !strcmp(format, "table"))
		return false;
	if (!strcmp(format, "json"))
		return true;
	alc_err_setx(&err, EINVAL, "--format %s: want table or json", format);
	*rc = oci_cli_fail(cmd, &err);
	return false;
}

static void list_print(const char *root, char **ids, int n, bool json)
{
	json_object *arr = json_object_new_array();
	if (!json)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	for (int i = 0; i < n; i++) {
		struct oci_state st;
		if (oci_state_load(root, ids[i], &st, NULL) < 0)
			continue; /* deleted meanwhile */
		int pid = st.status == OCI_STOPPED ? 0 : (int)st.pid;
		const char *status = oci_status_name(st.status);
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
			json_object_object_add(o, "id", json_object_new_string(st.id));
			json_object_object_add(o, "pid", json_object_new_int(pid));
			json_object_object_add(o, "status", json_object_new_string(status));
			json_object_object_add(o, "bundle",
					       json_object_new_string(st.bundle ? st.bundle : ""));
			json_object_object_add(o, "rootfs",
					       json_object_new_string(st.rootfs ? st.rootfs : ""));
			json_object_object_add(
				o, "created", json_object_new_string(st.created ? st.created : ""));
			json_object_object_add(o, "owner", json_object_new_string("root"));
			json_object_array_add(arr, o);
		} else {
			printf("%-20s %-8d %-10s %-40s %s\n", st.id, pid, status,
			       st.bundle ? st.bundle : "", st.created ? st.created : "");
		}
		oci_state_free(&st);
	}
	if (json)
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

int cmd_oci_list(int argc, char **argv)
{
	static const struct oci_cmd cmd = { "list", "[OPTIONS]",
					    "  -f, --format FORMAT   table or json\n"
					    "  -q, --quiet           print the ids only\n",
					    0, 0 };
	const char *format = NULL;
	bool quiet = false;
	const struct oci_opt opts[] = { { "--format", 'f', OCI_OPT_STR, &format },
					{ "--quiet", 'q', OCI_OPT_BOOL, &quiet },
					{ NULL, 0, 0, NULL } };
	char **pos = NULL, **ids = NULL;
	int npos, rc = oci_cli_begin(&cmd, argc, argv);
	alc_err err = { 0 };
	if (rc < 0)
		rc = oci_cli_parse(&cmd, opts, argc, argv, &pos, &npos);
	free(rc < 0 ? pos : NULL);
	bool json = rc < 0 && want_json(format, &cmd, &rc);
	if (rc >= 0)
		return rc;
	int n = oci_state_list(oci_cli_root(), &ids, &err);
	if (n < 0)
		return oci_cli_fail(&cmd, &err);
	if (quiet)
		for (int i = 0; i < n; i++)
			puts(ids[i]);
	else
		list_print(oci_cli_root(), ids, n, json);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return CLI_EXIT_OK;
}

int cmd_oci_ps(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"ps", "[OPTIONS] ID [-- PS_ARGS...]",
		"  -f, --format FORMAT   table (the host's ps PS_ARGS, -ef "
		"by default, cut to the container's processes) or json (an "
		"array of pids)\n",
		1, -1
	};
	const char *format = NULL;
	const struct oci_opt opts[] = { { "--format", 'f', OCI_OPT_STR, &format },
					{ NULL, 0, 0, NULL } };
	char **pos = NULL;
	int npos, rc = oci_cli_begin(&cmd, argc, argv);
	if (rc < 0)
		rc = oci_cli_parse(&cmd, opts, argc, argv, &pos, &npos);
	if (rc >= 0)
		return rc;
	bool json = want_json(format, &cmd, &rc);
	pid_t *pids = NULL;
	size_t n = 0;
	alc_err err = { 0 };
	if (rc < 0 && json && npos > 1 + (npos > 1 && !strcmp(pos[1], "--"))) {
		fprintf(stderr, "alcove ps: ps arguments need --format table\n");
		rc = CLI_EXIT_USAGE;
	}
	if (rc < 0 && oci_ps(oci_cli_root(), pos[0], &pids, &n, &err) < 0)
		rc = oci_cli_fail(&cmd, &err);
	int skip = npos > 1 && !strcmp(pos[1], "--"); /* ps's own options follow */
	if (rc < 0 && !json &&
	    oci_ps_table(pids, n, pos + 1 + skip, npos - 1 - skip, stdout, &err) < 0)
		rc = oci_cli_fail(&cmd, &err);
	free(pos);
	if (rc < 0 && json) {
		fputc('[', stdout);
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
	}
	free(pids);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

static int pause_resume(const struct oci_cmd *cmd, int argc, char **argv, bool pause)
{
	static const struct oci_opt none[] = { { NULL, 0, 0, NULL } };
	char **pos = NULL;
	alc_err err = { 0 };
	int npos, rc = oci_cli_begin(cmd, argc, argv);
	if (rc < 0)
		rc = oci_cli_parse(cmd, none, argc, argv, &pos, &npos);
	if (rc >= 0)
		return rc;
	rc = oci_pause(oci_cli_root(), pos[0], pause, &err) < 0 ? oci_cli_fail(cmd, &err)
								: CLI_EXIT_OK;
	free(pos);
	return rc;
}

int cmd_oci_pause(int argc, char **argv)
{
	static const struct oci_cmd cmd = { "pause", "ID", "", 1, 1 };
	return pause_resume(&cmd, argc, argv, true);
}

int cmd_oci_resume(int argc, char **argv)
{
	static const struct oci_cmd cmd = { "resume", "ID", "", 1, 1 };
	return pause_resume(&cmd, argc, argv, false);
}

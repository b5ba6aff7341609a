#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_oci.h"
#include "commands.h"
#include "state.h"
#include "units.h"

const char *oci_cli_root(void)
{
	return cli_globals.root ? cli_globals.root : OCI_ROOT_DEFAULT;
}

static void log_line(const char *level, const char *msg)
{
	if (!cli_globals.log)
		return;
	int fd = open(cli_globals.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return; /* stderr already has the message */
	char when[64];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%09ldZ", ts.tv_nsec);
	if (cli_globals.log_json) {
		/* containerd's shim reads the last error line of this file. */
		json_object *o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(when));
		dprintf(fd, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		dprintf(fd, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	close(fd);
}

int oci_cli_fail(const struct oci_cmd *cmd, const alc_err *err)
{
	char msg[640];
	snprintf(msg, sizeof(msg), "alcove %s: %s", cmd->name, err->msg);
	fprintf(stderr, "%s\n", msg);
	log_line("error", msg);
	return CLI_EXIT_FAILURE;
}

static int usage_error(const struct oci_cmd *cmd, const char *what, const char *arg)
{
	char msg[640];
	snprintf(msg, sizeof(msg), "alcove %s: %s%s", cmd->name, what, arg);
	fprintf(stderr, "%s\nusage: alcove %s %s\n", msg, cmd->name, cmd->usage);
	log_line("error", msg);
	return CLI_EXIT_USAGE;
}

int oci_cli_begin(const struct oci_cmd *cmd, int argc, char **argv)
{
	if (cli_globals.debug) {
		char line[1024];
		size_t off = (size_t)snprintf(line, sizeof(line), "alcove");
		for (int i = 0; i < argc && off < sizeof(line); i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s", argv[i]);
		log_line("debug", line);
	}
	if (cli_globals.systemd_cgroup) {
		alc_err err;
		alc_err_setx(&err, ENOTSUP,
			     "--systemd-cgroup is not supported: alcove manages cgroupfs paths "
			     "(use the cgroupfs cgroup manager)");
		return oci_cli_fail(cmd, &err);
	}
	return -1;
}

int oci_cli_uint(const char *flag, const char *s, unsigned *out, alc_err *err)
{
	int64_t v;
	if (alc_parse_int(s, 0, 1 << 20, &v) < 0)
		return alc_err_setx(err, EINVAL, "%s %s: want a non-negative number", flag, s);
	*out = (unsigned)v;
	return 0;
}

static const struct oci_opt *find_opt(const struct oci_opt *opts, const char *a, size_t len)
{
	for (const struct oci_opt *o = opts; o->name; o++) {
		if (a[1] != '-' && len == 2 && o->shrt == a[1])
			return o;
		if (a[1] == '-' && strlen(o->name) == len && !strncmp(o->name, a, len))
			return o;
	}
	return NULL;
}

static int take(const struct oci_opt *o, const char *v)
{
	if (o->kind == OCI_OPT_STR) {
		*(const char **)o->dst = v;
		return 0;
	}
	struct oci_list *l = o->dst;
	const char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	nv[l->n++] = v;
	l->v = nv;
	return 0;
}

static int parse(const struct oci_cmd *cmd, const struct oci_opt *opts, int argc, char **argv,
		 char ***pos, int *npos);

int oci_cli_parse(const struct oci_cmd *cmd, const struct oci_opt *opts, int argc, char **argv,
		  char ***pos, int *npos)
{
	int rc = parse(cmd, opts, argc, argv, pos, npos);
	if (rc >= 0) {
		free(*pos); /* the caller only uses the operands to go on */
		*pos = NULL;
	}
	return rc;
}

static int parse(const struct oci_cmd *cmd, const struct oci_opt *opts, int argc, char **argv,
		 char ***pos, int *npos)
{
	*npos = 0;
	*pos = calloc((size_t)argc + 1, sizeof(**pos));
	if (!*pos)
		return CLI_EXIT_FAILURE;
	bool rest = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (rest || a[0] != '-' || !a[1]) {
			(*pos)[(*npos)++] = argv[i];
			rest = cmd->max_pos < 0 && *npos >= cmd->min_pos;
			continue;
		}
		if (!strcmp(a, "--")) {
			rest = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: alcove %s %s\n\nOptions:\n%s  -h, --help  show this help\n",
			       cmd->name, cmd->usage, cmd->help);
			return CLI_EXIT_OK;
		}
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const struct oci_opt *o = find_opt(opts, a, len);
		if (!o)
			return usage_error(cmd, "unknown option ", a);
		if (o->kind == OCI_OPT_BOOL) {
			/* runc's boolean flags also take --flag=true|false. */
			*(bool *)o->dst = !eq || strcmp(eq + 1, "false");
			continue;
		}
		const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
		if (!v)
			return usage_error(cmd, "missing value for ", a);
		if (take(o, v) < 0)
			return CLI_EXIT_FAILURE;
	}
	if (*npos < cmd->min_pos)
		return usage_error(
			cmd, cmd->min_pos == 1 ? "missing container id" : "missing operands", "");
	if (cmd->max_pos >= 0 && *npos > cmd->max_pos)
		return usage_error(cmd, "unexpected operand ", (*pos)[cmd->max_pos]);
	return -1;
}

/* Shared by the OCI commands' front ends: a runc-style flag parser
 * ("--flag value", "--flag=value", short aliases, flags among the
 * operands) and error reporting to stderr and the --log file. */
#ifndef ALC_CLI_CMD_OCI_H
#define ALC_CLI_CMD_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum oci_opt_kind { OCI_OPT_BOOL, OCI_OPT_STR, OCI_OPT_LIST };

struct oci_opt {
	const char *name; /* "--bundle" */
	char shrt;	  /* 'b', or 0 */
	enum oci_opt_kind kind;
	void *dst; /* bool *, const char **, or struct oci_list * */
};

struct oci_list {
	const char **v;
	size_t n;
};

struct oci_cmd {
	const char *name;  /* "create" */
	const char *usage; /* "[OPTIONS] ID" */
	const char *help;  /* the options, one per line */
	int min_pos, max_pos;
};

/* Parses argv (argv[0] is the command) into opts and up to max_pos operands
 * (the rest, after "--" or once max_pos are taken, go on as operands too
 * when max_pos < 0); returns -1 to go on, or an exit code (help printed:
 * 0; usage error: 2). */
int oci_cli_parse(const struct oci_cmd *cmd, const struct oci_opt *opts, int argc, char **argv,
		  char ***pos, int *npos);

/* Prints "alcove CMD: MSG" to stderr and appends it to the --log file
 * (text or json); returns CLI_EXIT_FAILURE. */
int oci_cli_fail(const struct oci_cmd *cmd, const alc_err *err);

/* The state root: --root or /run/alcove. */
const char *oci_cli_root(void);

/* Refuses what alcove cannot honour (--systemd-cgroup); logs the call with
 * --debug. Returns -1 to go on, or an exit code. */
int oci_cli_begin(const struct oci_cmd *cmd, int argc, char **argv);

/* Parses --preserve-fds N; returns 0 or -EINVAL with err naming it. */
int oci_cli_uint(const char *flag, const char *s, unsigned *out, alc_err *err);

#endif

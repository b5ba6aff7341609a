/* alcove events: a container's statistics as JSON lines, as runc prints
 * them (oci/events.c does the work). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_oci.h"
#include "commands.h"
#include "oci.h"

int cmd_oci_events(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"events", "[OPTIONS] ID",
		"      --stats           print the statistics once and exit\n"
		"      --interval D      between two statistics lines (default 5s; "
		"ms, s, m, h: 500ms, 1m30s)\n",
		1, 1
	};
	bool once = false;
	const char *interval = NULL;
	const struct oci_opt opts[] = { { "--stats", 0, OCI_OPT_BOOL, &once },
					{ "--interval", 0, OCI_OPT_STR, &interval },
					{ NULL, 0, 0, NULL } };
	char **pos = NULL;
	int npos, rc = oci_cli_begin(&cmd, argc, argv);
	if (rc < 0)
		rc = oci_cli_parse(&cmd, opts, argc, argv, &pos, &npos);
	if (rc >= 0)
		return rc;
	alc_err err = { 0 };
	uint64_t ms = 5000;
	if (interval && oci_parse_duration_ms(interval, &ms) < 0) {
		alc_err_setx(&err, EINVAL,
			     "--interval %s: want a duration such as 5s, 500ms or 1m30s "
			     "(1 ms to 24 h)",
			     interval);
		rc = oci_cli_fail(&cmd, &err);
	} else if (oci_events(oci_cli_root(), pos[0], once, ms, stdout, &err) < 0) {
		rc = oci_cli_fail(&cmd, &err);
	}
	free(pos);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

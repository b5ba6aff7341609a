/* alcove features: the runtime-spec features document on stdout (what
 * containerd and podman may ask the runtime before using it). */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "commands.h"
#include "oci/features_json.h"

static const char features_help[] =
	"usage: alcove features\n"
	"\n"
	"Prints, as JSON, what this runtime supports: the OCI versions, hooks,\n"
	"mount options, namespaces, capabilities, cgroup versions, seccomp\n"
	"actions, operators and architectures, and the LSMs.\n"
	"\n"
	"Options:\n"
	"  -h, --help  show this help and exit\n"
	"\n"
	"Exit status: 0 printed; 1 out of memory; 2 usage error.\n";

int cmd_features(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(features_help, stdout);
			return CLI_EXIT_OK;
		}
		return cli_usage_error("features: unknown argument '%s'", argv[i]);
	}
	_cleanup_free_ char *json = oci_features_json();
	if (!json) {
		fputs("alcove features: out of memory\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	fputs(json, stdout);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

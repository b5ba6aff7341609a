/* alcove spec [--rootless] [--bundle DIR]: writes the default config.json
 * (oci/config.h renders it), as runc spec does, never over an existing
 * one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "oci/config.h"

static const char spec_help[] =
	"usage: alcove spec [--rootless] [-b DIR | --bundle DIR]\n"
	"\n"
	"Writes a default OCI config.json into the bundle directory (default: the\n"
	"current one): the process sh on a terminal, root rootfs/ read-only,\n"
	"pid, network, ipc, uts and mount namespaces, the default capabilities,\n"
	"masked and read-only paths. An existing config.json is never replaced.\n"
	"\n"
	"Options:\n"
	"  --rootless        a config for an unprivileged user: a user namespace\n"
	"                    mapping your uid and gid to root instead of a network\n"
	"                    namespace, /sys bound from the host, no cgroup limits\n"
	"  -b, --bundle DIR  write DIR/config.json\n"
	"  -h, --help        show this help and exit\n"
	"\n"
	"Exit status: 0 written; 1 config.json exists or cannot be written;\n"
	"2 usage error.\n";

/* Writes all of text to fd; returns 0 or -errno. */
static int write_all(int fd, const char *text)
{
	for (size_t off = 0, len = strlen(text); off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

static int write_spec(const char *bundle, bool rootless)
{
	_cleanup_free_ char *text = oci_config_default(rootless, getuid(), getgid());
	if (!text) {
		fputs("alcove spec: out of memory\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	_cleanup_close_ int dir = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		fprintf(stderr, "alcove spec: bundle %s: %s\n", bundle, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	_cleanup_close_ int fd =
		openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST) {
		fprintf(stderr, "alcove spec: %s/config.json: already exists; remove it first\n",
			bundle);
		return CLI_EXIT_FAILURE;
	}
	int r = fd < 0 ? -errno : write_all(fd, text);
	if (r < 0) {
		fprintf(stderr, "alcove spec: %s/config.json: %s\n", bundle, strerror(-r));
		if (fd >= 0 && unlinkat(dir, "config.json", 0) < 0)
			fprintf(stderr, "alcove spec: remove %s/config.json: %s\n", bundle,
				strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

int cmd_spec(int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(spec_help, stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--rootless")) {
			rootless = true;
		} else if (!strcmp(a, "--bundle") || !strcmp(a, "-b")) {
			if (i + 1 >= argc)
				return cli_usage_error("spec: %s needs a directory", a);
			bundle = argv[++i];
		} else if (!strncmp(a, "--bundle=", 9)) {
			bundle = a + 9;
		} else {
			return cli_usage_error("spec: unknown argument '%s'", a);
		}
	}
	return write_spec(bundle, rootless);
}

/* Board identification: the model string (device tree, else DMI) and the
 * CPU topology (cpu_capacity per CPU), read below a sysroot so tests can
 * feed fake trees. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "probe.h"

/* Reads a one-line sysfs/procfs string, dropping NULs and the newline. */
static int read_string(int rootfd, const char *path, char *out, size_t len)
{
	_cleanup_free_ char *text = NULL;
	long n = alc_read_file_at(rootfd, path, &text);
	if (n < 0)
		return (int)n;
	size_t end = strnlen(text, (size_t)n);
	while (end && (text[end - 1] == '\n' || text[end - 1] == ' '))
		end--;
	if (end == 0)
		return -ENODATA;
	snprintf(out, len, "%.*s", (int)end, text);
	return 0;
}

static void probe_model(struct board_probe *p, int rootfd)
{
	static const char *const dt[] = { "proc/device-tree/model",
					  "sys/firmware/devicetree/base/model" };
	for (size_t i = 0; i < sizeof(dt) / sizeof(*dt); i++)
		if (read_string(rootfd, dt[i], p->model, sizeof(p->model)) == 0) {
			snprintf(p->model_source, sizeof(p->model_source), "/%s", dt[i]);
			board_feat_set(p, BOARD_FEAT_BOARD_MODEL, BOARD_OK, "%s (device tree)",
				       p->model);
			return;
		}
	char product[80] = "", vendor[48] = "";
	if (read_string(rootfd, "sys/class/dmi/id/product_name", product, sizeof(product)) == 0) {
		if (read_string(rootfd, "sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor)) == 0)
			snprintf(p->model, sizeof(p->model), "%s %s", vendor, product);
		else
			snprintf(p->model, sizeof(p->model), "%s", product);
		snprintf(p->model_source, sizeof(p->model_source), "/sys/class/dmi/id");
		board_feat_set(p, BOARD_FEAT_BOARD_MODEL, BOARD_OK, "%s (DMI)", p->model);
		return;
	}
	board_feat_set(p, BOARD_FEAT_BOARD_MODEL, BOARD_DEGRADED,
		       "no device-tree model and no DMI product_name");
}

static void probe_topology(struct board_probe *p, int rootfd)
{
	struct board_cpu cpus[BOARD_MAX_CPUS];
	size_t n = 0;
	_cleanup_close_ int fd =
		openat(rootfd, "sys/devices/system/cpu", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		board_feat_set(p, BOARD_FEAT_CPU_TOPOLOGY, BOARD_DEGRADED,
			       "no /sys/devices/system/cpu: %s", strerror(errno));
		return;
	}
	fd = -1; /* the DIR owns it now */
	struct dirent *e;
	while ((e = readdir(d)) && n < BOARD_MAX_CPUS) {
		char *end, path[300];
		if (strncmp(e->d_name, "cpu", 3) || !e->d_name[3])
			continue;
		long id = strtol(e->d_name + 3, &end, 10);
		if (*end || id < 0)
			continue;
		_cleanup_free_ char *cap = NULL;
		snprintf(path, sizeof(path), "sys/devices/system/cpu/%s/cpu_capacity", e->d_name);
		cpus[n].id = (int)id;
		cpus[n].capacity = alc_read_file_at(rootfd, path, &cap) > 0
					   ? (unsigned)strtoul(cap, NULL, 10)
					   : 0;
		n++;
	}
	closedir(d);
	int r = board_topology_build(cpus, n, &p->topo);
	if (r < 0) {
		board_feat_set(p, BOARD_FEAT_CPU_TOPOLOGY, BOARD_DEGRADED, "%zu CPUs: %s", n,
			       strerror(-r));
		return;
	}
	if (!p->topo.capacities_known) {
		board_feat_set(p, BOARD_FEAT_CPU_TOPOLOGY, BOARD_OK,
			       "%u CPUs (%s), no cpu_capacity: all equal", p->topo.ncpus,
			       p->topo.all);
		return;
	}
	char desc[160] = "";
	for (unsigned i = 0; i < p->topo.nclusters; i++) {
		size_t used = strlen(desc);
		snprintf(desc + used, sizeof(desc) - used, "%s%s@%u", i ? " " : "",
			 p->topo.cl[i].cpus, p->topo.cl[i].capacity);
	}
	board_feat_set(p, BOARD_FEAT_CPU_TOPOLOGY, BOARD_OK, "%u CPUs, %u cluster%s: %s",
		       p->topo.ncpus, p->topo.nclusters, p->topo.nclusters == 1 ? "" : "s", desc);
}

void board_probe_board(struct board_probe *p, const char *sysroot)
{
	_cleanup_close_ int rootfd = open(sysroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		board_feat_set(p, BOARD_FEAT_BOARD_MODEL, BOARD_DEGRADED, "sysroot %s: %s", sysroot,
			       strerror(errno));
		board_feat_set(p, BOARD_FEAT_CPU_TOPOLOGY, BOARD_DEGRADED, "sysroot %s: %s",
			       sysroot, strerror(errno));
		return;
	}
	probe_model(p, rootfd);
	probe_topology(p, rootfd);
}

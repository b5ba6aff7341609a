/* The pure half of the probe: the feature table, verdicts, profile
 * application and the text parsers the live probes feed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static const struct board_feature_info features[BOARD_FEAT_COUNT] = {
	[BOARD_FEAT_KERNEL] = { "kernel", "kernel version",
				"per-feature fallbacks below (clone3 into a cgroup needs 5.7)" },
	[BOARD_FEAT_CGROUP_LAYOUT] = { "cgroup_layout", "cgroup hierarchy",
				       "v1 only: fork + tasks, cpu.stat polling, no PSI" },
	[BOARD_FEAT_CONTROLLERS] = { "controllers", "controllers",
				     "limits of the missing controllers are not applied" },
	[BOARD_FEAT_CPU_QUOTA] = { "cpu_quota", "cpu quota",
				   "no CPU quotas: the scheduler only observes" },
	[BOARD_FEAT_MEMORY_LIMIT] = { "memory_limit", "memory limits",
				      "containers run without memory limits" },
	[BOARD_FEAT_CPU_BURST] = { "cpu_burst", "cpu burst", "plain quota without burst" },
	[BOARD_FEAT_CLONE3_CGROUP] = { "clone3_cgroup", "clone3 into cgroup",
				       "fork + cgroup.procs" },
	[BOARD_FEAT_IO_URING] = { "io_uring", "io_uring", "write(2)" },
	[BOARD_FEAT_PSI_GLOBAL] = { "psi_global", "psi (global)", "cpu.stat polling" },
	[BOARD_FEAT_PSI_CGROUP] = { "psi_cgroup", "psi (cgroup)", "cpu.stat polling" },
	[BOARD_FEAT_CAPS] = { "capabilities", "capabilities",
			      "only what the granted capabilities allow" },
	[BOARD_FEAT_USERNS] = { "user_namespaces", "user namespaces",
				"containers share the host user namespace" },
	[BOARD_FEAT_SECCOMP] = { "seccomp", "seccomp", "containers run without a syscall filter" },
	[BOARD_FEAT_OVERLAYFS] = { "overlayfs", "overlayfs",
				   "plain directory rootfs, no layered images" },
	[BOARD_FEAT_BOARD_MODEL] = { "board_model", "board model", "generic profile" },
	[BOARD_FEAT_CPU_TOPOLOGY] = { "cpu_topology", "cpu topology", "all CPUs treated as equal" },
};

const struct board_feature_info *board_feature_info(enum board_feature_id id)
{
	return &features[id];
}

int board_feature_by_key(const char *key)
{
	for (int i = 0; i < BOARD_FEAT_COUNT; i++)
		if (!strcmp(features[i].key, key))
			return i;
	return -1;
}

void board_feat_set(struct board_probe *p, enum board_feature_id id, enum board_status st,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	p->feat[id].status = st;
	vsnprintf(p->feat[id].detail, sizeof(p->feat[id].detail), fmt, ap);
	va_end(ap);
}

void board_probe_use_profile(struct board_probe *p, const struct board_profile *prof)
{
	p->profile = *prof;
	const char *cpus = p->topo.all;
	if (prof->latency == BOARD_LATENCY_BIG && p->topo.nclusters > 0)
		cpus = p->topo.cl[0].cpus;
	snprintf(p->latency_cpus, sizeof(p->latency_cpus), "%s", cpus);
	p->quirks_active = 0;
	for (unsigned i = 0; i < prof->nquirk; i++)
		if (p->feat[prof->quirk[i].feature].status != BOARD_OK)
			p->quirks_active |= 1u << i;
}

int board_probe_verdict(const struct board_probe *p)
{
	if (p->layout == ALC_CG_NONE)
		return 2;
	if (p->cleanup_error[0])
		return 1;
	for (int i = 0; i < BOARD_FEAT_COUNT; i++)
		if (p->feat[i].status != BOARD_OK)
			return 1;
	return 0;
}

int board_parse_kernel_version(const char *release, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a = strtoul(release, &end, 10);
	if (end == release || *end != '.')
		return -EINVAL;
	const char *m = end + 1;
	unsigned long b = strtoul(m, &end, 10);
	if (end == m)
		return -EINVAL;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return 0;
}

int board_filesystems_has(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = text; line && *line;) {
		const char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (tab && (!nl || tab < nl)) {
			const char *fs = tab + 1;
			size_t fl = (size_t)(line + len - fs);
			if (fl == n && !memcmp(fs, name, n))
				return 1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

static const char *const v1_known[] = {
	"cpu",	    "cpuacct", "cpuset",     "memory",	"devices", "freezer", "net_cls",
	"net_prio", "blkio",   "perf_event", "hugetlb", "pids",	   "rdma",    "misc",
};

/* Adds the controllers named in a comma-separated super-options field. */
static unsigned v1_add(struct board_v1 *out, const char *opts, size_t len)
{
	unsigned bits = 0;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && opts[j] != ',')
			j++;
		for (size_t k = 0; k < sizeof(v1_known) / sizeof(*v1_known); k++) {
			const char *c = v1_known[k];
			if (strlen(c) != j - i || memcmp(c, opts + i, j - i))
				continue;
			size_t used = strlen(out->names);
			snprintf(out->names + used, sizeof(out->names) - used, "%s%s",
				 used ? " " : "", c);
			char one[16];
			snprintf(one, sizeof(one), "%s", strcmp(c, "blkio") ? c : "io");
			bits |= alc_cg_parse_controllers(one);
		}
		i = j + 1;
	}
	return bits;
}

void board_parse_v1_mounts(const char *mountinfo, struct board_v1 *out)
{
	memset(out, 0, sizeof(*out));
	for (const char *line = mountinfo; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[1024], mnt[256];
		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line = nl ? nl + 1 : NULL;
		const char *sep = strstr(buf, " - cgroup ");
		if (!sep || sscanf(buf, "%*s %*s %*s %*s %255s", mnt) != 1)
			continue;
		const char *opts = strrchr(sep, ' ') + 1;
		unsigned bits = v1_add(out, opts, strlen(opts));
		out->ctrls |= bits;
		if (bits & ALC_CTRL_CPU)
			snprintf(out->cpu_mount, sizeof(out->cpu_mount), "%s", mnt);
		if (bits & ALC_CTRL_MEMORY)
			snprintf(out->memory_mount, sizeof(out->memory_mount), "%s", mnt);
	}
}

#include "cglayout.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>

static const char *const ctrl_names[ALC_CTRL_COUNT] = {
	"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc",
};

const char *alc_cg_layout_name(enum alc_cg_layout layout)
{
	switch (layout) {
	case ALC_CG_V1:
		return "v1";
	case ALC_CG_HYBRID:
		return "hybrid";
	case ALC_CG_V2:
		return "v2";
	case ALC_CG_NONE:
		break;
	}
	return "none";
}

static long fs_type(const char *path)
{
	struct statfs st;
	if (statfs(path, &st) < 0)
		return -errno;
	return (long)st.f_type;
}

enum alc_cg_layout alc_cg_detect(const char *root, char *v2, size_t v2len)
{
	char unified[512];
	if (v2len)
		v2[0] = '\0';
	long t = fs_type(root);
	if (t == CGROUP2_SUPER_MAGIC) {
		snprintf(v2, v2len, "%s", root);
		return ALC_CG_V2;
	}
	if (t != TMPFS_MAGIC)
		return ALC_CG_NONE;
	snprintf(unified, sizeof(unified), "%s/unified", root);
	if (fs_type(unified) == CGROUP2_SUPER_MAGIC) {
		snprintf(v2, v2len, "%s", unified);
		return ALC_CG_HYBRID;
	}
	return ALC_CG_V1;
}

unsigned alc_cg_parse_controllers(const char *text)
{
	unsigned mask = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		size_t n = (size_t)(p - start);
		for (unsigned i = 0; n && i < ALC_CTRL_COUNT; i++)
			if (strlen(ctrl_names[i]) == n && !memcmp(ctrl_names[i], start, n))
				mask |= 1u << i;
	}
	return mask;
}

const char *alc_cg_ctrl_name(unsigned bit)
{
	for (unsigned i = 0; i < ALC_CTRL_COUNT; i++)
		if (bit == 1u << i)
			return ctrl_names[i];
	return NULL;
}

char *alc_cg_format_controllers(unsigned mask, char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < ALC_CTRL_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", ctrl_names[i]);
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0'; /* drop the partial name */
			break;
		}
		off += (size_t)n;
	}
	return buf;
}

int alc_cg_parse_proc_cgroup(const char *text, char *out, size_t len)
{
	const char *line = text;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n >= 3 && !memcmp(line, "0::", 3)) {
			if (n - 3 >= len)
				return -ENAMETOOLONG;
			memcpy(out, line + 3, n - 3);
			out[n - 3] = '\0';
			return 0;
		}
		line = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

int alc_cap_from_name(const char *name, int *cap)
{
	char lower[64];
	size_t off = 0;
	if (strncasecmp(name, "cap_", 4) != 0)
		off = (size_t)snprintf(lower, sizeof(lower), "cap_");
	for (const char *p = name; *p && off + 1 < sizeof(lower); p++)
		lower[off++] = (char)tolower((unsigned char)*p);
	lower[off] = '\0';
	cap_value_t v;
	if (cap_from_name(lower, &v) < 0 || v < 0 || v >= (cap_value_t)cap_max_bits() || v > 63)
		return -EINVAL;
	*cap = (int)v;
	return 0;
}

uint64_t alc_cap_all(void)
{
	unsigned bits = cap_max_bits();
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

static int set_proc_caps(const struct alc_process *p, alc_err *err)
{
	static const struct {
		enum alc_cap_set set;
		cap_flag_t flag;
	} map[] = {
		{ ALC_CAP_EFFECTIVE, CAP_EFFECTIVE },
		{ ALC_CAP_PERMITTED, CAP_PERMITTED },
		{ ALC_CAP_INHERITABLE, CAP_INHERITABLE },
	};
	cap_t c = cap_init();
	if (!c)
		return alc_err_set(err, errno, "cap_init");
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		for (cap_value_t v = 0; v < 64; v++)
			if (p->caps[map[i].set] & (1ULL << v))
				cap_set_flag(c, map[i].flag, 1, &v, CAP_SET);
	int r = cap_set_proc(c) < 0 ? alc_err_set(err, errno, "set capabilities") : 0;
	cap_free(c);
	return r;
}

int alc_caps_apply(const struct alc_process *p, int skip_groups, alc_err *err)
{
	uint64_t all = alc_cap_all();
	for (cap_value_t v = 0; v < 64; v++) {
		if (!(all & (1ULL << v)) || (p->caps[ALC_CAP_BOUNDING] & (1ULL << v)))
			continue;
		if (cap_drop_bound(v) < 0)
			return alc_err_set(err, errno, "drop %s from the bounding set",
					   cap_to_name(v));
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return alc_err_set(err, errno, "PR_SET_KEEPCAPS");
	if (!skip_groups && setgroups(p->n_groups, p->groups) < 0)
		return alc_err_set(err, errno, "setgroups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return alc_err_set(err, errno, "setgid %u", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return alc_err_set(err, errno, "setuid %u", (unsigned)p->uid);
	int r = set_proc_caps(p, err);
	if (r < 0)
		return r;
	/* One call (libcap's reset asks about every capability first). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return alc_err_set(err, errno, "reset the ambient set");
	for (cap_value_t v = 0; v < 64; v++) {
		if (!(p->caps[ALC_CAP_AMBIENT] & (1ULL << v)))
			continue;
		if (cap_set_ambient(v, CAP_SET) < 0)
			return alc_err_set(
				err, errno,
				"raise ambient %s (it must be permitted and inheritable)",
				cap_to_name(v));
	}
	return 0;
}

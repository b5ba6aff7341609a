#include "run_flags.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "array.h"
#include "caps.h"
#include "units.h"

enum {
	OPT_NAME = 256,
	OPT_CPUS,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPU_SHARES,
	OPT_CPUSET,
	OPT_MEMORY,
	OPT_MEMORY_SWAP,
	OPT_PIDS,
	OPT_HOSTNAME,
	OPT_NET,
	OPT_READ_ONLY,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_SYSCTL,
	OPT_ULIMIT,
	OPT_UIDMAP,
	OPT_GIDMAP,
	OPT_READ_BPS,
	OPT_WRITE_BPS,
	OPT_GROUP_ADD,
	OPT_PRESERVE_FDS,
};

static const struct option options[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
	{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "pids", required_argument, NULL, OPT_PIDS },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "volume", required_argument, NULL, 'v' },
	{ "net", required_argument, NULL, OPT_NET },
	{ "user", required_argument, NULL, 'u' },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "sysctl", required_argument, NULL, OPT_SYSCTL },
	{ "ulimit", required_argument, NULL, OPT_ULIMIT },
	{ "uidmap", required_argument, NULL, OPT_UIDMAP },
	{ "gidmap", required_argument, NULL, OPT_GIDMAP },
	{ "device-read-bps", required_argument, NULL, OPT_READ_BPS },
	{ "device-write-bps", required_argument, NULL, OPT_WRITE_BPS },
	{ "group-add", required_argument, NULL, OPT_GROUP_ADD },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

void run_flags_usage(FILE *out)
{
	fputs("usage: alcove run [OPTIONS] ROOTFS [--] CMD [ARG...]\n"
	      "\nRuns CMD in a container rooted at ROOTFS, in its own cgroup and pid, mount,\n"
	      "uts, ipc and network namespaces. stdin, stdout and stderr pass through.\n"
	      "\nOptions:\n"
	      "  --name N               container name (cgroup alcove/N); default run-PID\n"
	      "  --cpus X               CPU limit in CPUs (0.5 = half a CPU)\n"
	      "  --cpu-quota US         CFS quota per period, microseconds\n"
	      "  --cpu-period US        CFS period, microseconds (default 100000)\n"
	      "  --cpu-shares N         relative weight, 2..262144 (cpu.weight on v2)\n"
	      "  --cpuset-cpus LIST     CPUs allowed, e.g. 0-1\n"
	      "  --memory SIZE          memory limit, e.g. 256M\n"
	      "  --memory-swap SIZE     memory+swap limit (needs --memory)\n"
	      "  --pids N               process limit\n"
	      "  --device-read-bps DEV:RATE, --device-write-bps DEV:RATE\n"
	      "                         block device throughput limit, e.g. /dev/vda:1M\n"
	      "  --hostname H           hostname (default: the name)\n"
	      "  -v, --volume SRC:DST[:OPTS]  bind mount; OPTS: ro,rw,nosuid,nodev,noexec\n"
	      "  --net none|host        own network namespace with lo up (default), or the host's\n"
	      "  -u, --user UID[:GID]   run as this user\n"
	      "  --group-add GID        add a supplementary group (repeatable)\n"
	      "  -e, --env K=V          set an environment variable\n"
	      "  -w, --workdir DIR      working directory (default /)\n"
	      "  --preserve-fds N       pass fds 3..3+N-1 on to the container\n"
	      "  --read-only            mount the root read-only\n"
	      "  --cap-add C, --cap-drop C  adjust the default capabilities (ALL allowed)\n"
	      "  --sysctl K=V           namespaced sysctl, e.g. net.ipv4.ip_forward=1\n"
	      "  --ulimit NAME=SOFT[:HARD]  rlimit: nofile, nproc, core, memlock, stack, fsize\n"
	      "  --uidmap IN:OUT:N, --gidmap IN:OUT:N  user namespace id maps\n"
	      "  -h, --help             show this help and exit\n"
	      "\nAs a non-root user alcove runs rootless: a user namespace maps you to root\n"
	      "inside, and resource limits are refused (they need a cgroup).\n"
	      "\nExit status: the command's; 128+N if signal N killed it; 125 alcove failed\n"
	      "(bad flags included); 126 the command cannot be invoked; 127 not found.\n"
	      "Environment: ALCOVE_SPAWN=fallback forces clone + cgroup.procs instead of\n"
	      "clone3; ALCOVE_CGROUP=v1 uses only the v1 hierarchies on a hybrid host;\n"
	      "ALCOVE_WRITER=uring|sync picks the cgroup writer; ALCOVE_DEBUG=1 traces.\n",
	      out);
}

static int bad(alc_err *err, const char *flag, const char *value, const char *why)
{
	return alc_err_setx(err, EINVAL, "%s: invalid value '%s' (%s)", flag, value, why);
}

static int parse_caps(const char *flag, const char *name, uint64_t *mask, alc_err *err)
{
	int cap;
	if (!strcasecmp(name, "ALL")) {
		*mask = alc_cap_all();
		return 0;
	}
	if (alc_cap_from_name(name, &cap) < 0)
		return bad(err, flag, name, "unknown capability");
	*mask = 1ULL << cap;
	return 0;
}

static int parse_volume(struct alc_spec *spec, const char *arg, alc_err *err)
{
	char buf[4096], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", arg);
	char *src = strtok_r(buf, ":", &save), *dst = strtok_r(NULL, ":", &save);
	char *opts = strtok_r(NULL, "", &save);
	struct stat st;
	if (!src || !dst || src[0] != '/' || dst[0] != '/')
		return bad(err, "--volume", arg, "want /SRC:/DST[:OPTS]");
	if (stat(src, &st) < 0)
		return alc_err_set(err, errno, "--volume: source %s", src);
	unsigned long flags = MS_BIND | MS_REC;
	for (char *s2 = NULL, *o = opts ? strtok_r(opts, ",", &s2) : NULL; o;
	     o = strtok_r(NULL, ",", &s2)) {
		if (!strcmp(o, "ro"))
			flags |= MS_RDONLY;
		else if (!strcmp(o, "nosuid"))
			flags |= MS_NOSUID;
		else if (!strcmp(o, "nodev"))
			flags |= MS_NODEV;
		else if (!strcmp(o, "noexec"))
			flags |= MS_NOEXEC;
		else if (strcmp(o, "rw"))
			return bad(err, "--volume", arg, "unknown option");
	}
	return alc_spec_add_mount(spec, src, dst, NULL, flags, NULL);
}

static int parse_idmap(struct alc_spec *spec, int uid, const char *arg, alc_err *err)
{
	struct alc_idmap m;
	char extra;
	if (sscanf(arg, "%u:%u:%u%c", &m.inside, &m.outside, &m.count, &extra) != 3 || !m.count)
		return bad(err, uid ? "--uidmap" : "--gidmap", arg, "want INSIDE:OUTSIDE:COUNT");
	spec->ns_flags |= CLONE_NEWUSER;
	return uid ? ALC_PUSH(spec->uid_maps, spec->n_uid_maps, m)
		   : ALC_PUSH(spec->gid_maps, spec->n_gid_maps, m);
}

static int parse_ulimit(struct alc_spec *spec, const char *arg, alc_err *err)
{
	static const struct {
		const char *name;
		int res;
	} names[] = {
		{ "nofile", RLIMIT_NOFILE },   { "nproc", RLIMIT_NPROC }, { "core", RLIMIT_CORE },
		{ "memlock", RLIMIT_MEMLOCK }, { "stack", RLIMIT_STACK }, { "fsize", RLIMIT_FSIZE },
	};
	const char *eq = strchr(arg, '=');
	unsigned long long soft, hard;
	char extra;
	for (size_t i = 0; eq && i < sizeof(names) / sizeof(*names); i++) {
		if (strlen(names[i].name) != (size_t)(eq - arg) ||
		    strncmp(arg, names[i].name, (size_t)(eq - arg)))
			continue;
		int n = sscanf(eq + 1, "%llu:%llu%c", &soft, &hard, &extra);
		if (n == 1)
			hard = soft;
		if ((n != 1 && n != 2) || soft > hard)
			return bad(err, "--ulimit", arg, "want NAME=SOFT[:HARD] with SOFT <= HARD");
		return alc_spec_set_rlimit(spec, names[i].res, soft, hard);
	}
	return bad(err, "--ulimit", arg, "unknown limit name");
}

static int parse_bps(struct alc_spec *spec, int write, const char *arg, alc_err *err)
{
	const char *flag = write ? "--device-write-bps" : "--device-read-bps";
	char dev[256];
	const char *colon = strrchr(arg, ':');
	struct stat st;
	int64_t rate;
	if (!colon || (size_t)(colon - arg) >= sizeof(dev))
		return bad(err, flag, arg, "want /dev/DEVICE:RATE");
	snprintf(dev, sizeof(dev), "%.*s", (int)(colon - arg), arg);
	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
		return bad(err, flag, arg, "not a block device");
	if (alc_parse_size(colon + 1, &rate) < 0)
		return bad(err, flag, arg, "rate is not a positive size");
	struct alc_throttle t = { .major = major(st.st_rdev), .minor = minor(st.st_rdev) };
	*(write ? &t.wbps : &t.rbps) = (uint64_t)rate;
	spec->res.set |= ALC_RES_IO;
	return ALC_PUSH(spec->res.io, spec->res.n_io, t);
}

static int parse_user(struct alc_spec *spec, const char *arg, alc_err *err)
{
	unsigned uid, gid;
	char extra;
	int n = sscanf(arg, "%u:%u%c", &uid, &gid, &extra);
	if (n < 1 || n > 2 || strspn(arg, "0123456789:") != strlen(arg))
		return bad(err, "--user", arg, "want numeric UID[:GID]");
	spec->process.uid = uid;
	spec->process.gid = n == 2 ? gid : uid;
	return 0;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static int valid_name(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > 64 || n[0] == '.' || n[0] == '-')
		return 0;
	return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       len;
}

static int parse_limit(struct alc_spec *spec, int opt, const char *arg, alc_err *err)
{
	struct alc_resources *r = &spec->res;
	int64_t v;
	switch (opt) {
	case OPT_CPUS: /* checked here, turned into a quota once the period is known */
		if (alc_parse_cpus(arg, r->cpu_period_us, &r->cpu_quota_us) < 0)
			return bad(err, "--cpus", arg, "want a CPU count above 0, e.g. 0.5");
		r->set |= ALC_RES_CPU_QUOTA;
		return 0;
	case OPT_CPU_QUOTA:
		if (alc_parse_int(arg, 1000, INT64_MAX, &r->cpu_quota_us) < 0)
			return bad(err, "--cpu-quota", arg, "want microseconds, at least 1000");
		r->set |= ALC_RES_CPU_QUOTA;
		return 0;
	case OPT_CPU_PERIOD:
		if (alc_parse_int(arg, 1000, 1000000, &v) < 0)
			return bad(err, "--cpu-period", arg, "want 1000..1000000 microseconds");
		r->cpu_period_us = (uint64_t)v;
		return 0;
	case OPT_CPU_SHARES:
		if (alc_parse_int(arg, 2, 262144, &v) < 0)
			return bad(err, "--cpu-shares", arg, "want 2..262144");
		r->cpu_shares = (uint64_t)v;
		r->set |= ALC_RES_CPU_SHARES;
		return 0;
	case OPT_CPUSET:
		if (!*arg || strspn(arg, "0123456789,-") != strlen(arg))
			return bad(err, "--cpuset-cpus", arg, "want a CPU list such as 0-1,3");
		r->set |= ALC_RES_CPUSET_CPUS;
		return set_str(&r->cpuset_cpus, arg);
	case OPT_MEMORY:
	case OPT_MEMORY_SWAP: {
		const char *flag = opt == OPT_MEMORY ? "--memory" : "--memory-swap";
		if (alc_parse_size(arg, opt == OPT_MEMORY ? &r->memory : &r->memory_swap) < 0)
			return bad(err, flag, arg, "want a positive size such as 256M");
		r->set |= opt == OPT_MEMORY ? ALC_RES_MEMORY : ALC_RES_MEMORY_SWAP;
		return 0;
	}
	case OPT_PIDS:
		if (alc_parse_int(arg, 1, INT32_MAX, &r->pids) < 0)
			return bad(err, "--pids", arg, "want a positive count");
		r->set |= ALC_RES_PIDS;
		return 0;
	}
	return -EINVAL;
}

static int parse_one(struct alc_spec *spec, struct run_flags *f, int opt, const char *arg,
		     alc_err *err)
{
	uint64_t mask = 0;
	int r;
	switch (opt) {
	case OPT_NAME:
		if (!valid_name(arg))
			return bad(err, "--name", arg,
				   "want 1-64 of [A-Za-z0-9_.-], not starting with . or -");
		return set_str(&spec->name, arg);
	case OPT_HOSTNAME:
		if (!*arg || strlen(arg) > 64)
			return bad(err, "--hostname", arg, "want 1-64 characters");
		return set_str(&spec->hostname, arg);
	case 'v':
		return parse_volume(spec, arg, err);
	case OPT_NET:
		if (!strcmp(arg, "host"))
			spec->ns_flags &= ~CLONE_NEWNET;
		else if (!strcmp(arg, "none"))
			spec->ns_flags |= CLONE_NEWNET;
		else
			return bad(err, "--net", arg, "want none or host");
		return 0;
	case 'u':
		return parse_user(spec, arg, err);
	case 'e':
		if (!strchr(arg, '=') || arg[0] == '=')
			return bad(err, "--env", arg, "want K=V");
		return alc_spec_setenv(spec, arg);
	case 'w':
		if (arg[0] != '/')
			return bad(err, "--workdir", arg, "want an absolute path");
		return set_str(&spec->process.cwd, arg);
	case OPT_READ_ONLY:
		spec->root_readonly = true;
		return 0;
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		r = parse_caps(opt == OPT_CAP_ADD ? "--cap-add" : "--cap-drop", arg, &mask, err);
		for (int s = ALC_CAP_BOUNDING; r == 0 && s <= ALC_CAP_PERMITTED; s++)
			spec->process.caps[s] = opt == OPT_CAP_ADD ? spec->process.caps[s] | mask
								   : spec->process.caps[s] & ~mask;
		return r;
	case OPT_SYSCTL: {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg || strchr(arg, '/') || strstr(arg, ".."))
			return bad(err, "--sysctl", arg, "want KEY=VALUE");
		struct alc_sysctl s = { strndup(arg, (size_t)(eq - arg)), strdup(eq + 1) };
		return ALC_PUSH(spec->sysctl, spec->n_sysctl, s);
	}
	case OPT_ULIMIT:
		return parse_ulimit(spec, arg, err);
	case OPT_UIDMAP:
	case OPT_GIDMAP:
		return parse_idmap(spec, opt == OPT_UIDMAP, arg, err);
	case OPT_READ_BPS:
	case OPT_WRITE_BPS:
		return parse_bps(spec, opt == OPT_WRITE_BPS, arg, err);
	case OPT_GROUP_ADD: {
		int64_t g;
		if (alc_parse_int(arg, 0, UINT32_MAX - 1, &g) < 0)
			return bad(err, "--group-add", arg, "want a numeric GID");
		gid_t gid = (gid_t)g;
		return ALC_PUSH(spec->process.groups, spec->process.n_groups, gid);
	}
	case OPT_PRESERVE_FDS: {
		int64_t n;
		if (alc_parse_int(arg, 0, 1000, &n) < 0)
			return bad(err, "--preserve-fds", arg, "want 0..1000");
		spec->process.preserve_fds = (unsigned)n;
		return 0;
	}
	case 'h':
		f->help = true;
		return 0;
	}
	return parse_limit(spec, opt, arg, err);
}

int run_flags_parse(int argc, char **argv, struct alc_spec *spec, struct run_flags *f, alc_err *err)
{
	opterr = 0;
	optind = 1;
	int opt;
	/* "+": stop at ROOTFS, so the command's own flags are left alone. */
	while ((opt = getopt_long(argc, argv, "+v:u:e:w:h", options, NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			const char *what = argv[optind - 1];
			return alc_err_setx(err, EINVAL, "%s '%s'",
					    opt == ':' ? "missing value for" : "unknown option",
					    what);
		}
		if (opt == OPT_CPUS)
			f->cpus = optarg;
		int r = parse_one(spec, f, opt, optarg, err);
		if (r < 0)
			return r == -ENOMEM ? alc_err_set(err, ENOMEM, "run") : r;
		if (f->help)
			return 0;
	}
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return alc_err_setx(err, EINVAL, "missing ROOTFS");
	if (set_str(&spec->root_path, argv[optind++]) < 0)
		return -ENOMEM;
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return alc_err_setx(err, EINVAL, "missing CMD");
	for (int i = optind; i < argc; i++)
		if (alc_strv_add(&spec->process.args, &spec->process.n_args, argv[i]) < 0)
			return -ENOMEM;
	if (f->cpus &&
	    alc_parse_cpus(f->cpus, spec->res.cpu_period_us, &spec->res.cpu_quota_us) < 0)
		return bad(err, "--cpus", f->cpus, "under 1000 us of quota per period");
	if ((spec->res.set & ALC_RES_MEMORY_SWAP) && !(spec->res.set & ALC_RES_MEMORY))
		return alc_err_setx(err, EINVAL, "--memory-swap needs --memory");
	return 0;
}

/* The spec: one value that describes a container, mirroring the OCI
 * runtime-spec config.json (process, root, mounts, hostname, namespaces, id
 * maps, resources, masked/readonly paths, sysctl). Every front end (alcove
 * run flags, OCI config.json, service files) fills one of these. */
#ifndef ALC_SPEC_H
#define ALC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procattr.h"

enum alc_cap_set {
	ALC_CAP_BOUNDING,
	ALC_CAP_EFFECTIVE,
	ALC_CAP_PERMITTED,
	ALC_CAP_INHERITABLE,
	ALC_CAP_AMBIENT,
	ALC_CAP_SETS
};

struct alc_mount {
	char *source, *target, *type, *data;
	unsigned long flags;	   /* MS_*; MS_BIND for bind mounts */
	unsigned long propagation; /* MS_PRIVATE/SLAVE/SHARED/UNBINDABLE [|MS_REC]; 0: none */
	bool tmpcopyup;		   /* tmpfs: copy what was under the target into it */
};

struct alc_idmap {
	uint32_t inside, outside, count;
};

struct alc_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

struct alc_sysctl {
	char *key, *value;
};

struct alc_throttle {
	uint32_t major, minor;
	uint64_t rbps, wbps, riops, wiops; /* 0 = unlimited */
};

/* Which alc_resources fields were given (unset ones are not written). */
enum alc_res_bit {
	ALC_RES_CPU_QUOTA = 1u << 0,
	ALC_RES_CPU_SHARES = 1u << 1,
	ALC_RES_CPU_BURST = 1u << 2,
	ALC_RES_MEMORY = 1u << 3,
	ALC_RES_MEMORY_HIGH = 1u << 4,
	ALC_RES_MEMORY_SWAP = 1u << 5,
	ALC_RES_PIDS = 1u << 6,
	ALC_RES_CPUSET_CPUS = 1u << 7,
	ALC_RES_CPUSET_MEMS = 1u << 8,
	ALC_RES_IO = 1u << 9,
	ALC_RES_MEMORY_LOW = 1u << 10,
	ALC_RES_CPU_RT = 1u << 11, /* v1 realtime budget: cpu.rt_period_us, cpu.rt_runtime_us */
};

/* OCI linux.resources semantics: -1 means unlimited ("max"). */
struct alc_resources {
	unsigned set;		/* ALC_RES_* */
	int64_t cpu_quota_us;	/* with cpu_period_us */
	uint64_t cpu_period_us; /* default 100000 */
	uint64_t cpu_shares;	/* v1 scale 2..262144, mapped to cpu.weight on v2 */
	uint64_t cpu_burst_us;
	int64_t cpu_rt_runtime_us; /* -1: no limit; with ALC_RES_CPU_RT */
	uint64_t cpu_rt_period_us; /* 0: leave the period */
	int64_t memory;		   /* bytes */
	int64_t memory_high;	   /* bytes; v1: soft limit */
	int64_t memory_swap;	   /* memory + swap, bytes (OCI) */
	int64_t memory_low;	   /* OCI reservation: v2 memory.low, v1 soft limit */
	int64_t pids;
	char *cpuset_cpus, *cpuset_mems;
	struct alc_throttle *io;
	size_t n_io;
};

/* One OCI linux.seccomp rule: the syscalls it names, an action
 * (SCMP_ACT_* value as libseccomp defines it) and argument comparisons. */
struct alc_seccomp_arg {
	unsigned index;
	uint64_t value, value_two;
	int op; /* enum scmp_compare (SCMP_CMP_NE .. SCMP_CMP_MASKED_EQ) */
};

struct alc_seccomp_rule {
	char **names;
	size_t n_names;
	uint32_t action;
	struct alc_seccomp_arg *args;
	size_t n_args;
};

struct alc_seccomp {
	uint32_t default_action; /* SCMP_ACT_*, errno already folded in */
	char **archs;		 /* "SCMP_ARCH_X86_64", ... */
	size_t n_archs;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	struct alc_seccomp_rule *rules;
	size_t n_rules;
};

/* An OCI linux.devices entry: a node made in the container's /dev. */
struct alc_device {
	char *path;
	char type; /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	uint32_t mode; /* file mode bits; 0666 when not given */
	uid_t uid;
	gid_t gid;
};

/* An OCI linux.resources.devices rule; major/minor -1 match any. */
struct alc_dev_rule {
	bool allow;
	char type; /* 'a', 'c' or 'b' */
	int64_t major, minor;
	char access[4]; /* subset of "rwm" */
};

/* An OCI hook: an absolute path, argv (argv[0] included), env, and a
 * timeout in seconds (0 = none). */
struct alc_hook {
	char *path;
	char **args, **env;
	size_t n_args, n_env;
	int timeout;
};

enum alc_hook_phase {
	ALC_HOOK_PRESTART,
	ALC_HOOK_CREATE_RUNTIME,
	ALC_HOOK_CREATE_CONTAINER, /* run by the container process, before pivot_root */
	ALC_HOOK_START_CONTAINER,  /* run by the container process, before exec */
	ALC_HOOK_POSTSTART,
	ALC_HOOK_POSTSTOP,
	ALC_HOOK_PHASES
};

struct alc_process {
	char **args;
	size_t n_args;
	char **env; /* "K=V" */
	size_t n_env;
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
	uint64_t caps[ALC_CAP_SETS]; /* bit n = capability n */
	struct alc_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privs;
	unsigned preserve_fds; /* fds 3 .. 3+n-1 are passed on */
	bool has_umask;
	mode_t umask;		  /* process.user.umask */
	struct alc_procattr attr; /* scheduler, ioPriority, execCPUAffinity */
};

/* An existing namespace to join with setns (OCI linux.namespaces[].path);
 * its CLONE_NEW* type is then not in ns_flags. */
struct alc_nsjoin {
	int type; /* one CLONE_NEW* flag */
	char *path;
};

struct alc_spec {
	char *name;
	struct alc_process process;
	char *root_path;
	bool root_readonly;
	struct alc_mount *mounts; /* extra mounts (volumes), after /proc, /dev, /sys */
	size_t n_mounts;
	char *hostname;
	int ns_flags; /* CLONE_NEW* */
	struct alc_idmap *uid_maps, *gid_maps;
	size_t n_uid_maps, n_gid_maps;
	struct alc_resources res;
	char **masked_paths, **readonly_paths;
	size_t n_masked, n_readonly;
	struct alc_sysctl *sysctl;
	size_t n_sysctl;
	char *cgroup_path; /* relative to each hierarchy's root */

	/* OCI fields beyond what alcove run sets (config.json, services). */
	struct alc_seccomp *seccomp; /* NULL: no filter */
	struct alc_device *devices;  /* extra nodes in /dev */
	size_t n_devices;
	struct alc_dev_rule *dev_rules; /* cgroup device access, in order */
	size_t n_dev_rules;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
	bool has_time_offsets;
	int64_t time_offset_mono_s, time_offset_boot_s; /* CLONE_NEWTIME offsets */
	uint32_t time_offset_mono_ns, time_offset_boot_ns;
	char *apparmor_profile, *selinux_label; /* accepted; logged if no LSM */
	bool terminal;				/* process.terminal: a pty on stdio */
	struct alc_hook *hooks[ALC_HOOK_PHASES];
	size_t n_hooks[ALC_HOOK_PHASES];
	char *annotations_json;			/* the raw annotations object, for state */
	unsigned console_width, console_height; /* process.consoleSize; 0: not given */
	struct alc_nsjoin *ns_join;		/* namespaces joined, not created */
	size_t n_ns_join;
	char *domainname;
	char *mount_label;		  /* linux.mountLabel (SELinux context for mounts) */
	unsigned long rootfs_propagation; /* linux.rootfsPropagation (MS_*); 0: default */
	char *bundle;  /* the OCI bundle, for the state in-container hooks read */
	char *keyring; /* a session keyring of this name to join; NULL: the caller's */
	bool no_pivot; /* move the rootfs onto / and chroot instead of pivot_root */
};

/* Fills spec with the OCI default template: pid, mount, uts, ipc and net
 * namespaces; the default capability set (AUDIT_WRITE, KILL,
 * NET_BIND_SERVICE); no_new_privs; NOFILE 1024; the default masked and
 * read-only paths; PATH in env. Returns 0 or -ENOMEM. */
int alc_spec_init_default(struct alc_spec *spec);

/* Frees a seccomp profile and everything it owns. */
void alc_seccomp_free(struct alc_seccomp *sc);

/* Frees everything the spec owns and zeroes it. */
void alc_spec_free(struct alc_spec *spec);

/* Appends a copy of s to a string vector, keeping it NULL-terminated;
 * returns 0 or -ENOMEM. */
int alc_strv_add(char ***v, size_t *n, const char *s);

/* Sets or replaces "K=V" in the process environment; returns 0 or -ENOMEM. */
int alc_spec_setenv(struct alc_spec *spec, const char *kv);

/* Adds a mount; returns 0 or -ENOMEM. */
int alc_spec_add_mount(struct alc_spec *spec, const char *source, const char *target,
		       const char *type, unsigned long flags, const char *data);

/* Sets or replaces the rlimit for resource; returns 0 or -ENOMEM. */
int alc_spec_set_rlimit(struct alc_spec *spec, int resource, uint64_t soft, uint64_t hard);

#endif

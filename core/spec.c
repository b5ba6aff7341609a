#include "spec.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "array.h"

static const char *const default_masked[] = {
	"/proc/acpi",	       "/proc/asound",	   "/proc/kcore",	"/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	       "/sys/firmware",
};

static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

int alc_strv_add(char ***v, size_t *n, const char *s)
{
	char *copy = strdup(s);
	char **nv = copy ? realloc(*v, (*n + 2) * sizeof(**v)) : NULL;
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[(*n)++] = copy;
	nv[*n] = NULL; /* usable as argv or environ as it stands */
	*v = nv;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int alc_spec_init_default(struct alc_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->ns_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
	uint64_t caps =
		(1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);
	spec->process.caps[ALC_CAP_BOUNDING] = caps;
	spec->process.caps[ALC_CAP_EFFECTIVE] = caps;
	spec->process.caps[ALC_CAP_PERMITTED] = caps;
	spec->process.no_new_privs = true;
	spec->res.cpu_period_us = 100000;
	int r = alc_spec_set_rlimit(spec, RLIMIT_NOFILE, 1024, 1024);
	r = r
		    ?: alc_spec_setenv(
			       spec,
			       "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (size_t i = 0; !r && i < sizeof(default_masked) / sizeof(*default_masked); i++)
		r = alc_strv_add(&spec->masked_paths, &spec->n_masked, default_masked[i]);
	for (size_t i = 0; !r && i < sizeof(default_readonly) / sizeof(*default_readonly); i++)
		r = alc_strv_add(&spec->readonly_paths, &spec->n_readonly, default_readonly[i]);
	if (r < 0)
		alc_spec_free(spec);
	return r;
}

void alc_seccomp_free(struct alc_seccomp *sc)
{
	if (!sc)
		return;
	strv_free(sc->archs, sc->n_archs);
	for (size_t i = 0; i < sc->n_rules; i++) {
		strv_free(sc->rules[i].names, sc->rules[i].n_names);
		free(sc->rules[i].args);
	}
	free(sc->rules);
	free(sc);
}

static void hooks_free(struct alc_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].path);
		strv_free(h[i].args, h[i].n_args);
		strv_free(h[i].env, h[i].n_env);
	}
	free(h);
}

void alc_spec_free(struct alc_spec *spec)
{
	struct alc_process *p = &spec->process;
	strv_free(p->args, p->n_args);
	strv_free(p->env, p->n_env);
	free(p->cwd);
	free(p->groups);
	free(p->rlimits);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		free(spec->mounts[i].source);
		free(spec->mounts[i].target);
		free(spec->mounts[i].type);
		free(spec->mounts[i].data);
	}
	free(spec->mounts);
	for (size_t i = 0; i < spec->n_sysctl; i++) {
		free(spec->sysctl[i].key);
		free(spec->sysctl[i].value);
	}
	free(spec->sysctl);
	strv_free(spec->masked_paths, spec->n_masked);
	strv_free(spec->readonly_paths, spec->n_readonly);
	free(spec->uid_maps);
	free(spec->gid_maps);
	free(spec->res.cpuset_cpus);
	free(spec->res.cpuset_mems);
	free(spec->res.io);
	free(spec->name);
	free(spec->root_path);
	free(spec->hostname);
	free(spec->cgroup_path);
	alc_seccomp_free(spec->seccomp);
	for (size_t i = 0; i < spec->n_devices; i++)
		free(spec->devices[i].path);
	free(spec->devices);
	free(spec->dev_rules);
	free(spec->apparmor_profile);
	free(spec->selinux_label);
	for (int i = 0; i < ALC_HOOK_PHASES; i++)
		hooks_free(spec->hooks[i], spec->n_hooks[i]);
	free(spec->annotations_json);
	free(spec->bundle);
	free(spec->keyring);
	for (size_t i = 0; i < spec->n_ns_join; i++)
		free(spec->ns_join[i].path);
	free(spec->ns_join);
	free(spec->domainname);
	free(spec->mount_label);
	memset(spec, 0, sizeof(*spec));
}

int alc_spec_setenv(struct alc_spec *spec, const char *kv)
{
	struct alc_process *p = &spec->process;
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	for (size_t i = 0; i < p->n_env; i++) {
		if (!strncmp(p->env[i], kv, klen) && p->env[i][klen] == '=') {
			char *copy = strdup(kv);
			if (!copy)
				return -ENOMEM;
			free(p->env[i]);
			p->env[i] = copy;
			return 0;
		}
	}
	return alc_strv_add(&p->env, &p->n_env, kv);
}

static char *dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = 1;
	return d;
}

int alc_spec_add_mount(struct alc_spec *spec, const char *source, const char *target,
		       const char *type, unsigned long flags, const char *data)
{
	int failed = 0;
	struct alc_mount m = {
		.source = dup_or_null(source, &failed),
		.target = dup_or_null(target, &failed),
		.type = dup_or_null(type, &failed),
		.data = dup_or_null(data, &failed),
		.flags = flags,
	};
	if (!failed && ALC_PUSH(spec->mounts, spec->n_mounts, m) == 0)
		return 0;
	free(m.source);
	free(m.target);
	free(m.type);
	free(m.data);
	return -ENOMEM;
}

int alc_spec_set_rlimit(struct alc_spec *spec, int resource, uint64_t soft, uint64_t hard)
{
	struct alc_process *p = &spec->process;
	for (size_t i = 0; i < p->n_rlimits; i++) {
		if (p->rlimits[i].resource == resource) {
			p->rlimits[i].soft = soft;
			p->rlimits[i].hard = hard;
			return 0;
		}
	}
	struct alc_rlimit rl = { resource, soft, hard };
	return ALC_PUSH(p->rlimits, p->n_rlimits, rl);
}

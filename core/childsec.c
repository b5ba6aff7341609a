#include "childsec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

bool alc_childsec_wants_timens(const struct alc_spec *spec)
{
	return spec->has_time_offsets || (spec->ns_flags & CLONE_NEWTIME);
}

int alc_timens_offsets_text(const struct alc_spec *spec, char *buf, size_t len)
{
	return snprintf(buf, len, "monotonic %" PRId64 " %u\nboottime %" PRId64 " %u\n",
			spec->time_offset_mono_s, spec->time_offset_mono_ns,
			spec->time_offset_boot_s, spec->time_offset_boot_ns);
}

int alc_childsec_parent(const struct alc_spec *spec, pid_t pid, alc_err *err)
{
	if (!spec->has_oom_score_adj)
		return 0;
	char path[64], v[16];
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	snprintf(v, sizeof(v), "%d", spec->oom_score_adj);
	int r = alc_write_file_at(AT_FDCWD, path, v);
	return r < 0 ? alc_err_set(err, -r, "oomScoreAdj: write %s to %s", v, path) : 0;
}

/* The LSMs the kernel runs: securityfs's list, or each LSM's own trace
 * where securityfs is not mounted. */
static void detect_lsms(struct alc_childsec *cs)
{
	_cleanup_free_ char *list = NULL, *aa = NULL;
	if (alc_read_file_at(AT_FDCWD, "/sys/kernel/security/lsm", &list) >= 0) {
		cs->has_apparmor = strstr(list, "apparmor") != NULL;
		cs->has_selinux = strstr(list, "selinux") != NULL;
		return;
	}
	cs->has_apparmor =
		alc_read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &aa) >= 0 &&
		aa[0] == 'Y';
	cs->has_selinux = access("/sys/fs/selinux", F_OK) == 0;
}

void alc_childsec_detect(const struct alc_spec *spec, struct alc_childsec *cs)
{
	if (spec->apparmor_profile || spec->selinux_label)
		detect_lsms(cs);
}

static int enter_timens(const struct alc_spec *spec, alc_err *err)
{
	char text[128];
	if (unshare(CLONE_NEWTIME) < 0) {
		int e = errno;
		if (e == EINVAL && access("/proc/self/ns/time", F_OK) < 0)
			return alc_err_setx(
				err, e,
				"time namespace: this kernel has none (CONFIG_TIME_NS), "
				"so timeOffsets cannot be applied");
		return alc_err_set(err, e, "unshare the time namespace");
	}
	/* Offsets can be set only while no process is inside: now. */
	alc_timens_offsets_text(spec, text, sizeof(text));
	int r = spec->has_time_offsets
			? alc_write_file_at(AT_FDCWD, "/proc/self/timens_offsets", text)
			: 0;
	if (r < 0)
		return alc_err_set(err, -r, "timeOffsets: write /proc/self/timens_offsets");
	_cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return alc_err_set(err, errno, "enter the time namespace");
	return 0;
}

int alc_childsec_early(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err)
{
	char self[32] = "";
	memset(cs, 0, sizeof(*cs));
	/* /proc is still the runtime's: /proc/self names our pid there. */
	if (readlink("/proc/self", self, sizeof(self) - 1) > 0)
		cs->host_pid = (pid_t)atoi(self);
	alc_childsec_detect(spec, cs);
	return alc_childsec_wants_timens(spec) ? enter_timens(spec, err) : 0;
}

/* Writes the label that the kernel applies at execve, or says why not. */
static int set_exec_label(const struct alc_spec *spec, const struct alc_childsec *cs, alc_err *err)
{
	char text[512];
	int r = 0;
	if (spec->apparmor_profile && !cs->has_apparmor) {
		fprintf(stderr,
			"alcove: warning: apparmorProfile \"%s\" not applied: the kernel "
			"has no AppArmor\n",
			spec->apparmor_profile);
	} else if (spec->apparmor_profile) {
		snprintf(text, sizeof(text), "exec %s", spec->apparmor_profile);
		r = alc_write_file_at(AT_FDCWD, "/proc/self/attr/apparmor/exec", text);
		if (r == -ENOENT)
			r = alc_write_file_at(AT_FDCWD, "/proc/self/attr/exec", text);
		if (r < 0)
			return alc_err_set(err, -r, "apparmorProfile %s", spec->apparmor_profile);
	}
	if (spec->selinux_label && !cs->has_selinux) {
		fprintf(stderr,
			"alcove: warning: selinuxLabel \"%s\" not applied: the kernel has "
			"no SELinux\n",
			spec->selinux_label);
	} else if (spec->selinux_label) {
		r = alc_write_file_at(AT_FDCWD, "/proc/self/attr/exec", spec->selinux_label);
		if (r < 0)
			return alc_err_set(err, -r, "selinuxLabel %s", spec->selinux_label);
	}
	return 0;
}

int alc_childsec_precaps(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err)
{
	if (spec->has_personality && personality(spec->personality) < 0)
		return alc_err_set(err, errno, "personality %#lx", spec->personality);
	int r = set_exec_label(spec, cs, err);
	if (r < 0 || !spec->seccomp)
		return r;
	r = alc_seccomp_compile(spec->seccomp, &cs->seccomp, err);
	if (r == 0 && !spec->process.no_new_privs)
		r = alc_seccomp_load(&cs->seccomp, err);
	return r;
}

int alc_childsec_final(const struct alc_spec *spec, struct alc_childsec *cs, alc_err *err)
{
	if (!spec->seccomp || !spec->process.no_new_privs)
		return 0;
	return alc_seccomp_load(&cs->seccomp, err);
}

#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

static enum alc_hier v1_hier_of(unsigned ctrl)
{
	switch (ctrl) {
	case ALC_CTRL_CPU:
		return ALC_H_CPU;
	case ALC_CTRL_MEMORY:
		return ALC_H_MEMORY;
	case ALC_CTRL_PIDS:
		return ALC_H_PIDS;
	case ALC_CTRL_CPUSET:
		return ALC_H_CPUSET;
	case ALC_CTRL_IO:
		return ALC_H_BLKIO;
	}
	return ALC_H_COUNT;
}

static void hier_root(const struct alc_cgroup *cg, enum alc_hier h, char *buf, size_t len)
{
	if (h == ALC_H_V2)
		snprintf(buf, len, "%s%s", cg->root, cg->layout == ALC_CG_HYBRID ? "/unified" : "");
	else
		snprintf(buf, len, "%s/%s", cg->root, alc_hier_name(h));
}

static bool v1_mounted(const struct alc_cgroup *cg, enum alc_hier h)
{
	char path[256];
	struct statfs st;
	hier_root(cg, h, path, sizeof(path));
	return statfs(path, &st) == 0 && st.f_type == CGROUP_SUPER_MAGIC;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Fails, naming the controller, unless every needed one can be had. */
static int check_controllers(struct alc_cgroup *cg, unsigned need, alc_err *err)
{
	char dir[256], ctrls[128];
	for (unsigned bit = 1; bit < (1u << ALC_CTRL_COUNT); bit <<= 1) {
		if (!(need & bit))
			continue;
		if (cg->layout == ALC_CG_V2) {
			_cleanup_free_ char *text = NULL;
			hier_root(cg, ALC_H_V2, dir, sizeof(dir));
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			long r = dfd < 0 ? -errno
					 : alc_read_file_at(dfd, "cgroup.controllers", &text);
			if (dfd >= 0)
				close(dfd);
			if (r < 0)
				return alc_err_set(err, (int)-r, "read %s/cgroup.controllers", dir);
			unsigned avail = alc_cg_parse_controllers(text);
			if (!(avail & bit))
				return alc_err_setx(
					err, ENODEV,
					"the %s controller is not available in %s "
					"(cgroup.controllers: %s)",
					alc_cg_ctrl_name(bit), dir,
					alc_cg_format_controllers(avail, ctrls, sizeof(ctrls)));
		} else if (!v1_mounted(cg, v1_hier_of(bit))) {
			hier_root(cg, v1_hier_of(bit), dir, sizeof(dir));
			return alc_err_setx(
				err, ENODEV,
				"the %s controller is not available (no v1 hierarchy at %s)",
				alc_cg_ctrl_name(bit), dir);
		}
	}
	return 0;
}

/* Enables the needed controllers for the children of dirfd. */
static int v2_enable_children(int dirfd, const char *dir, unsigned need, alc_err *err)
{
	_cleanup_free_ char *text = NULL;
	if (alc_read_file_at(dirfd, "cgroup.subtree_control", &text) < 0)
		return alc_err_set(err, errno, "read %s/cgroup.subtree_control", dir);
	unsigned have = alc_cg_parse_controllers(text);
	for (unsigned bit = 1; bit < (1u << ALC_CTRL_COUNT); bit <<= 1) {
		if (!(need & bit) || (have & bit))
			continue;
		char cmd[32];
		snprintf(cmd, sizeof(cmd), "+%s", alc_cg_ctrl_name(bit));
		int r = alc_write_file_at(dirfd, "cgroup.subtree_control", cmd);
		if (r < 0)
			return alc_err_set(err, -r, "enable the %s controller in %s",
					   alc_cg_ctrl_name(bit), dir);
	}
	return 0;
}

/* A new v1 cpuset group starts empty and takes no tasks: inherit. */
static int cpuset_inherit(int parent, int child, const char *dir, alc_err *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *mine = NULL, *theirs = NULL;
		if (alc_read_file_at(child, files[i], &mine) < 0)
			return alc_err_set(err, errno, "read %s/%s", dir, files[i]);
		if (mine[0] != '\n' && mine[0])
			continue;
		if (alc_read_file_at(parent, files[i], &theirs) < 0)
			return alc_err_set(err, errno, "read the parent of %s/%s", dir, files[i]);
		int r = alc_write_file_at(child, files[i], theirs);
		if (r < 0)
			return alc_err_set(err, -r, "write %s/%s", dir, files[i]);
	}
	return 0;
}

/* Creates every level of cg->rel in hierarchy h; sets cg->fd[h] only when
 * the last level was created here, so destroy never removes a group that
 * belongs to someone else. */
static int make_group(struct alc_cgroup *cg, enum alc_hier h, unsigned need, alc_err *err)
{
	char base[256], path[512];
	hier_root(cg, h, base, sizeof(base));
	_cleanup_close_ int parent = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return alc_err_set(err, errno, "open %s", base);
	snprintf(path, sizeof(path), "%s", base);
	const char *p = cg->rel;
	while (*p) {
		size_t len = strcspn(p, "/");
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		bool last = p[len] == '\0';
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", name);
		if (h == ALC_H_V2 && need) {
			int r = v2_enable_children(parent, path, need, err);
			if (r < 0)
				return r;
		}
		if (mkdirat(parent, name, 0755) == 0)
			cg->made[h]++;
		else if (errno != EEXIST || last)
			return alc_err_set(err, errno, "mkdir %s", path);
		int child = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (child < 0)
			return alc_err_set(err, errno, "open %s", path);
		if (last)
			cg->fd[h] = child; /* from here on, destroy removes it */
		if (last && cg->owner[0] && !cg->marked)
			cg->marked = fsetxattr(child, ALC_CG_OWNER_XATTR, cg->owner,
					       strlen(cg->owner), 0) == 0;
		if (h == ALC_H_CPUSET) {
			int r = cpuset_inherit(parent, child, path, err);
			if (r < 0) {
				if (!last)
					close(child);
				return r;
			}
		}
		close(parent);
		parent = last ? -1 : child;
		p += len + (p[len] == '/');
	}
	return 0;
}

static int apply_phase(struct alc_cgroup *cg, const struct alc_cg_write *ws, int n, int phase,
		       enum uring_backend backend, alc_err *err)
{
	struct uring_write batch[ALC_CG_MAX_WRITES];
	const struct alc_cg_write *src[ALC_CG_MAX_WRITES];
	int m = 0, r = 0;
	for (int i = 0; i < n; i++) {
		if (ws[i].phase != phase)
			continue;
		int fd = openat(cg->fd[ws[i].hier], ws[i].file, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			r = alc_err_set(err, errno, "%s: open %s", ws[i].what, ws[i].file);
			break;
		}
		batch[m] = (struct uring_write){ .fd = fd,
						 .buf = ws[i].value,
						 .len = strlen(ws[i].value) };
		src[m++] = &ws[i];
	}
	struct uring_writer *w = NULL;
	if (r == 0 && m > 0)
		r = uring_writer_new(backend, (unsigned)m, &w, err);
	if (r == 0 && m > 0)
		r = uring_writer_submit(w, batch, (size_t)m, err);
	for (int i = 0; r > 0 && i < m; i++) {
		if (batch[i].result < 0) {
			char dir[256];
			hier_root(cg, src[i]->hier, dir, sizeof(dir));
			r = alc_err_set(err, (int)-batch[i].result, "%s: write \"%s\" to %s/%s/%s",
					src[i]->what, src[i]->value, dir, cg->rel, src[i]->file);
		}
	}
	uring_writer_free(w);
	for (int i = 0; i < m; i++)
		close(batch[i].fd);
	return r < 0 ? r : 0;
}

/* The v1 hierarchies a group joins. Each v1 attach waits for an RCU grace
 * period, so a hybrid host joins only those its limits need: the v2 group
 * already gives membership, freeze, kill and CPU usage. A v1-only host
 * also joins freezer (pause, kill) and cpuacct (usage). */
static unsigned v1_hierarchies(enum alc_cg_layout layout, unsigned need)
{
	unsigned m = 0;
	if (layout == ALC_CG_V2)
		return 0;
	for (unsigned bit = 1; bit < (1u << ALC_CTRL_COUNT); bit <<= 1)
		if ((need & bit) && v1_hier_of(bit) != ALC_H_COUNT)
			m |= 1u << v1_hier_of(bit);
	if (layout == ALC_CG_V1)
		m |= (1u << ALC_H_FREEZER) | (1u << ALC_H_CPUACCT) | (1u << ALC_H_PIDS);
	return m;
}

int alc_cgroup_create(struct alc_cgroup *cg, const struct alc_cg_opts *o, const char *rel,
		      const struct alc_resources *res, alc_err *err)
{
	struct alc_cg_write plan[ALC_CG_MAX_WRITES];
	char v2[256];
	memset(cg, 0, sizeof(*cg));
	for (int h = 0; h < ALC_H_COUNT; h++)
		cg->fd[h] = -1;
	cg->writer = o ? o->writer : URING_BACKEND_SYNC;
	cg->v1_extra = o ? o->v1_extra : 0;
	cg->keep_parents = o && o->keep_parents;
	snprintf(cg->owner, sizeof(cg->owner), "%s", o && o->owner ? o->owner : "");
	snprintf(cg->root, sizeof(cg->root), "%s", o && o->root ? o->root : "/sys/fs/cgroup");
	if (snprintf(cg->rel, sizeof(cg->rel), "%s", rel) >= (int)sizeof(cg->rel) || !rel[0] ||
	    rel[0] == '/' || strstr(rel, ".."))
		return alc_err_setx(err, EINVAL, "invalid cgroup path \"%s\"", rel);
	cg->layout = alc_cg_detect(cg->root, v2, sizeof(v2));
	if (o && o->force_v1 && cg->layout == ALC_CG_HYBRID)
		cg->layout = ALC_CG_V1;
	if (cg->layout == ALC_CG_NONE)
		return alc_err_setx(err, ENODEV, "no cgroup filesystem at %s", cg->root);
	/* Everything that can be refused is refused before anything exists. */
	int n = alc_cg_plan_limits(cg->layout == ALC_CG_V2, res, plan, err);
	if (n < 0)
		return n;
	cg->need = alc_cg_needed_controllers(res);
	int r = check_controllers(cg, cg->need, err);
	if (r == 0 && cg->layout != ALC_CG_V1)
		r = make_group(cg, ALC_H_V2, cg->layout == ALC_CG_V2 ? cg->need : 0, err);
	if (r < 0)
		alc_cgroup_destroy(cg, NULL); /* the first error is the one to report */
	return r;
}

int alc_cgroup_complete(struct alc_cgroup *cg, const struct alc_resources *res, alc_err *err)
{
	struct alc_cg_write plan[ALC_CG_MAX_WRITES];
	int n = alc_cg_plan_limits(cg->layout == ALC_CG_V2, res, plan, err);
	int r = n < 0 ? n : 0;
	unsigned want = v1_hierarchies(cg->layout, cg->need);
	if (cg->layout != ALC_CG_V2)
		want |= cg->v1_extra & ~(1u << ALC_H_V2);
	for (int h = ALC_H_V2 + 1; r == 0 && h < ALC_H_COUNT; h++)
		if ((want & (1u << h)) && v1_mounted(cg, (enum alc_hier)h))
			r = make_group(cg, (enum alc_hier)h, 0, err);
	for (int phase = 0; r == 0 && phase < 2; phase++)
		r = apply_phase(cg, plan, n, phase, cg->writer, err);
	return r;
}

int alc_cgroup_join_v1(struct alc_cgroup *cg, enum alc_hier h, alc_err *err)
{
	char dir[256];
	if (cg->fd[h] >= 0)
		return 0;
	hier_root(cg, h, dir, sizeof(dir));
	if (cg->layout == ALC_CG_V2 || h == ALC_H_V2 || !v1_mounted(cg, h))
		return alc_err_setx(err, ENODEV, "no v1 %s hierarchy at %s", alc_hier_name(h), dir);
	return make_group(cg, h, 0, err);
}

int alc_cgroup_v2_fd(const struct alc_cgroup *cg)
{
	return cg->fd[ALC_H_V2];
}

int alc_cgroup_attach(struct alc_cgroup *cg, pid_t pid, bool with_v2, enum uring_backend backend,
		      alc_err *err)
{
	char buf[24];
	struct uring_write ws[ALC_H_COUNT];
	enum alc_hier hs[ALC_H_COUNT];
	size_t n = 0;
	int r = 0;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (int h = 0; r == 0 && h < ALC_H_COUNT; h++) {
		if (cg->fd[h] < 0 || (h == ALC_H_V2 && !with_v2) || (cg->self_v1 & (1u << h)))
			continue;
		int fd = openat(cg->fd[h], "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
		hs[n] = (enum alc_hier)h;
		ws[n++] = (struct uring_write){
			.fd = fd, .buf = buf, .len = strlen(buf), .result = r
		};
	}
	/* As one batch, the v1 attaches overlap and share their RCU grace
	 * period instead of waiting for one each. */
	struct uring_writer *w = NULL;
	if (r == 0 && n > 0 &&
	    (r = uring_writer_new(n > 1 ? backend : URING_BACKEND_SYNC, (unsigned)n, &w, err)) == 0)
		r = uring_writer_submit(w, ws, n, err);
	uring_writer_free(w);
	for (size_t i = 0; i < n; i++) {
		if (r >= 0 && ws[i].result < 0) {
			char dir[256];
			hier_root(cg, hs[i], dir, sizeof(dir));
			r = alc_err_set(err, (int)-ws[i].result, "move pid %d into %s/%s", (int)pid,
					dir, cg->rel);
		}
		if (ws[i].fd >= 0)
			close(ws[i].fd);
	}
	return r < 0 ? r : 0;
}

/* The directory fd whose cgroup.procs lists the members. */
static int members_fd(const struct alc_cgroup *cg)
{
	for (int h = 0; h < ALC_H_COUNT; h++)
		if (cg->fd[h] >= 0)
			return cg->fd[h];
	return -1;
}

int alc_cgroup_pids(struct alc_cgroup *cg, pid_t **pids, size_t *n)
{
	_cleanup_free_ char *text = NULL;
	*pids = NULL;
	*n = 0;
	int fd = members_fd(cg);
	if (fd < 0)
		return -ENOENT;
	long len = alc_read_file_at(fd, "cgroup.procs", &text);
	if (len < 0)
		return (int)len;
	size_t cap = 1;
	for (char *p = text; *p; p++)
		cap += *p == '\n';
	pid_t *out = calloc(cap, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (char *save = NULL, *tok = strtok_r(text, "\n", &save); tok;
	     tok = strtok_r(NULL, "\n", &save))
		out[(*n)++] = (pid_t)atoi(tok);
	*pids = out;
	return 0;
}

int alc_cgroup_kill(struct alc_cgroup *cg, int sig, alc_err *err)
{
	if (sig == SIGKILL && cg->fd[ALC_H_V2] >= 0 &&
	    faccessat(cg->fd[ALC_H_V2], "cgroup.kill", W_OK, 0) == 0) {
		int r = alc_write_file_at(cg->fd[ALC_H_V2], "cgroup.kill", "1");
		return r < 0 ? alc_err_set(err, -r, "write cgroup.kill in %s", cg->rel) : 0;
	}
	/* Freeze first so nothing forks past the signal, then thaw. */
	bool frozen = sig == SIGKILL && alc_cgroup_freeze(cg, true, NULL) == 0;
	pid_t *pids = NULL;
	size_t n = 0;
	int r = alc_cgroup_pids(cg, &pids, &n);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			r = alc_err_set(err, errno, "kill %d", (int)pids[i]);
	free(pids);
	if (frozen)
		alc_cgroup_freeze(cg, false, NULL);
	return r;
}

/* Waits until the file reads want (cgroup.events changes wake POLLPRI). */
static int wait_state(int dirfd, const char *file, const char *key, const char *want)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (int waited = 0; waited < 5000;) {
		char buf[512];
		ssize_t len = pread(fd, buf, sizeof(buf) - 1, 0);
		if (len < 0)
			return -errno;
		buf[len] = '\0';
		char *at = key ? strstr(buf, key) : buf;
		if (at && !strncmp(at + (key ? strlen(key) : 0), want, strlen(want)))
			return 0;
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		if (key && poll(&p, 1, 10) > 0)
			continue;
		if (!key)
			sleep_ms(1); /* the v1 freezer has no change notification */
		waited += key ? 10 : 1;
	}
	return -ETIMEDOUT;
}

int alc_cgroup_freeze(struct alc_cgroup *cg, bool frozen, alc_err *err)
{
	int r;
	if (cg->fd[ALC_H_V2] >= 0) {
		r = alc_write_file_at(cg->fd[ALC_H_V2], "cgroup.freeze", frozen ? "1" : "0");
		if (r == 0)
			r = wait_state(cg->fd[ALC_H_V2], "cgroup.events", "frozen ",
				       frozen ? "1" : "0");
	} else if (cg->fd[ALC_H_FREEZER] >= 0) {
		const char *state = frozen ? "FROZEN" : "THAWED";
		r = alc_write_file_at(cg->fd[ALC_H_FREEZER], "freezer.state", state);
		if (r == 0)
			r = wait_state(cg->fd[ALC_H_FREEZER], "freezer.state", NULL, state);
	} else {
		return alc_err_setx(err, ENODEV, "%s: no cgroup.freeze and no v1 freezer", cg->rel);
	}
	return r < 0 ? alc_err_set(err, -r, "%s %s", frozen ? "freeze" : "thaw", cg->rel) : 0;
}

static uint64_t read_u64(int dirfd, const char *file)
{
	_cleanup_free_ char *text = NULL;
	if (dirfd < 0 || alc_read_file_at(dirfd, file, &text) < 0)
		return 0;
	return strtoull(text, NULL, 10);
}

static uint64_t read_key(int dirfd, const char *file, const char *key)
{
	_cleanup_free_ char *text = NULL;
	uint64_t v = 0;
	if (dirfd >= 0 && alc_read_file_at(dirfd, file, &text) >= 0)
		alc_flatkv_get(text, key, &v);
	return v;
}

int alc_cgroup_stats(struct alc_cgroup *cg, struct alc_cg_stats *st)
{
	memset(st, 0, sizeof(*st));
	int v2 = cg->fd[ALC_H_V2];
	if (v2 >= 0)
		st->cpu_usage_us = read_key(v2, "cpu.stat", "usage_usec");
	else
		st->cpu_usage_us = read_u64(cg->fd[ALC_H_CPUACCT], "cpuacct.usage") / 1000;
	if (cg->layout == ALC_CG_V2) {
		st->nr_periods = read_key(v2, "cpu.stat", "nr_periods");
		st->nr_throttled = read_key(v2, "cpu.stat", "nr_throttled");
		st->throttled_us = read_key(v2, "cpu.stat", "throttled_usec");
		st->memory_current = read_u64(v2, "memory.current");
		st->memory_peak = read_u64(v2, "memory.peak");
		st->pids_current = read_u64(v2, "pids.current");
		st->oom_kills = read_key(v2, "memory.events", "oom_kill");
		return 0;
	}
	int cpu = cg->fd[ALC_H_CPU], mem = cg->fd[ALC_H_MEMORY];
	st->nr_periods = read_key(cpu, "cpu.stat", "nr_periods");
	st->nr_throttled = read_key(cpu, "cpu.stat", "nr_throttled");
	st->throttled_us = read_key(cpu, "cpu.stat", "throttled_time") / 1000;
	st->memory_current = read_u64(mem, "memory.usage_in_bytes");
	st->memory_peak = read_u64(mem, "memory.max_usage_in_bytes");
	st->pids_current = read_u64(cg->fd[ALC_H_PIDS], "pids.current");
	st->oom_kills = read_key(mem, "memory.oom_control", "oom_kill");
	return 0;
}

static int rmdir_retry(const char *path)
{
	for (int i = 0; i < 500; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		sleep_ms(4); /* dying tasks leave the group asynchronously */
	}
	return -EBUSY;
}

int alc_cgroup_destroy(struct alc_cgroup *cg, alc_err *err)
{
	int first = 0;
	if (members_fd(cg) >= 0)
		alc_cgroup_kill(cg, SIGKILL, NULL); /* an empty group is the usual case */
	for (int h = 0; h < ALC_H_COUNT; h++) {
		if (cg->fd[h] < 0)
			continue;
		close(cg->fd[h]);
		cg->fd[h] = -1;
		char base[256], path[512];
		hier_root(cg, (enum alc_hier)h, base, sizeof(base));
		snprintf(path, sizeof(path), "%s/%s", base, cg->rel);
		int r = rmdir_retry(path);
		if (r < 0 && !first)
			first = alc_err_set(err, -r, "rmdir %s", path);
		/* Shared parents (alcove/) go when the last container leaves; a
		 * client's own tree stays, but for what a failed create made. */
		int up = cg->keep_parents ? cg->made[h] - 1 : (int)sizeof(path);
		cg->made[h] = 0;
		for (char *slash = strrchr(path, '/');
		     up-- > 0 && slash && slash > path + strlen(base); slash = strrchr(path, '/')) {
			*slash = '\0';
			if (rmdir(path) < 0)
				break; /* ENOTEMPTY/EBUSY: still in use by others */
		}
	}
	return first;
}

int alc_cgroup_owned_by(const struct alc_cgroup *cg, const char *owner)
{
	char have[sizeof(cg->owner)];
	int fd = members_fd(cg);
	ssize_t n = fd < 0 ? -1 : fgetxattr(fd, ALC_CG_OWNER_XATTR, have, sizeof(have) - 1);
	if (n < 0)
		return fd >= 0 && (errno == ENOTSUP || errno == EOPNOTSUPP) ? -ENOTSUP : 0;
	have[n] = '\0';
	return !strcmp(have, owner);
}

void alc_cgroup_keep_made_parents(struct alc_cgroup *cg)
{
	for (int h = 0; h < ALC_H_COUNT; h++)
		cg->made[h] = cg->made[h] > 0;
}

int alc_cgroup_open(struct alc_cgroup *cg, const struct alc_cg_opts *o, const char *rel,
		    alc_err *err)
{
	char v2[256], base[256];
	memset(cg, 0, sizeof(*cg));
	for (int h = 0; h < ALC_H_COUNT; h++)
		cg->fd[h] = -1;
	cg->writer = o ? o->writer : URING_BACKEND_SYNC;
	snprintf(cg->root, sizeof(cg->root), "%s", o && o->root ? o->root : "/sys/fs/cgroup");
	if (snprintf(cg->rel, sizeof(cg->rel), "%s", rel) >= (int)sizeof(cg->rel) || !rel[0] ||
	    rel[0] == '/' || strstr(rel, ".."))
		return alc_err_setx(err, EINVAL, "invalid cgroup path \"%s\"", rel);
	cg->layout = alc_cg_detect(cg->root, v2, sizeof(v2));
	if (cg->layout == ALC_CG_NONE)
		return alc_err_setx(err, ENODEV, "no cgroup filesystem at %s", cg->root);
	int found = 0;
	for (int h = 0; h < ALC_H_COUNT; h++) {
		bool v2 = h == ALC_H_V2;
		if ((v2 && cg->layout == ALC_CG_V1) || (!v2 && cg->layout == ALC_CG_V2))
			continue;
		hier_root(cg, (enum alc_hier)h, base, sizeof(base));
		_cleanup_close_ int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (bfd >= 0)
			cg->fd[h] = openat(bfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		found += cg->fd[h] >= 0;
	}
	return found ? 0 : alc_err_setx(err, ENOENT, "cgroup %s does not exist", rel);
}

/* Puts a running group into v1 hierarchy h: the group made there, then every
 * member moved while the group is frozen, so that none forks past the move. */
static int join_late(struct alc_cgroup *cg, enum alc_hier h, const char *what, alc_err *err)
{
	if (cg->layout == ALC_CG_V2 || h == ALC_H_V2 || !v1_mounted(cg, h))
		return alc_err_setx(err, ENOENT, "%s: %s has no %s group", what, cg->rel,
				    alc_hier_name(h));
	bool frozen = alc_cgroup_freeze(cg, true, NULL) == 0;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = alc_cgroup_pids(cg, &pids, &n); /* before the new, empty group */
	if (r < 0)
		alc_err_set(err, -r, "%s: list the members of %s", what, cg->rel);
	if (r == 0)
		r = make_group(cg, h, 0, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char pid[24];
		snprintf(pid, sizeof(pid), "%d", (int)pids[i]);
		r = alc_write_file_at(cg->fd[h], "cgroup.procs", pid);
		if (r == -ESRCH)
			r = 0; /* it exited meanwhile */
		else if (r < 0)
			alc_err_set(err, -r, "%s: move pid %s into the %s group %s", what, pid,
				    alc_hier_name(h), cg->rel);
	}
	if (frozen)
		alc_cgroup_freeze(cg, false, NULL);
	return r;
}

int alc_cgroup_update(struct alc_cgroup *cg, const struct alc_resources *res, alc_err *err)
{
	struct alc_cg_write plan[ALC_CG_MAX_WRITES];
	int n = alc_cg_plan_limits(cg->layout == ALC_CG_V2, res, plan, err);
	if (n < 0)
		return n;
	int r = 0;
	for (int i = 0; r == 0 && i < n; i++)
		if (cg->fd[plan[i].hier] < 0)
			r = join_late(cg, plan[i].hier, plan[i].what, err);
	for (int phase = 0; r == 0 && phase < 2; phase++)
		r = apply_phase(cg, plan, n, phase, cg->writer, err);
	return r;
}

/* create, start, run and delete: the container's life as containerd's shim
 * and podman's conmon drive it. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "container.h"
#include "pty.h"

static void rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* The mounts alcove's rootfs setup always makes (core/rootfs.c: /proc,
 * a tmpfs /dev with devpts, shm and mqueue, /sys) leave the config's list:
 * mounting them twice fails (sysfs without a network namespace) or hides
 * the device nodes. */
static void drop_builtin_mounts(struct alc_spec *spec)
{
	static const char *const builtin[][2] = {
		{ "/proc", "proc" },	 { "/dev", "tmpfs" },	      { "/dev/pts", "devpts" },
		{ "/dev/shm", "tmpfs" }, { "/dev/mqueue", "mqueue" }, { "/sys", "sysfs" },
	};
	size_t k = 0;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct alc_mount *m = &spec->mounts[i];
		bool drop = false;
		for (size_t b = 0; !drop && b < sizeof(builtin) / sizeof(*builtin); b++)
			drop = m->target && m->type && !strcmp(m->target, builtin[b][0]) &&
			       !strcmp(m->type, builtin[b][1]);
		if (!drop) {
			spec->mounts[k++] = *m;
			continue;
		}
		free(m->source);
		free(m->target);
		free(m->type);
		free(m->data);
	}
	spec->n_mounts = k;
}

/* A "cgroup" mount (podman, containerd's CRI) as the host can give it: on
 * pure v2 the cgroup2 filesystem (rooted at the container's group with a
 * cgroup namespace); on hybrid and v1 hosts, where a bare "cgroup" mount
 * is refused, the host's tree bound read-only, which is what a cgroup2
 * mount without a cgroup namespace shows anyway. */
static int fit_cgroup_mounts(struct alc_spec *spec)
{
	char v2[256];
	bool pure_v2 = alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2)) == ALC_CG_V2;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct alc_mount *m = &spec->mounts[i];
		if (!m->type || strcmp(m->type, "cgroup"))
			continue;
		char *type = strdup(pure_v2 ? "cgroup2" : "none");
		char *src = strdup(pure_v2 ? "cgroup2" : "/sys/fs/cgroup");
		if (!type || !src) {
			free(type);
			free(src);
			return -ENOMEM;
		}
		free(m->type);
		free(m->source);
		m->type = pure_v2 ? type : NULL;
		m->source = src;
		if (!pure_v2) {
			free(type);
			m->flags = MS_BIND | MS_REC | MS_RDONLY |
				   (m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC));
		}
	}
	return 0;
}

/* Loads the bundle's config and fits it to this container. */
static int load_spec(const char *bundle, const char *id, const struct oci_create_opts *o,
		     struct alc_spec *spec, alc_err *err)
{
	int r = oci_config_load(bundle, spec, err);
	if (r < 0)
		return r;
	drop_builtin_mounts(spec);
	r = fit_cgroup_mounts(spec);
	if (r == 0 && spec->terminal && !o->console_socket && !o->use_console_fd)
		r = alc_err_setx(err, EINVAL,
				 "process.terminal is true: --console-socket is required");
	else if (r == 0 && !spec->terminal && o->console_socket)
		r = alc_err_setx(err, EINVAL,
				 "--console-socket given but process.terminal is false");
	if (r == 0 && (!(spec->name = strdup(id)) || !(spec->bundle = strdup(bundle))))
		r = -ENOMEM;
	spec->no_pivot = o->no_pivot;
	if (r == 0 && !o->no_new_keyring && asprintf(&spec->keyring, OCI_KEYRING_FMT, id) < 0) {
		spec->keyring = NULL;
		r = -ENOMEM;
	}
	if (r == 0 && spec->cgroup_path) {
		/* OCI paths are absolute ("/default/id"); ours are relative. */
		char *p = spec->cgroup_path;
		while (*p == '/')
			p++;
		memmove(spec->cgroup_path, p, strlen(p) + 1);
		if (!*spec->cgroup_path) {
			free(spec->cgroup_path);
			spec->cgroup_path = NULL;
		}
	}
	if (r == 0 && !spec->cgroup_path && asprintf(&spec->cgroup_path, "alcove/%s", id) < 0) {
		spec->cgroup_path = NULL;
		r = -ENOMEM;
	}
	if (r == 0 && (r = oci_preserve_fds(spec, o->preserve_fds)) > 0)
		r = 0;
	if (r < 0)
		alc_spec_free(spec);
	return r < 0 && !err->code ? alc_err_set(err, -r, "load %s/config.json", bundle) : r;
}

/* A client's tree (containerd's /default, podman's parent) stays when its
 * container goes; our own alcove/ goes with its last container. */
static bool client_tree(const char *cgroup_path)
{
	return strncmp(cgroup_path, "alcove/", 7) != 0;
}

/* The token a create marks its group with: the id and the creation time. */
static const char *oci_owner_token(const struct oci_state *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s@%s", st->id, st->created ? st->created : "");
	return buf;
}

static void close_cgroup_fds(struct alc_cgroup *cg)
{
	for (int h = 0; h < ALC_H_COUNT; h++)
		if (cg->fd[h] >= 0) {
			close(cg->fd[h]);
			cg->fd[h] = -1;
		}
}

/* Makes the exec FIFO the parked process opens for writing; returns an
 * O_PATH fd of it. */
static int make_fifo(const char *root, const char *id, alc_err *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/%s", root, id, OCI_EXEC_FIFO);
	if (mkfifo(path, 0622) < 0 || chmod(path, 0622) < 0)
		return alc_err_set(err, errno, "mkfifo %s", path);
	int fd = open(path, O_PATH | O_CLOEXEC);
	return fd < 0 ? alc_err_set(err, errno, "open %s", path) : fd;
}

/* The state as create first saves it: creating, no process yet, but the
 * cgroup path, so a create killed half-way can still be deleted whole. */
static int fill_state(struct oci_state *st, const char *id, const char *bundle,
		      const struct alc_spec *spec, const char *cgroup_rel, alc_err *err)
{
	char created[64], cfg[PATH_MAX + 16];
	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	st->status = OCI_CREATING;
	rfc3339_now(created, sizeof(created));
	snprintf(cfg, sizeof(cfg), "%s/config.json", bundle);
	st->bundle = strdup(bundle);
	st->rootfs = strdup(spec->root_path);
	st->created = strdup(created);
	st->config_json = strdup(cfg);
	st->cgroup_path = cgroup_rel ? strdup(cgroup_rel) : NULL;
	st->annotations_json = spec->annotations_json ? strdup(spec->annotations_json) : NULL;
	for (int ph = 0; ph < ALC_HOOK_PHASES; ph++)
		st->hooks |= spec->n_hooks[ph] ? 1 << ph : 0;
	if (!st->bundle || !st->rootfs || !st->created || !st->config_json ||
	    (cgroup_rel && !st->cgroup_path))
		return alc_err_set(err, ENOMEM, "state");
	return 0;
}

struct hook_ctx {
	const char *id, *bundle;
};

/* The prestart and createRuntime hooks, with the state (status creating):
 * alc_container_create calls this between the process's mounts and its
 * pivot_root, as the spec orders. */
static int runtime_hooks(const struct alc_container *c, const struct alc_spec *spec, void *arg,
			 alc_err *err)
{
	const struct hook_ctx *h = arg;
	struct oci_state st = { .status = OCI_CREATING, .pid = c->child.pid };
	snprintf(st.id, sizeof(st.id), "%s", h->id);
	st.bundle = (char *)h->bundle; /* borrowed: not freed here */
	st.rootfs = spec->root_path;
	st.annotations_json = spec->annotations_json;
	int r = oci_run_hooks(spec, ALC_HOOK_PRESTART, &st, err);
	return r < 0 ? r : oci_run_hooks(spec, ALC_HOOK_CREATE_RUNTIME, &st, err);
}

/* A create in progress, and what run in the foreground keeps of it. */
struct creating {
	char bundle[PATH_MAX];
	struct alc_spec spec;
	struct alc_container c;
	struct oci_state st; /* as last saved */
	int lock;	     /* the state lock, held */
	bool fg;	     /* run in the foreground: no exec FIFO, the process
			      * stays our child and waits on the spawn socket */
	bool alone;	     /* create on its own: we exit once it is parked */
};

/* Everything after the lock: fifo, console, cgroup and process, state,
 * hooks, pid file. On failure the caller removes the state directory. */
static int create_locked(const char *root, const char *id, const struct oci_create_opts *o,
			 struct creating *k, alc_err *err)
{
	_cleanup_close_ int fifo = -1;
	if (!k->fg && (fifo = make_fifo(root, id, err)) < 0)
		return fifo;
	_cleanup_close_ int console = -1;
	if (o->console_socket && (console = alc_pty_connect(o->console_socket, err)) < 0)
		return console;
	/* In the foreground we only wait on the process from clone to exec,
	 * and a create on its own exits once the process is parked: it may
	 * share our address space then (no copy of it to make). */
	struct alc_spawn_opts so = { .park_fd = fifo,
				     .console_fd = o->use_console_fd ? o->console_fd : console,
				     .share_vm = k->fg || k->alone };
	struct alc_runtime_opts ro = { .spawn = &so, .cg = { .v1_extra = OCI_V1_STATS } };
	ro.cg.keep_parents = client_tree(k->spec.cgroup_path);
	char owner[96];
	ro.no_cgroup = geteuid() != 0 && !k->spec.res.set;
	struct hook_ctx hooks = { id, k->bundle };
	ro.runtime_hooks = runtime_hooks;
	ro.runtime_hooks_arg = &hooks;
	struct oci_state *st = &k->st;
	struct alc_container *c = &k->c;
	int r = fill_state(st, id, k->bundle, &k->spec, ro.no_cgroup ? NULL : k->spec.cgroup_path,
			   err);
	if (r == 0) /* lets a delete of a create that died tell its group from another's */
		ro.cg.owner = oci_owner_token(st, owner, sizeof(owner));
	if (r == 0)
		r = oci_state_save(root, st, err);
	if (r == 0)
		r = alc_container_create(c, &k->spec, &ro, err);
	if (r < 0)
		return r;
	char pstate;
	st->status = OCI_CREATED;
	st->pid = c->child.pid;
	if (r == 0 && (r = oci_pid_start_time(st->pid, &st->pid_start, &pstate)) < 0)
		alc_err_set(err, -r, "read /proc/%d/stat", (int)st->pid);
	/* In the foreground, start follows under the same lock: the next save
	 * is "running". */
	if (r == 0 && !k->fg)
		r = oci_state_save(root, st, err);
	if (r == 0 && o->pid_file)
		r = oci_write_pid_file(o->pid_file, c->child.pid, err);
	if (r < 0) {
		alc_container_destroy(c, NULL); /* the first error is the one to report */
		return r;
	}
	if (k->fg)
		return 0; /* run keeps the process, its socket and the cgroup fds */
	/* Detach: the process now belongs to whoever reaps our orphans. */
	if (c->child.sock >= 0)
		close(c->child.sock);
	c->child.sock = -1;
	close_cgroup_fds(&c->cg);
	return 0;
}

static void creating_free(struct creating *k)
{
	oci_state_free(&k->st);
	alc_spec_free(&k->spec);
	if (k->lock >= 0)
		close(k->lock);
	k->lock = -1;
}

/* Creates the container; k holds the spec, the state and the lock after a
 * success (creating_free releases them), nothing after a failure. */
static int create_held(const char *root, const char *id, const struct oci_create_opts *o,
		       struct creating *k, alc_err *err)
{
	memset(&k->st, 0, sizeof(k->st));
	k->lock = -1;
	int r = oci_id_check(id, err);
	if (r < 0)
		return r;
	if (!realpath(o->bundle ? o->bundle : ".", k->bundle))
		return alc_err_set(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	if ((r = load_spec(k->bundle, id, o, &k->spec, err)) < 0)
		return r;
	k->lock = oci_state_lock(root, id, true, err);
	if (k->lock < 0) {
		r = k->lock;
		creating_free(k);
		return r;
	}
	r = create_locked(root, id, o, k, err);
	if (r < 0) {
		oci_state_remove(root, id, NULL); /* the first error is the one to report */
		creating_free(k);
	}
	return r;
}

static int create_pid(const char *root, const char *id, const struct oci_create_opts *o, pid_t *pid,
		      bool *terminal, alc_err *err)
{
	struct creating k = { .fg = false };
	int r = create_held(root, id, o, &k, err);
	if (r < 0)
		return r;
	*pid = k.c.child.pid;
	*terminal = k.spec.terminal;
	creating_free(&k);
	return 0;
}

int oci_create(const char *root, const char *id, const struct oci_create_opts *o, alc_err *err)
{
	/* On the heap, as the process may read its spec from it after we are
	 * gone (below). */
	struct creating *k = calloc(1, sizeof(*k));
	if (!k)
		return alc_err_set(err, ENOMEM, "create");
	k->alone = true;
	int r = create_held(root, id, o, k, err);
	/* A parked process that shares our address space reads the spec once
	 * start lets it go: nothing is freed, and the state lock stays held
	 * until our exit, so start (which takes it) finds us gone. */
	if (r == 0 && k->c.child.vm_stack)
		return 0;
	if (r == 0)
		creating_free(k);
	free(k);
	return r;
}

/* Opens the FIFO for reading (which lets the parked writer through) and
 * waits for its byte while the process lives. */
static int release(const char *root, const struct oci_state *st, alc_err *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/%s", root, st->id, OCI_EXEC_FIFO);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return alc_err_set(err, errno, "open %s", path);
	for (int waited = 0; waited < 30000; waited += 50) {
		char b;
		ssize_t n = read(fd, &b, 1);
		if (n == 1)
			return unlink(path) < 0 ? alc_err_set(err, errno, "unlink %s", path) : 0;
		if (!oci_pid_matches(st->pid, st->pid_start))
			return alc_err_setx(err, ESRCH,
					    "container \"%s\": its process exited before start",
					    st->id);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		poll(&p, 1, 50);
	}
	return alc_err_setx(err, ETIMEDOUT, "container \"%s\": its process did not take the start",
			    st->id);
}

/* Loads the config for the hooks of phase; returns -ENOENT when create saw
 * none there (no config to parse). */
static int load_config(const struct oci_state *st, enum alc_hook_phase phase, struct alc_spec *spec)
{
	alc_err ignored = { 0 };
	if (st->hooks >= 0 && !(st->hooks & (1 << phase)))
		return -ENOENT;
	/* Hooks come from the bundle's config; a bundle gone by now has none. */
	if (!st->bundle || oci_config_load(st->bundle, spec, &ignored) < 0)
		return alc_spec_init_default(spec);
	return 0;
}

static int start_locked(const char *root, const char *id, alc_err *err)
{
	struct oci_state st;
	int r = oci_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	if (st.status != OCI_CREATED) {
		r = alc_err_setx(err, EINVAL, "container \"%s\" is %s: start needs it created", id,
				 oci_status_name(st.status));
		oci_state_free(&st);
		return r;
	}
	/* No save: a load reads "running" from the kernel's view (the process
	 * alive, the FIFO gone), and on ext4 replacing state.json costs a
	 * block allocation of a few tenths of a millisecond. */
	r = release(root, &st, err);
	st.status = OCI_RUNNING;
	struct alc_spec spec;
	if (r == 0 && load_config(&st, ALC_HOOK_POSTSTART, &spec) == 0) {
		alc_err herr = { 0 };
		/* The spec says a failed poststart hook is only warned about. */
		if (oci_run_hooks(&spec, ALC_HOOK_POSTSTART, &st, &herr) < 0)
			fprintf(stderr, "alcove start: warning: %s\n", herr.msg);
		alc_spec_free(&spec);
	}
	oci_state_free(&st);
	return r;
}

int oci_start(const char *root, const char *id, alc_err *err)
{
	_cleanup_close_ int lock = oci_state_lock(root, id, false, err);
	if (lock < 0)
		return lock;
	return start_locked(root, id, err);
}

/* Kills every process, waits until the cgroup is gone, and the state. */
static int destroy(const char *root, struct oci_state *st, alc_err *err)
{
	int r = 0;
	if (st->cgroup_path) {
		struct alc_cgroup cg;
		char owner[96];
		bool open = alc_cgroup_open(&cg, NULL, st->cgroup_path, NULL) == 0;
		/* A create that died before making its group may have found the
		 * path taken: that group is another container's. */
		if (open && st->status == OCI_CREATING &&
		    !alc_cgroup_owned_by(&cg, oci_owner_token(st, owner, sizeof(owner)))) {
			close_cgroup_fds(&cg);
			open = false;
		}
		if (open) {
			cg.keep_parents = client_tree(st->cgroup_path);
			r = alc_cgroup_destroy(&cg, err);
		}
	}
	if (st->pid > 0 && oci_pid_matches(st->pid, st->pid_start))
		kill(st->pid, SIGKILL); /* no cgroup: the init alone */
	for (int i = 0; i < 500 && st->pid > 0 && oci_pid_matches(st->pid, st->pid_start); i++)
		usleep(2000);
	struct alc_spec spec;
	if (load_config(st, ALC_HOOK_POSTSTOP, &spec) == 0) {
		alc_err herr = { 0 };
		st->status = OCI_STOPPED;
		if (oci_run_hooks(&spec, ALC_HOOK_POSTSTOP, st, &herr) < 0)
			fprintf(stderr, "alcove delete: warning: %s\n", herr.msg);
		alc_spec_free(&spec);
	}
	int r2 = oci_state_remove(root, st->id, r < 0 ? NULL : err);
	return r < 0 ? r : r2;
}

int oci_delete(const char *root, const char *id, bool force, alc_err *err)
{
	int r = oci_id_check(id, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = oci_state_lock(root, id, false, err);
	if (lock < 0)
		return lock == -ENOENT && force ? 0 : lock;
	struct oci_state st;
	if ((r = oci_state_load(root, id, &st, err)) < 0)
		return r;
	if ((st.status == OCI_RUNNING || st.status == OCI_PAUSED) && !force)
		r = alc_err_setx(err, EBUSY,
				 "container \"%s\" is %s: stop it first, or use delete --force", id,
				 oci_status_name(st.status));
	else
		r = destroy(root, &st, err);
	oci_state_free(&st);
	return r;
}

/* run in the foreground, once created: start through the spawn socket
 * (no exec FIFO), save "running" once, poststart hooks from the spec in
 * hand; the state lock is still held. */
static int start_fg(const char *root, struct creating *k, alc_err *err)
{
	int r = alc_container_start(&k->c, err);
	if (r < 0)
		return r;
	k->st.status = OCI_RUNNING;
	if ((r = oci_state_save(root, &k->st, err)) < 0)
		return r;
	alc_err herr = { 0 };
	/* The spec says a failed poststart hook is only warned about. */
	if (oci_run_hooks(&k->spec, ALC_HOOK_POSTSTART, &k->st, &herr) < 0)
		fprintf(stderr, "alcove run: warning: %s\n", herr.msg);
	return 0;
}

/* run in the foreground, once the process is reaped: the delete, through
 * the cgroup fds still open, unless another command deleted the container
 * meanwhile (then the id may name another one by now). */
static int delete_fg(const char *root, const char *id, struct creating *k, alc_err *err)
{
	/* The directory run made is still linked: nobody deleted the container
	 * (a create of the id needs it gone first), so it is still ours. */
	struct stat dir;
	int l;
	while ((l = flock(k->lock, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (l < 0 || fstat(k->lock, &dir) < 0 || dir.st_nlink == 0) {
		close_cgroup_fds(&k->c.cg);
		k->c.has_cg = false;
		return 0;
	}
	int r = 0;
	alc_cgroup_keep_made_parents(&k->c.cg); /* it ran: shared from now on */
	if (k->c.has_cg)
		r = alc_cgroup_destroy(&k->c.cg, err);
	k->c.has_cg = false;
	alc_err herr = { 0 };
	k->st.status = OCI_STOPPED;
	if (oci_run_hooks(&k->spec, ALC_HOOK_POSTSTOP, &k->st, &herr) < 0)
		fprintf(stderr, "alcove run: warning: %s\n", herr.msg);
	int r2 = oci_state_remove(root, id, r < 0 ? NULL : err);
	return r < 0 ? r : r2;
}

/* run in the foreground: create, start, wait and delete with what create
 * left in hand (process, socket, cgroup fds, spec, state), none of it read
 * back from disk. The process dies with alcove run (its parent-death
 * signal), which forwards the signals it can. */
static int run_fg(const char *root, const char *id, const struct oci_create_opts *o, int local,
		  int *exit_code, alc_err *err)
{
	struct creating k = { .fg = true };
	int r = create_held(root, id, o, &k, err);
	if (r < 0)
		return r;
	pid_t pid = k.c.child.pid;
	_cleanup_close_ int master = -1;
	if (k.spec.terminal && local >= 0 && (master = alc_pty_recv_fd(local, err)) < 0)
		r = master;
	if (r == 0)
		r = start_fg(root, &k, err);
	if (r < 0) {
		*exit_code = k.c.child.exit_code;
		alc_container_destroy(&k.c, NULL); /* report why start failed */
		oci_state_remove(root, id, NULL);
		creating_free(&k);
		return r;
	}
	/* Others may kill, pause or delete it while it runs; delete_fg takes
	 * the lock again through the same directory. */
	flock(k.lock, LOCK_UN);
	*exit_code = master >= 0 ? oci_console_proxy(master, pid) : oci_wait_forward(pid);
	k.c.reaped = true;
	r = delete_fg(root, id, &k, err);
	creating_free(&k);
	return r;
}

int oci_run(const char *root, const char *id, const struct oci_create_opts *o, bool detach,
	    int *exit_code, alc_err *err)
{
	pid_t pid = -1;
	bool terminal = false;
	int sv[2] = { -1, -1 };
	struct oci_create_opts fg = *o;
	*exit_code = 125;
	/* In the foreground without a console socket, a terminal is ours. */
	if (!detach && !o->console_socket) {
		int r = oci_console_pair(sv, err);
		if (r < 0)
			return r;
		fg.use_console_fd = true;
		fg.console_fd = sv[1];
	}
	_cleanup_close_ int local = sv[0], remote = sv[1];
	if (!detach)
		return run_fg(root, id, &fg, local, exit_code, err);
	int r = create_pid(root, id, &fg, &pid, &terminal, err);
	if (r == 0 && (r = oci_start(root, id, err)) < 0)
		oci_delete(root, id, true, NULL); /* report why start failed */
	if (r < 0)
		return r;
	*exit_code = 0;
	return 0;
}

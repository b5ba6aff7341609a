/* The floor under any OCI runtime for bench/run oci's bundle: only the
 * kernel work that bundle asks for, with nothing a runtime adds (no
 * config.json to read, no state, no devices, no capabilities, no checks).
 *
 *   oci_floor ROOTFS GROUP
 *
 * GROUP (relative) is made in the v2 hierarchy and, on a hybrid host, in the
 * v1 cpu, cpuacct, memory and pids hierarchies, with the bundle's limits
 * (cpu 50000/100000 and 512 shares, 64 MiB, 64 pids). The child is cloned
 * with pid, ipc, uts and mount namespaces and CLONE_VM|CLONE_VFORK (no copy
 * of this process), moves itself into its groups by writing 0 to the v2
 * cgroup.procs and the v1 tasks files, mounts what the bundle
 * lists (/proc, /dev, /dev/pts, /dev/shm, /sys read-only), pivots into
 * ROOTFS and executes /bin/true; the parent reaps it and removes the groups.
 * Exit: the child's status, 125 when the setup failed. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CG "/sys/fs/cgroup"

static const char *const v1[] = { "cpu", "cpuacct", "memory", "pids" };
#define NV1 (sizeof(v1) / sizeof(*v1))

struct floor {
	const char *rootfs;
	int tasks[NV1 + 1];
	int n_tasks;
};

static int put(const char *dir, const char *file, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Makes the groups and writes the limits; f->tasks gets the files the
 * child writes itself into. Returns 0, or -1 with errno set. */
static int make_groups(const char *group, bool v2only, struct floor *f)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/%s", v2only ? CG : CG "/unified", group);
	if (mkdir(dir, 0755) < 0)
		return -1;
	if (v2only && (put(dir, "cpu.max", "50000 100000") || put(dir, "cpu.weight", "20") ||
		       put(dir, "memory.max", "67108864") || put(dir, "pids.max", "64")))
		return -1;
	char procs[600];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	if ((f->tasks[f->n_tasks++] = open(procs, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	for (size_t i = 0; !v2only && i < NV1; i++) {
		snprintf(dir, sizeof(dir), CG "/%s/%s", v1[i], group);
		if (mkdir(dir, 0755) < 0)
			return -1;
		int r = 0;
		if (!strcmp(v1[i], "cpu"))
			r = put(dir, "cpu.cfs_period_us", "100000") ||
			    put(dir, "cpu.cfs_quota_us", "50000") || put(dir, "cpu.shares", "512");
		else if (!strcmp(v1[i], "memory"))
			r = put(dir, "memory.limit_in_bytes", "67108864");
		else if (!strcmp(v1[i], "pids"))
			r = put(dir, "pids.max", "64");
		char tasks[600];
		snprintf(tasks, sizeof(tasks), "%s/tasks", dir);
		if (r || (f->tasks[f->n_tasks++] = open(tasks, O_WRONLY | O_CLOEXEC)) < 0)
			return -1;
	}
	return 0;
}

static void remove_groups(const char *group, bool v2only)
{
	char dir[512];
	for (size_t i = 0; !v2only && i < NV1; i++) {
		snprintf(dir, sizeof(dir), CG "/%s/%s", v1[i], group);
		rmdir(dir);
	}
	snprintf(dir, sizeof(dir), "%s/%s", v2only ? CG : CG "/unified", group);
	rmdir(dir);
}

static int mnt(const char *src, const char *dst, const char *type, unsigned long flags,
	       const char *data)
{
	return mount(src, dst, type, flags, data);
}

/* The child: joins the v1 groups, mounts, pivots, executes /bin/true. */
static int child(void *arg)
{
	const struct floor *f = arg;
	for (int i = 0; i < f->n_tasks; i++)
		if (write(f->tasks[i], "0", 1) != 1)
			_exit(125);
	const unsigned long ns = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mnt(f->rootfs, f->rootfs, NULL, MS_BIND | MS_REC, NULL) || chdir(f->rootfs) ||
	    mnt("proc", "proc", "proc", ns, NULL) ||
	    mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") ||
	    mkdir("dev/pts", 0755) ||
	    mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		"newinstance,ptmxmode=0666,mode=0620") ||
	    mkdir("dev/shm", 0755) || mnt("shm", "dev/shm", "tmpfs", ns, "mode=1777,size=65536k") ||
	    mnt("sysfs", "sys", "sysfs", ns | MS_RDONLY, NULL) ||
	    syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) || chdir("/"))
		_exit(125);
	char *argv[] = { "/bin/true", NULL }, *envp[] = { "PATH=/bin", NULL };
	execve(argv[0], argv, envp);
	_exit(127);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: oci_floor ROOTFS GROUP\n");
		return 2;
	}
	struct floor f = { .rootfs = argv[1] };
	bool v2only = access(CG "/cgroup.controllers", F_OK) == 0;
	if (make_groups(argv[2], v2only, &f) < 0) {
		fprintf(stderr, "oci_floor: cgroup %s: %s\n", argv[2], strerror(errno));
		remove_groups(argv[2], v2only);
		return 125;
	}
	static char stack[256 * 1024] __attribute__((aligned(16)));
	pid_t pid = clone(child, stack + sizeof(stack),
			  CLONE_VM | CLONE_VFORK | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
				  CLONE_NEWIPC | SIGCHLD,
			  &f);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 125 << 8;
	for (int i = 0; i < f.n_tasks; i++)
		close(f.tasks[i]);
	remove_groups(argv[2], v2only);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

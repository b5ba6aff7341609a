#include "cgattach.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

bool alc_cg_self_attach_possible(int ns_flags)
{
	return !(ns_flags & CLONE_NEWUSER) && geteuid() == 0;
}

int alc_cg_self_attach_open(struct alc_cgroup *cg, int fds[ALC_CG_SELF_MAX], alc_err *err)
{
	int r = alc_cgroup_make_v1(cg, err);
	if (r < 0)
		return r;
	unsigned n = 0;
	for (int h = ALC_H_V2 + 1; h < ALC_H_COUNT; h++) {
		if (cg->fd[h] < 0)
			continue;
		int fd = openat(cg->fd[h], "tasks", O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			r = alc_err_set(err, errno, "open %s/tasks in the %s hierarchy", cg->rel,
					alc_hier_name((enum alc_hier)h));
			alc_cg_self_attach_close(fds, n);
			cg->self_v1 = 0;
			return r;
		}
		fds[n++] = fd;
		cg->self_v1 |= 1u << h;
	}
	return (int)n;
}

int alc_cg_self_attach(const int *fds, unsigned n, alc_err *err)
{
	int r = 0;
	for (unsigned i = 0; i < n; i++) {
		if (r == 0 && write(fds[i], "0", 1) != 1)
			r = alc_err_set(err, errno, "join a v1 cgroup (write 0 to its tasks)");
		close(fds[i]);
	}
	return r;
}

void alc_cg_self_attach_close(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

#include "cgattach.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"
#include "spawn.h"

bool alc_cg_self_attach_possible(int ns_flags)
{
	return !(ns_flags & CLONE_NEWUSER) && geteuid() == 0;
}

int alc_cg_self_attach_open(struct alc_cgroup *cg, int fds[ALC_CG_SELF_MAX], alc_err *err)
{
	unsigned n = 0;
	for (int h = ALC_H_V2 + 1; h < ALC_H_COUNT; h++) {
		if (cg->fd[h] < 0)
			continue;
		int fd = openat(cg->fd[h], "tasks", O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			int r = alc_err_set(err, errno, "open %s/tasks in the %s hierarchy",
					    cg->rel, alc_hier_name((enum alc_hier)h));
			alc_cg_self_attach_close(fds, n);
			cg->self_v1 = 0;
			return r;
		}
		fds[n++] = fd;
		cg->self_v1 |= 1u << h;
	}
	return (int)n;
}

void alc_cg_self_attach_close(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

int alc_cg_send_placed(int sock, const int *fds, unsigned n)
{
	struct alc_spawn_msg m = { .type = ALC_MSG_PLACED };
	return n > ALC_CG_SELF_MAX ? -E2BIG : alc_fds_send(sock, &m, sizeof(m), fds, n);
}

int alc_cg_wait_placed(int sock, alc_err *err)
{
	struct alc_spawn_msg m;
	int fds[ALC_CG_SELF_MAX];
	unsigned n;
	ssize_t len = alc_fds_recv(sock, &m, sizeof(m), fds, ALC_CG_SELF_MAX, &n);
	int r = len == (ssize_t)sizeof(m) && m.type == ALC_MSG_PLACED ? 0 : -EPIPE;
	for (unsigned i = 0; i < n; i++) {
		if (r == 0 && write(fds[i], "0", 1) != 1)
			r = alc_err_set(err, errno, "join a v1 cgroup (write 0 to its tasks)");
		close(fds[i]);
	}
	return r;
}

#include "cgattach.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	union {
		char buf[CMSG_SPACE(sizeof(int) * ALC_CG_SELF_MAX)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n > ALC_CG_SELF_MAX)
		return -E2BIG;
	if (n > 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int alc_cg_wait_placed(int sock, alc_err *err)
{
	struct alc_spawn_msg m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	union {
		char buf[CMSG_SPACE(sizeof(int) * ALC_CG_SELF_MAX)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t len;
	do
		len = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (len < 0 && errno == EINTR);
	int fds[ALC_CG_SELF_MAX];
	unsigned n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			n = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
		}
	int r = len == (ssize_t)sizeof(m) && m.type == ALC_MSG_PLACED ? 0 : -EPIPE;
	for (unsigned i = 0; i < n; i++) {
		if (r == 0 && write(fds[i], "0", 1) != 1)
			r = alc_err_set(err, errno, "join a v1 cgroup (write 0 to its tasks)");
		close(fds[i]);
	}
	return r;
}

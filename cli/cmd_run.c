/* alcove run: a thin front end over the container lifecycle. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "container.h"
#include "run_flags.h"

#define RUN_EXIT_FAILED 125

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static int fail(const alc_err *err)
{
	fprintf(stderr, "alcove run: %s\n", err->msg);
	return RUN_EXIT_FAILED;
}

static void runtime_opts(struct alc_runtime_opts *o, const struct alc_spec *spec)
{
	const char *spawn = getenv("ALCOVE_SPAWN"), *cg = getenv("ALCOVE_CGROUP");
	const char *writer = getenv("ALCOVE_WRITER");
	memset(o, 0, sizeof(*o));
	o->force_fallback = spawn && !strcmp(spawn, "fallback");
	o->cg.force_v1 = cg && !strcmp(cg, "v1");
	o->cg.writer =
		writer && !strcmp(writer, "uring") ? URING_BACKEND_URING : URING_BACKEND_SYNC;
	/* Rootless: no cgroup to create (limits were refused earlier). */
	o->no_cgroup = geteuid() != 0 && !(spec->res.set);
}

/* Waits for the container, forwarding the signals other processes send us.
 * Terminal-generated ones (SI_KERNEL) already reached the container, which
 * shares our process group. Returns the wait status. */
static int supervise(struct alc_container *c, int sfd)
{
	int status = 0;
	for (;;) {
		struct signalfd_siginfo si;
		if (alc_container_wait(c, true, &status) == 0)
			return status;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si)) {
			if (n < 0 && errno == EINTR)
				continue;
			alc_container_wait(c, false, &status);
			return status;
		}
		if (si.ssi_signo != SIGCHLD && si.ssi_code != SI_KERNEL)
			alc_container_signal(c, (int)si.ssi_signo, false,
					     NULL); /* it may be gone */
	}
}

static void report_oom(struct alc_container *c, const struct alc_spec *spec)
{
	struct alc_cg_stats st;
	if (alc_container_stats(c, &st) == 0 && st.oom_kills > 0)
		fprintf(stderr,
			"alcove run: %s: %llu process(es) killed by the OOM killer "
			"(memory limit %lld bytes)\n",
			spec->name, (unsigned long long)st.oom_kills, (long long)spec->res.memory);
}

static int run_container(struct alc_spec *spec)
{
	struct alc_runtime_opts o;
	struct alc_container c;
	alc_err err = { 0 };
	int debug = getenv("ALCOVE_DEBUG") != NULL;
	runtime_opts(&o, spec);
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(*forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		alc_err_set(&err, errno, "signalfd");
		return fail(&err);
	}
	int r = alc_container_create(&c, spec, &o, &err);
	if (r < 0) {
		close(sfd);
		return fail(&err);
	}
	if (debug)
		fprintf(stderr, "alcove: %s: pid %d placed by %s\n", spec->name, (int)c.child.pid,
			c.child.via_clone3 ? "clone3(CLONE_INTO_CGROUP)" : "clone + cgroup.procs");
	r = alc_container_start(&c, &err);
	int code;
	if (r < 0) {
		fprintf(stderr, "alcove run: %s\n", err.msg);
		code = c.child.exit_code;
	} else {
		int status = supervise(&c, sfd);
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		report_oom(&c, spec);
	}
	close(sfd);
	alc_err derr = { 0 };
	if (alc_container_destroy(&c, &derr) < 0) {
		fprintf(stderr, "alcove run: cleanup: %s\n", derr.msg);
		code = code ? code : RUN_EXIT_FAILED;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;
}

int cmd_run(int argc, char **argv)
{
	if (cmd_oci_run_wanted(argc, argv))
		return cmd_oci_run(argc, argv); /* runc's run ID, not run ROOTFS CMD */
	struct alc_spec spec;
	struct run_flags f = { 0 };
	alc_err err = { 0 };
	if (alc_spec_init_default(&spec) < 0) {
		fputs("alcove run: out of memory\n", stderr);
		return RUN_EXIT_FAILED;
	}
	int r = run_flags_parse(argc, argv, &spec, &f, &err);
	if (r < 0 || f.help) {
		alc_spec_free(&spec);
		if (f.help) {
			run_flags_usage(stdout);
			return CLI_EXIT_OK;
		}
		fprintf(stderr, "alcove run: %s\n", err.msg);
		fputs("usage: alcove run [OPTIONS] ROOTFS [--] CMD [ARG...]\n", stderr);
		return RUN_EXIT_FAILED;
	}
	char name[32];
	if (!spec.name) {
		snprintf(name, sizeof(name), "run-%d", (int)getpid());
		spec.name = strdup(name);
	}
	if (!spec.hostname)
		spec.hostname = strdup(spec.name);
	if (geteuid() != 0) {
		if (spec.res.set) {
			alc_spec_free(&spec);
			fputs("alcove run: resource limits need root (a cgroup to put them in)\n",
			      stderr);
			return RUN_EXIT_FAILED;
		}
		spec.ns_flags |= CLONE_NEWUSER;
	}
	spec.ns_flags |= CLONE_NEWCGROUP;
	r = run_container(&spec);
	alc_spec_free(&spec);
	return r;
}

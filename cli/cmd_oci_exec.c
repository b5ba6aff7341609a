/* The OCI runtime's exec and update commands. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_oci.h"
#include "commands.h"
#include "fileio.h"
#include "oci.h"
#include "units.h"

int cmd_oci_exec(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"exec", "[OPTIONS] ID [COMMAND [ARG...]]",
		"  -p, --process FILE      the process as an OCI process object (JSON)\n"
		"  -t, --tty               allocate a pty (its master: --console-socket, or ours)\n"
		"  -d, --detach            return once the process has started\n"
		"  --pid-file FILE         write the process's pid to FILE\n"
		"  --console-socket PATH   send the pty master there\n"
		"  -e, --env K=V           add to the environment (repeatable)\n"
		"  --cwd DIR               working directory inside the container\n"
		"  -u, --user UID[:GID]    run as this user\n"
		"  --preserve-fds N        pass fds 3..3+N-1 on (after $LISTEN_FDS ones)\n",
		1, -1
	};
	struct oci_exec_opts o = { 0 };
	struct oci_list env = { 0 }, ignored = { 0 };
	const char *preserve = NULL, *label = NULL;
	bool nnp = false;
	const struct oci_opt opts[] = {
		{ "--process", 'p', OCI_OPT_STR, &o.process_json },
		{ "--tty", 't', OCI_OPT_BOOL, &o.tty },
		{ "--detach", 'd', OCI_OPT_BOOL, &o.detach },
		{ "--pid-file", 0, OCI_OPT_STR, &o.pid_file },
		{ "--console-socket", 0, OCI_OPT_STR, &o.console_socket },
		{ "--env", 'e', OCI_OPT_LIST, &env },
		{ "--cwd", 0, OCI_OPT_STR, &o.cwd },
		{ "--user", 'u', OCI_OPT_STR, &o.user },
		{ "--preserve-fds", 0, OCI_OPT_STR, &preserve },
		{ "--process-label", 0, OCI_OPT_STR, &label },
		{ "--apparmor", 0, OCI_OPT_STR, &label },
		{ "--no-new-privs", 0, OCI_OPT_BOOL, &nnp },
		{ "--cap", 'c', OCI_OPT_LIST, &ignored },
		{ "--additional-gids", 'g', OCI_OPT_LIST, &ignored },
		{ NULL, 0, 0, NULL },
	};
	char **pos = NULL;
	int npos, code = 0, rc = oci_cli_begin(&cmd, argc, argv);
	alc_err err = { 0 };
	if (rc < 0)
		rc = oci_cli_parse(&cmd, opts, argc, argv, &pos, &npos);
	if (rc < 0 && preserve && oci_cli_uint("--preserve-fds", preserve, &o.preserve_fds, &err))
		rc = oci_cli_fail(&cmd, &err);
	if (rc < 0 && !o.process_json && npos < 2) {
		alc_err_setx(&err, EINVAL, "no command given (COMMAND or --process FILE)");
		rc = oci_cli_fail(&cmd, &err);
	}
	if (rc < 0) {
		o.args = pos + 1;
		o.n_args = (size_t)npos - 1;
		o.env = (char **)env.v;
		o.n_env = env.n;
		if (oci_exec(oci_cli_root(), pos[0], &o, &code, &err) < 0) {
			oci_cli_fail(&cmd, &err);
			code = code ? code : CLI_EXIT_FAILURE;
		}
		rc = code;
	}
	free(pos);
	free(env.v);
	free(ignored.v);
	return rc;
}

/* Reads all of FILE, or stdin for "-". */
static long read_input(const char *path, char **text)
{
	if (strcmp(path, "-"))
		return alc_read_file_at(AT_FDCWD, path, text);
	/* Standard input itself: a board's /dev may have no stdin link. */
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(0, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : 0;
			buf[len] = '\0';
			if (e)
				free(buf);
			else
				*text = buf;
			return e ? -e : (long)len;
		}
		len += (size_t)n;
	}
	free(buf);
	return -ENOMEM;
}

struct update_flags {
	const char *resources, *quota, *period, *shares, *memory, *swap, *pids, *cpus, *mems;
};

static int flags_to_res(const struct update_flags *f, struct alc_resources *res, alc_err *err)
{
	int64_t v;
	if (f->quota) {
		if (alc_parse_int(f->quota, -1, INT64_MAX, &v) < 0)
			return alc_err_setx(err, EINVAL, "--cpu-quota %s: want microseconds or -1",
					    f->quota);
		res->cpu_quota_us = v;
		res->set |= ALC_RES_CPU_QUOTA;
	}
	if (f->period) {
		if (!f->quota || alc_parse_int(f->period, 1000, 1000000, &v) < 0)
			return alc_err_setx(
				err, EINVAL,
				"--cpu-period %s: want 1000..1000000 us, with --cpu-quota",
				f->period);
		res->cpu_period_us = (uint64_t)v;
	}
	if (f->shares) {
		if (alc_parse_int(f->shares, 2, 262144, &v) < 0)
			return alc_err_setx(err, EINVAL, "--cpu-share %s: want 2..262144",
					    f->shares);
		res->cpu_shares = (uint64_t)v;
		res->set |= ALC_RES_CPU_SHARES;
	}
	const char *sizes[] = { f->memory, f->swap };
	int64_t *dst[] = { &res->memory, &res->memory_swap };
	unsigned bits[] = { ALC_RES_MEMORY, ALC_RES_MEMORY_SWAP };
	const char *names[] = { "--memory", "--memory-swap" };
	for (int i = 0; i < 2; i++) {
		if (!sizes[i])
			continue;
		if (strcmp(sizes[i], "-1") && alc_parse_size(sizes[i], dst[i]) < 0)
			return alc_err_setx(err, EINVAL, "%s %s: want a size (256M) or -1",
					    names[i], sizes[i]);
		if (!strcmp(sizes[i], "-1"))
			*dst[i] = -1;
		res->set |= bits[i];
	}
	if (f->pids) {
		if (alc_parse_int(f->pids, -1, INT64_MAX, &v) < 0 || v == 0)
			return alc_err_setx(err, EINVAL, "--pids-limit %s: want a count or -1",
					    f->pids);
		res->pids = v;
		res->set |= ALC_RES_PIDS;
	}
	if (f->cpus && (res->cpuset_cpus = strdup(f->cpus)))
		res->set |= ALC_RES_CPUSET_CPUS;
	if (f->mems && (res->cpuset_mems = strdup(f->mems)))
		res->set |= ALC_RES_CPUSET_MEMS;
	return 0;
}

int cmd_oci_update(int argc, char **argv)
{
	static const struct oci_cmd cmd = {
		"update", "[OPTIONS] ID",
		"  -r, --resources FILE    an OCI linux.resources object (JSON); - reads stdin\n"
		"  --cpu-quota US          CFS quota in microseconds (-1: none)\n"
		"  --cpu-period US         CFS period in microseconds (with --cpu-quota)\n"
		"  --cpu-share N           CPU shares (2..262144)\n"
		"  --cpuset-cpus LIST      CPUs allowed\n"
		"  --cpuset-mems LIST      memory nodes allowed\n"
		"  --memory SIZE           memory limit (-1: none)\n"
		"  --memory-swap SIZE      memory plus swap limit (-1: none)\n"
		"  --pids-limit N          maximum number of tasks (-1: none)\n",
		1, 1
	};
	struct update_flags f = { 0 };
	const struct oci_opt opts[] = {
		{ "--resources", 'r', OCI_OPT_STR, &f.resources },
		{ "--cpu-quota", 0, OCI_OPT_STR, &f.quota },
		{ "--cpu-period", 0, OCI_OPT_STR, &f.period },
		{ "--cpu-share", 0, OCI_OPT_STR, &f.shares },
		{ "--cpuset-cpus", 0, OCI_OPT_STR, &f.cpus },
		{ "--cpuset-mems", 0, OCI_OPT_STR, &f.mems },
		{ "--memory", 'm', OCI_OPT_STR, &f.memory },
		{ "--memory-swap", 0, OCI_OPT_STR, &f.swap },
		{ "--pids-limit", 0, OCI_OPT_STR, &f.pids },
		{ NULL, 0, 0, NULL },
	};
	char **pos = NULL, *text = NULL;
	int npos, rc = oci_cli_begin(&cmd, argc, argv);
	alc_err err = { 0 };
	struct alc_resources res = { .cpu_period_us = 100000 };
	if (rc < 0)
		rc = oci_cli_parse(&cmd, opts, argc, argv, &pos, &npos);
	if (rc >= 0)
		return rc;
	int r = 0;
	if (f.resources) {
		long n = read_input(f.resources, &text);
		r = n < 0 ? alc_err_set(&err, (int)-n, "read %s", f.resources)
			  : oci_resources_parse(text, f.resources, &res, &err);
	}
	if (r == 0)
		r = flags_to_res(&f, &res, &err);
	if (r == 0 && !res.set)
		r = alc_err_setx(&err, EINVAL, "nothing to update (give --resources or a limit)");
	if (r == 0)
		r = oci_update(oci_cli_root(), pos[0], &res, &err);
	free(text);
	free(pos);
	free(res.cpuset_cpus);
	free(res.cpuset_mems);
	free(res.io);
	return r < 0 ? oci_cli_fail(&cmd, &err) : CLI_EXIT_OK;
}

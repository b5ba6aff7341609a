#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot.h"
#include "cleanup.h"
#include "fileio.h"
#include "loop.h"
#include "pid1.h"
#include "shutdown.h"
#include "version.h"

#define INIT_CONF "/etc/alcove/init.conf"

/* Defaults, then init.conf, the kernel command line and the flags; a bad
 * setting is reported and skipped, so the board still boots. */
static void settings(struct init_config *cfg, const char *config, const struct init_flag *flags,
		     size_t n)
{
	_cleanup_free_ char *text = NULL;
	char cmdline[4096];
	alc_err err = { 0 };
	init_config_defaults(cfg);
	const char *path = config ? config : INIT_CONF;
	long r = alc_read_file_at(AT_FDCWD, path, &text);
	if (r < 0 && (config || r != -ENOENT))
		fprintf(stderr, "alcove init: %s: %s\n", path, strerror((int)-r));
	if (r >= 0 && init_config_parse(cfg, text, path, &err) < 0)
		fprintf(stderr, "alcove init: %s (the rest of the file is ignored)\n", err.msg);
	init_read_small("/proc/cmdline", cmdline, sizeof(cmdline));
	if (init_config_cmdline(cfg, cmdline, &err) < 0)
		fprintf(stderr, "alcove init: %s\n", err.msg);
	for (size_t i = 0; i < n; i++)
		if (init_config_set(cfg, flags[i].key, flags[i].value, flags[i].where, &err) < 0)
			fprintf(stderr, "alcove init: %s\n", err.msg);
}

static const int fallback_signals[] = { SIGCHLD, SIGTERM, SIGUSR1, SIGUSR2, SIGINT, SIGPWR };

/* After a fatal error: the emergency shell if configured (a reboot follows
 * its exit), or else reaping until a shutdown signal. */
static enum init_action emergency(const struct init_config *cfg)
{
	sigset_t mask;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(fallback_signals) / sizeof(*fallback_signals); i++)
		sigaddset(&mask, fallback_signals[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if (cfg->emergency_shell) {
		fprintf(stderr, "alcove init: emergency shell %s; exit it to reboot\n", cfg->shell);
		pid_t pid = fork();
		if (pid == 0) {
			sigprocmask(SIG_UNBLOCK, &mask, NULL);
			setsid();
			ioctl(0, TIOCSCTTY, 1); /* the console, for job control */
			execl(cfg->shell, cfg->shell, (char *)NULL);
			_exit(127);
		}
		while (pid > 0 && waitpid(-1, NULL, 0) != pid)
			; /* reaps orphans until the shell ends */
		return INIT_ACT_REBOOT;
	}
	fprintf(stderr, "alcove init: no services; SIGTERM reboots, SIGUSR2 powers off\n");
	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&mask, &si) < 0)
			continue;
		switch (si.si_signo) {
		case SIGCHLD:
			init_reap_all(NULL);
			break;
		case SIGTERM:
			return INIT_ACT_REBOOT;
		case SIGUSR1:
			return INIT_ACT_HALT;
		case SIGUSR2:
			return INIT_ACT_POWEROFF;
		case SIGINT:
			if (cfg->cad != INIT_ACT_NONE)
				return cfg->cad;
			break;
		case SIGPWR:
			if (cfg->sigpwr != INIT_ACT_NONE)
				return cfg->sigpwr;
			break;
		}
	}
}

void init_run(const char *config, const struct init_flag *flags, size_t n_flags)
{
	static struct init_config cfg;
	static struct init_loop loop;
	char orig[256] = "";
	alc_err err = { 0 };
	init_boot_console();
	umask(022);
	if (chdir("/") < 0)
		perror("alcove init: chdir /");
	setsid(); /* EPERM when it leads a session already */
	fprintf(stderr, "alcove %s: init starting (pid %d)\n", ALCOVE_VERSION, (int)getpid());
	init_boot_mounts();
	settings(&cfg, config, flags, n_flags);
	if (cfg.probe && board_pid1_probe(stdout) >= 0 && cfg.probe == 2) {
		init_unmount_all();
		init_reboot(INIT_ACT_POWEROFF);
	}
	init_boot_hostname();
	init_boot_cad();
	if (init_boot_cgroup(&cfg, orig, sizeof(orig), &err) < 0)
		fprintf(stderr, "alcove init: cgroup: %s\n", err.msg);
	enum init_action a;
	if (init_loop_setup(&loop, &cfg, &err) < 0) {
		fprintf(stderr, "alcove init: fatal: %s\n", err.msg);
		init_loop_free(&loop);
		a = emergency(&cfg);
	} else {
		fprintf(stderr, "alcove init: ready; control socket %s\n", cfg.socket);
		a = init_loop_run(&loop);
		init_loop_free(&loop);
	}
	fprintf(stderr, "alcove init: services stopped; %s\n", init_action_name(a));
	init_boot_cgroup_leave(&cfg, orig);
	init_kill_all(cfg.kill_timeout_ms);
	init_unmount_all();
	init_reboot(a);
}

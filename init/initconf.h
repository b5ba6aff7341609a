/* alcove init's own settings: /etc/alcove/init.conf (key = value lines),
 * then alcove.KEY=VALUE words of the kernel command line, then the flags of
 * `alcove init`, each overriding the last. Pure parsing; see alcove-init(8). */
#ifndef ALC_INIT_INITCONF_H
#define ALC_INIT_INITCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

/* What a signal or a control request asks the machine to do. */
enum init_action {
	INIT_ACT_NONE,
	INIT_ACT_REBOOT,
	INIT_ACT_POWEROFF,
	INIT_ACT_HALT,
};

struct init_config {
	char services[256];   /* service files directory */
	char socket[108];     /* control socket */
	char cgroup[128];     /* base group: services in BASE/NAME, init in BASE/init.scope */
	char shell[128];      /* the emergency shell */
	bool emergency_shell; /* drop to the shell on a fatal error */
	int probe;	      /* board probe report at boot: 0 no, 1 yes, 2 only (then power off) */
	enum init_action cad; /* ctrl-alt-del (SIGINT) */
	enum init_action sigpwr;   /* SIGPWR (a UPS, a power button daemon) */
	uint64_t kill_timeout_ms;  /* after the services: kill(-1) TERM, then KILL */
	struct sched_config sched; /* the embedded scheduler (sched.* keys) */
};

/* Fills the defaults (see alcove-init(8)). */
void init_config_defaults(struct init_config *c);

/* Sets one key; where names the source ("FILE:LINE", "cmdline", "--flag").
 * Returns 0 or -EINVAL with err "WHERE: what is wrong". */
int init_config_set(struct init_config *c, const char *key, const char *value, const char *where,
		    alc_err *err);

/* Parses an init.conf text named file; returns 0 or -EINVAL naming file:line. */
int init_config_parse(struct init_config *c, const char *text, const char *file, alc_err *err);

/* Applies the alcove.KEY=VALUE words of a kernel command line; other words
 * are skipped. Returns 0 or -EINVAL naming the word. */
int init_config_cmdline(struct init_config *c, const char *cmdline, alc_err *err);

/* Returns the action's name ("reboot", "poweroff", "halt", "none"). */
const char *init_action_name(enum init_action a);

#endif

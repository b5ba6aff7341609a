/* alcove init as PID 1, from the first instruction to the reboot: boot,
 * settings, the supervision loop, shutdown. */
#ifndef ALC_INIT_RUN_H
#define ALC_INIT_RUN_H

#include <stddef.h>

/* A setting given on alcove init's command line (it wins over init.conf
 * and the kernel command line). */
struct init_flag {
	const char *key, *value, *where;
};

/* Runs PID 1: config is init.conf's path (NULL: /etc/alcove/init.conf);
 * flags override it. Never returns. */
void init_run(const char *config, const struct init_flag *flags, size_t n_flags)
	__attribute__((noreturn));

#endif

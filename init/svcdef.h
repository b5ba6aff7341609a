/* A service definition: what one /etc/alcove/services.d/NAME.conf file says
 * (see alcove.service(5)). Parsing is pure: text in, definition or a
 * "file:line: ..." error out. The supervisor turns a definition into a
 * core spec and a running process. */
#ifndef ALC_INIT_SVCDEF_H
#define ALC_INIT_SVCDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum svc_type { SVC_SIMPLE, SVC_ONESHOT };
enum svc_restart { SVC_RESTART_NO, SVC_RESTART_ON_FAILURE, SVC_RESTART_ALWAYS };
enum svc_ready { SVC_READY_NONE, SVC_READY_FD, SVC_READY_PIDFILE };
enum svc_log { SVC_LOG_CONSOLE, SVC_LOG_RING };

struct svc_def {
	char *name;   /* file name without .conf */
	char *source; /* path of the file, for messages */
	char **exec;  /* argv, NULL-terminated */
	size_t n_exec;
	char *user, *group; /* names or numbers; NULL = root */
	char **env;	    /* "K=V", NULL-terminated */
	size_t n_env;
	char *workdir;
	enum svc_type type;
	enum svc_restart restart;
	unsigned restart_limit;	    /* restarts before giving up; default 5 */
	uint64_t restart_delay_ms;  /* first backoff step; default 100, doubles */
	uint64_t restart_max_ms;    /* backoff ceiling; default 10000 */
	uint64_t stop_timeout_ms;   /* SIGTERM to cgroup.kill; default 5000 */
	char **after, **requires;   /* service names, NULL-terminated */
	size_t n_after, n_requires;
	enum svc_ready ready;
	int ready_fd;	     /* SVC_READY_FD: the fd number the service writes to */
	char *ready_pidfile; /* SVC_READY_PIDFILE */
	char *class;	     /* "latency", "default" or "batch"; NULL = default */
	char *cpus, *memory, *pids, *cpuset; /* limits as written, checked by parse */
	char *rootfs;			     /* NULL: runs on the host's root */
	enum svc_log log;
};

/* Parses one service file's text; name is the service name, source the
 * path for messages. Returns 0, or -EINVAL with err "source:line: ..."
 * (unknown key, bad value) or "source: missing exec". */
int svc_def_parse(struct svc_def *def, const char *name, const char *source, const char *text,
		  alc_err *err);

/* Frees everything def owns and zeroes it. */
void svc_def_free(struct svc_def *def);

#endif

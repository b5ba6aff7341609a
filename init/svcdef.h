/* A service definition: what one /etc/alcove/services.d/NAME.conf file says
 * (see alcove.service(5)). Parsing is pure: text in, definition or a
 * "file:line: ..." error out. svc_dir_load reads a whole directory into a
 * set where a bad file is a failed entry, so the boot goes on without it.
 * The supervisor turns a definition into a core spec and a running process. */
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

/* restart_limit value for "restart-limit = unlimited". */
#define SVC_RESTART_UNLIMITED UINT32_MAX
/* Longest service name (file name without .conf). */
#define SVC_NAME_MAX 64

struct svc_def {
	char *name;   /* file name without .conf */
	char *source; /* path of the file, for messages */
	char *error;  /* set only on a failed entry of a svc_set: the one-line
			 "file:line: ..." reason; then only name and source are
			 set besides it */
	char **exec;  /* argv, NULL-terminated */
	size_t n_exec;
	char *user, *group; /* names or numbers; NULL = root */
	char **env;	    /* "K=V", NULL-terminated (never NULL after a parse) */
	size_t n_env;
	char *workdir;		   /* NULL: "/" */
	enum svc_type type;	   /* default SVC_SIMPLE */
	enum svc_restart restart;  /* default on-failure for simple, no for oneshot */
	unsigned restart_limit;	   /* restarts in a row before giving up; default 5 */
	uint64_t restart_delay_ms; /* first backoff step; default 100, doubles */
	uint64_t restart_max_ms;   /* backoff ceiling; default 10000 */
	uint64_t restart_reset_ms; /* a run at least this long resets the
				      backoff and the count; default 10000 */
	uint64_t stop_timeout_ms;  /* SIGTERM to cgroup.kill; default 5000 */
	char **after, **requires;  /* service names, NULL-terminated (never NULL) */
	size_t n_after, n_requires;
	unsigned after_line, requires_line; /* line of the last after=/requires= (0: none) */
	enum svc_ready ready;
	int ready_fd;	     /* SVC_READY_FD: the fd number the service writes to (3..1023) */
	char *ready_pidfile; /* SVC_READY_PIDFILE: absolute path */
	char *class;	     /* "latency", "default" or "batch"; NULL = default */
	char *cpus, *memory, *pids, *cpuset; /* limits as written ("max": none), checked by parse */
	char *rootfs;			     /* NULL: runs on the host's root */
	enum svc_log log;		     /* default SVC_LOG_CONSOLE */
};

/* The services of one directory, sorted by name (a stable start order). */
struct svc_set {
	struct svc_def *defs; /* defs[i].error != NULL: a failed entry */
	size_t n;
};

/* Parses one service file's text; name is the service name, source the
 * path for messages. Returns 0, or -EINVAL with err "source:line: ..."
 * (unknown key, bad value) or "source: missing exec"; def is then empty. */
int svc_def_parse(struct svc_def *def, const char *name, const char *source, const char *text,
		  alc_err *err);

/* Frees everything def owns and zeroes it. */
void svc_def_free(struct svc_def *def);

/* Returns true when name is a usable service name ([A-Za-z0-9_.@-], 1..64,
 * no leading '.' or '-'). */
bool svc_name_valid(const char *name);

/* Splits a command line as a shell would ('single', "double" with \" \\ \$ \`
 * escapes, backslash outside quotes), without expansions; returns the
 * argument count, or -EINVAL with err "where: unterminated quote in exec"
 * (or a trailing backslash). *argv is NULL-terminated, the caller frees it
 * with svc_strv_free. */
int svc_split_argv(const char *line, char ***argv, const char *where, alc_err *err);

/* Frees a NULL-terminated string vector. */
void svc_strv_free(char **v);

/* Loads every NAME.conf in dir (other and hidden files are ignored) into
 * set, sorted by name; a file that fails to read or parse becomes an entry
 * with error set. Returns 0 (a missing dir is an empty set), or -errno with
 * err when dir cannot be read. */
int svc_dir_load(const char *dir, struct svc_set *set, alc_err *err);

/* Returns the index of the service called name in set, or -1. */
long svc_set_find(const struct svc_set *set, const char *name);

/* Frees every entry of set and zeroes it. */
void svc_set_free(struct svc_set *set);

#endif

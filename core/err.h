/* Uniform error value: a negative errno plus a one-line human message with
 * context. Library functions fill it; only the CLI prints it. */
#ifndef ALC_ERR_H
#define ALC_ERR_H

typedef struct alc_err {
	int code;      /* positive errno, 0 when no error was recorded */
	char msg[512]; /* "open /sys/fs/cgroup/x/cpu.max: Permission denied" */
} alc_err;

/* Records code and a formatted message (": strerror(code)" appended when code
 * is an errno); returns -code. err may be NULL. */
int alc_err_set(alc_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like alc_err_set but without the strerror suffix. */
int alc_err_setx(alc_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

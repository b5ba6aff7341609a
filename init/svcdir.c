/* Loading a services.d directory into a struct svc_set. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "cleanup.h"
#include "fileio.h"
#include "svcdef.h"

#define SVC_FILE_MAX (1 << 20)

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Makes a failed entry carrying err's message. */
static int failed_entry(struct svc_def *d, const char *name, const char *source, const char *msg)
{
	memset(d, 0, sizeof(*d));
	d->name = strdup(name);
	d->source = strdup(source);
	d->error = strdup(msg);
	if (!d->name || !d->source || !d->error) {
		svc_def_free(d);
		return -ENOMEM;
	}
	return 0;
}

/* Reads and parses dir/file into d: a parsed or a failed entry; -ENOMEM only. */
static int load_one(int dirfd, const char *dir, const char *file, struct svc_def *d)
{
	char source[4096], name[SVC_NAME_MAX + 8];
	alc_err err = { 0 };
	size_t len = strlen(file) - strlen(".conf");
	snprintf(source, sizeof(source), "%s/%s", dir, file);
	snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) - 1 ? len : sizeof(name) - 1),
		 file);
	if (!svc_name_valid(name) || len > SVC_NAME_MAX) {
		alc_err_setx(&err, EINVAL,
			     "%s: bad service name (1 to %d of A-Z a-z 0-9 _ . @ -, "
			     "not starting with . or -)",
			     source, SVC_NAME_MAX);
		return failed_entry(d, name, source, err.msg);
	}
	struct stat st;
	if (fstatat(dirfd, file, &st, 0) < 0) {
		alc_err_set(&err, errno, "%s", source);
		return failed_entry(d, name, source, err.msg);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > SVC_FILE_MAX) { /* no FIFO or device at boot */
		alc_err_setx(&err, EINVAL, "%s: %s", source,
			     S_ISREG(st.st_mode) ? "larger than 1 MiB" : "not a regular file");
		return failed_entry(d, name, source, err.msg);
	}
	_cleanup_free_ char *text = NULL;
	long n = alc_read_file_at(dirfd, file, &text);
	if (n < 0) {
		alc_err_set(&err, (int)-n, "read %s", source);
		return failed_entry(d, name, source, err.msg);
	}
	if (strlen(text) != (size_t)n) {
		alc_err_setx(&err, EINVAL, "%s: holds a NUL byte (not a text file)", source);
		return failed_entry(d, name, source, err.msg);
	}
	int r = svc_def_parse(d, name, source, text, &err);
	if (r == -EINVAL)
		return failed_entry(d, name, source, err.msg);
	return r;
}

static bool is_conf(const char *f)
{
	size_t len = strlen(f);
	return f[0] != '.' && len > 5 && !strcmp(f + len - 5, ".conf");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct svc_def *)a)->name, ((const struct svc_def *)b)->name);
}

int svc_dir_load(const char *dir, struct svc_set *set, alc_err *err)
{
	memset(set, 0, sizeof(*set));
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : alc_err_set(err, errno, "open %s", dir);
	int scan = dup(fd);
	if (scan < 0)
		return alc_err_set(err, errno, "open %s", dir);
	__attribute__((cleanup(closedirp))) DIR *d = fdopendir(scan);
	if (!d) {
		close(scan);
		return alc_err_set(err, errno, "open %s", dir);
	}
	int r = 0;
	for (struct dirent *e; r == 0 && (errno = 0, e = readdir(d));) {
		if (!is_conf(e->d_name))
			continue;
		struct svc_def def;
		r = load_one(fd, dir, e->d_name, &def);
		if (r == 0 && ALC_PUSH(set->defs, set->n, def) < 0) {
			svc_def_free(&def);
			r = -ENOMEM;
		}
	}
	if (r == 0 && errno)
		r = -errno;
	if (r < 0) {
		svc_set_free(set);
		return alc_err_set(err, -r, "read %s", dir);
	}
	if (set->n)
		qsort(set->defs, set->n, sizeof(*set->defs), by_name);
	return 0;
}

long svc_set_find(const struct svc_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->defs[i].name, name))
			return (long)i;
	return -1;
}

void svc_set_free(struct svc_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		svc_def_free(&set->defs[i]);
	free(set->defs);
	memset(set, 0, sizeof(*set));
}

/* Whole-file reads and one-shot writes relative to a directory fd: the
 * shape of every cgroupfs and procfs access. */
#ifndef ALC_FILEIO_H
#define ALC_FILEIO_H

/* Reads a file into a NUL-terminated heap buffer that the caller frees;
 * returns its length or -errno. dirfd may be AT_FDCWD. */
long alc_read_file_at(int dirfd, const char *path, char **out);

/* Writes value to the file in one write(2); returns 0 or -errno. */
int alc_write_file_at(int dirfd, const char *path, const char *value);

#endif

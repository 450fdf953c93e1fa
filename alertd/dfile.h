/*
 * dfile: durable files, for the stores that must not lose what they
 * acknowledged (silences, the notification log).
 *  - dfile_write_all: write(2) until everything is written (EINTR
 *    retried);
 *  - dfile_replace: data written to tmp, fsynced, closed, renamed over
 *    path, then the directory fsynced: after it returns 0, a crash
 *    leaves either the old file or the new one, whole.
 * Errors: -1 with errno set, or an ad_err naming the file.  Thread: any
 * (callers serialise writers of one path).
 */
#ifndef ALERTD_ALERTD_DFILE_H
#define ALERTD_ALERTD_DFILE_H

#include <stddef.h>
#include <sys/types.h>

struct ad_err;

int	dfile_write_all(int fd, const void *p, size_t len);
/* fsync of a directory: dirfd when >= 0, else the directory dir. */
int	dfile_fsync_dir(int dirfd, const char *dir);
/*
 * Replaces path by data[0..len) through tmp (created with mode) in the
 * same directory, dirfd or dir as for dfile_fsync_dir.  On failure tmp
 * is removed, path is untouched, and err says "write <tmp>: <why>" or
 * "rename <tmp>: <why>".
 */
int	dfile_replace(int dirfd, const char *dir, const char *tmp,
	    const char *path, const void *data, size_t len, mode_t mode,
	    struct ad_err *err);

#endif

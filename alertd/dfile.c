/*
 * Durable files: see dfile.h.
 */
#include "alertd/dfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alertd/err.h"

int
dfile_write_all(int fd, const void *p, size_t len)
{
	const char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

int
dfile_fsync_dir(int dirfd, const char *dir)
{
	int	fd, rc, saved;

	if (dirfd >= 0)
		return fsync(dirfd);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
dfile_replace(int dirfd, const char *dir, const char *tmp, const char *path,
    const void *data, size_t len, mode_t mode, struct ad_err *err)
{
	int	fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return ad_err_set(err, AD_EIO, "write %s: %s", tmp,
		    strerror(errno));
	if (dfile_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		ad_err_set(err, AD_EIO, "write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1) {
		ad_err_set(err, AD_EIO, "write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1 || dfile_fsync_dir(dirfd, dir) == -1) {
		ad_err_set(err, AD_EIO, "rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

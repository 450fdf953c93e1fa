/*
 * dfile (alertd/dfile.h): a replaced file holds the new bytes with the
 * mode asked for, and the temporary name is gone; a failed replace
 * leaves the old file as it was and says which file failed.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/dfile.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

static char *
mkdir_tmp(void)
{
	char	tmpl[] = "/tmp/check_dfile.XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void
check_content(const char *path, const char *want)
{
	struct buf	b;
	struct ad_err	err;

	memset(&err, 0, sizeof(err));
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(buf_read_file(&b, path, &err), 0);
	ck_assert_uint_eq(buf_len(&b), strlen(want));
	ck_assert(memcmp(buf_str(&b), want, strlen(want)) == 0);
	buf_release(&b);
}

START_TEST(replace_writes_and_renames)
{
	char		*dir = mkdir_tmp(), *path, *tmp;
	struct ad_err	 err;
	struct stat	 st;
	int		 dfd;

	memset(&err, 0, sizeof(err));
	path = xasprintf("%s/f", dir);
	tmp = xasprintf("%s/f.tmp", dir);
	/* by directory name: a new file */
	ck_assert_int_eq(dfile_replace(-1, dir, tmp, path, "one\n", 4, 0600,
	    &err), 0);
	check_content(path, "one\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	/* by directory fd: over the old one */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(dfile_replace(dfd, NULL, tmp, path, "two, longer\n",
	    12, 0644, &err), 0);
	check_content(path, "two, longer\n");
	ck_assert_int_eq(dfile_fsync_dir(dfd, NULL), 0);
	ck_assert_int_eq(dfile_fsync_dir(-1, dir), 0);
	close(dfd);
	unlink(path);
	rmdir(dir);
	free(path);
	free(tmp);
	free(dir);
}
END_TEST

START_TEST(failed_replace_keeps_the_old_file)
{
	char		*dir = mkdir_tmp(), *path, *tmp;
	struct ad_err	 err;

	memset(&err, 0, sizeof(err));
	path = xasprintf("%s/f", dir);
	tmp = xasprintf("%s/missing/f.tmp", dir);
	ck_assert_int_eq(dfile_replace(-1, dir, path, path, "old", 3, 0600,
	    &err), 0);
	ck_assert_int_eq(dfile_replace(-1, dir, tmp, path, "new", 3, 0600,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "write "));
	ck_assert_ptr_nonnull(strstr(err.msg, "missing/f.tmp"));
	check_content(path, "old");
	ck_assert_int_eq(dfile_fsync_dir(-1, tmp), -1);
	unlink(path);
	rmdir(dir);
	free(path);
	free(tmp);
	free(dir);
}
END_TEST

START_TEST(write_all_writes_everything)
{
	int	fds[2];
	char	out[8];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dfile_write_all(fds[1], "abcdef", 6), 0);
	ck_assert_int_eq(read(fds[0], out, sizeof(out)), 6);
	ck_assert(memcmp(out, "abcdef", 6) == 0);
	close(fds[0]);
	/* the reader is gone: an error, not a loop */
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(dfile_write_all(fds[1], "x", 1), -1);
	close(fds[1]);
}
END_TEST

Suite *
dfile_suite(void)
{
	Suite	*s = suite_create("dfile");
	TCase	*tc = tcase_create("dfile");

	tcase_add_test(tc, replace_writes_and_renames);
	tcase_add_test(tc, failed_replace_keeps_the_old_file);
	tcase_add_test(tc, write_all_writes_everything);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * amtool.yml loading: first file wins, the legacy key, scalars as text,
 * yaml.v2's errors for non-scalar values.
 */
#include "alertd/cli/amconf.c"

#include <check.h>
#include <stdio.h>
#include <unistd.h>

static char *
write_tmp(const char *text)
{
	char	*path = strdup("/tmp/amconf-XXXXXX");
	int	 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(amconf_precedence)
{
	struct amconf	*c = amconf_new();
	char		*a = write_tmp("alertmanager.url: http://a:9093\n"
			    "output: json\n");
	char		*b = write_tmp("alertmanager.url: http://b:9093\n"
			    "author: bob\ndate.format: 'Jan 2'\n");

	amconf_set(c, "output", "extended");		/* environment first */
	ck_assert_int_eq(amconf_load(c, a, NULL), 0);
	ck_assert_int_eq(amconf_load(c, b, NULL), 0);
	ck_assert_int_eq(amconf_load(c, "/nonexistent/amtool.yml", NULL), 0);
	ck_assert_str_eq(amconf_get(c, "alertmanager.url"), "http://a:9093");
	ck_assert_str_eq(amconf_get(c, "output"), "extended");
	ck_assert_str_eq(amconf_get(c, "author"), "bob");
	ck_assert_str_eq(amconf_get(c, "date.format"), "Jan 2");
	ck_assert_ptr_null(amconf_get(c, "timeout"));
	amconf_free(c);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}
END_TEST

START_TEST(amconf_scalars_and_legacy)
{
	struct amconf	*c = amconf_new();
	char		*a = write_tmp("comment_required: false\n"
			    "require-comment: true\ntimeout: 1m\n"
			    "version-check: no\nauthor:\nn: 010\n");
	char		*b = write_tmp("comment_required: false\n");
	struct amconf	*d = amconf_new();

	ck_assert_int_eq(amconf_load(c, a, NULL), 0);
	/* The new name in the same file wins over the legacy one. */
	ck_assert_str_eq(amconf_get(c, "require-comment"), "true");
	ck_assert_ptr_null(amconf_get(c, "comment_required"));
	ck_assert_str_eq(amconf_get(c, "timeout"), "1m");
	ck_assert_str_eq(amconf_get(c, "version-check"), "no");
	ck_assert_str_eq(amconf_get(c, "author"), "");
	ck_assert_str_eq(amconf_get(c, "n"), "010");
	ck_assert_int_eq(amconf_load(d, b, NULL), 0);
	ck_assert_str_eq(amconf_get(d, "require-comment"), "false");
	amconf_free(c);
	amconf_free(d);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}
END_TEST

START_TEST(amconf_errors)
{
	struct amconf	*c = amconf_new();
	struct ad_err	 err = { 0 };
	char		*a = write_tmp("output: [a, b]\n");
	char		*b = write_tmp("- a\n- b\n");
	char		*e = write_tmp("");
	char		*x = write_tmp("a: [\n");

	ck_assert_int_eq(amconf_load(c, a, &err), -1);
	ck_assert_str_eq(err.msg, "yaml: unmarshal errors:\n"
	    "  line 1: cannot unmarshal !!seq into string");
	ck_assert_int_eq(amconf_load(c, b, &err), -1);
	ck_assert_str_eq(err.msg, "yaml: unmarshal errors:\n"
	    "  line 1: cannot unmarshal !!seq into map[string]string");
	ck_assert_int_eq(amconf_load(c, e, &err), 0);
	ck_assert_int_eq(amconf_load(c, x, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "yaml: line"));
	amconf_free(c);
	unlink(a);
	unlink(b);
	unlink(e);
	unlink(x);
	free(a);
	free(b);
	free(e);
	free(x);
}
END_TEST

Suite *
cli_amconf_suite(void)
{
	Suite	*s = suite_create("cli_amconf");
	TCase	*tc = tcase_create("amconf");

	tcase_add_test(tc, amconf_precedence);
	tcase_add_test(tc, amconf_scalars_and_legacy);
	tcase_add_test(tc, amconf_errors);
	suite_add_tcase(s, tc);
	return s;
}

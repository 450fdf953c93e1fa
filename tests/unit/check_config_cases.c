/*
 * The config loader against amtool 0.25, case by case: every directory of
 * tests/data/config/valid must load; every one of invalid/ must fail with,
 * among its errors, the one amtool reported (invalid/<case>/error, recorded
 * by tests/data/config/regen.sh).  alertd words it as amtool does, after
 * a "path: " prefix; yaml.v2's grouped "unmarshal errors" must each be
 * found on their line.  A `where` file pins alertd's own file:line:col and
 * field path of the first error.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"

#define CASES_DIR	"tests/data/config"
#define AMTOOL_PANICS	"amtool 0.25 panics"

#define MAX_CASES	400

struct cases {
	char	*name[MAX_CASES];
	int	 n;
};

static struct cases	valid_cases, invalid_cases;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
find_cases(const char *kind, struct cases *cs)
{
	char		 p[256];
	DIR		*d;
	struct dirent	*e;

	snprintf(p, sizeof(p), CASES_DIR "/%s", kind);
	cs->n = 0;
	d = opendir(p);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && cs->n < MAX_CASES)
		if (e->d_name[0] != '.')
			cs->name[cs->n++] = xstrdup(e->d_name);
	closedir(d);
	qsort(cs->name, (size_t)cs->n, sizeof(*cs->name), cmp_str);
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	e;

	buf_init(&b, 1 << 20);
	if (buf_read_file(&b, path, &e) == -1) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

/* Loads <kind>/<name>/alertmanager.yml as amtool would. */
static struct config *
load_case(const char *kind, const char *name, struct ad_errs *errs)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct config		*c;
	char			 dir[256], p[300], *data;
	size_t			 len;

	snprintf(dir, sizeof(dir), CASES_DIR "/%s/%s", kind, name);
	snprintf(p, sizeof(p), "%s/alertmanager.yml", dir);
	data = slurp(p, &len);
	ck_assert_msg(data != NULL, "cannot read %s", p);
	c = config_load_bytes("alertmanager.yml", data, len, dir, &opts, errs,
	    NULL);
	free(data);
	return c;
}

/* msg is want, or "path: want". */
static bool
msg_is(const char *msg, const char *want, size_t wlen)
{
	size_t	n = strlen(msg);

	if (n == wlen && strncmp(msg, want, wlen) == 0)
		return true;
	return n > wlen + 2 && strncmp(msg + n - wlen, want, wlen) == 0 &&
	    msg[n - wlen - 2] == ':' && msg[n - wlen - 1] == ' ';
}

static int
where_line(const char *where)
{
	const char	*p = strchr(where, ':');

	return p != NULL ? atoi(p + 1) : 0;
}

/* An error on line `line` (0: any) saying want. */
static bool
has_error(const struct ad_errs *errs, int line, const char *want,
    size_t wlen)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		if ((line == 0 || where_line(errs->v[i].where) == line) &&
		    msg_is(errs->v[i].msg, want, wlen))
			return true;
	return false;
}

static void
dump_errs(const struct ad_errs *errs, struct buf *b)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		buf_addf(b, "\n  %s: %s", errs->v[i].where, errs->v[i].msg);
}

/* yaml.v2's "yaml: unmarshal errors:\n  line N: msg" list. */
static void
check_unmarshal_errors(const char *name, const char *text,
    const struct ad_errs *errs)
{
	const char	*l = strchr(text, '\n');
	struct buf	 b;

	buf_init(&b, BUF_NOCAP);
	dump_errs(errs, &b);
	while (l != NULL && strncmp(l, "\n  line ", 8) == 0) {
		int		 line = atoi(l + 8);
		const char	*m = strchr(l + 8, ':') + 2;
		const char	*end = strchr(m, '\n');
		size_t		 len;

		len = end != NULL ? (size_t)(end - m) : strlen(m);

		ck_assert_msg(has_error(errs, line, m, len),
		    "%s: no error \"%.*s\" on line %d; got:%s", name, (int)len,
		    m, line, buf_str(&b));
		l = end;
	}
	buf_release(&b);
}

START_TEST(valid_case_loads)
{
	struct ad_errs	 errs;
	struct config	*c;
	struct buf	 b;

	ck_assert_int_gt(valid_cases.n, 0);
	ad_errs_init(&errs);
	buf_init(&b, BUF_NOCAP);
	c = load_case("valid", valid_cases.name[_i], &errs);
	dump_errs(&errs, &b);
	ck_assert_msg(c != NULL, "%s:%s", valid_cases.name[_i], buf_str(&b));
	config_unref(c);
	buf_release(&b);
	ad_errs_release(&errs);
}
END_TEST

static void
check_where(const char *name, const struct ad_errs *errs)
{
	char	 p[300], *want, line[1200];
	size_t	 len;

	snprintf(p, sizeof(p), CASES_DIR "/invalid/%s/where", name);
	want = slurp(p, &len);
	if (want == NULL)
		return;
	want[strcspn(want, "\n")] = '\0';
	snprintf(line, sizeof(line), "%s: %s", errs->v[0].where,
	    errs->v[0].msg);
	ck_assert_msg(strncmp(line, want, strlen(want)) == 0 &&
	    line[strlen(want)] == ':',
	    "%s: first error \"%s\", want \"%s: ...\"", name, line, want);
	free(want);
}

START_TEST(invalid_case_fails_as_amtool)
{
	const char	*name = invalid_cases.name[_i];
	struct ad_errs	 errs;
	struct config	*c;
	struct buf	 b;
	char		 p[300], *want;
	size_t		 len;

	ck_assert_int_gt(invalid_cases.n, 0);
	snprintf(p, sizeof(p), CASES_DIR "/invalid/%s/error", name);
	want = slurp(p, &len);
	ck_assert_msg(want != NULL, "%s: no error file", name);
	while (len > 0 && want[len - 1] == '\n')
		want[--len] = '\0';
	ad_errs_init(&errs);
	c = load_case("invalid", name, &errs);
	ck_assert_msg(c == NULL, "%s: loads, amtool says: %s", name, want);
	ck_assert_uint_gt(errs.n, 0);
	buf_init(&b, BUF_NOCAP);
	dump_errs(&errs, &b);
	if (strcmp(want, AMTOOL_PANICS) == 0)
		;	/* the verdict is all there is to compare */
	else if (strncmp(want, "yaml: unmarshal errors:", 23) == 0)
		check_unmarshal_errors(name, want, &errs);
	else
		ck_assert_msg(has_error(&errs, 0, want, strlen(want)),
		    "%s: amtool says \"%s\"; alertd:%s", name, want,
		    buf_str(&b));
	check_where(name, &errs);
	buf_release(&b);
	ad_errs_release(&errs);
	config_unref(c);
	free(want);
}
END_TEST

Suite *
config_cases_suite(void)
{
	Suite	*s = suite_create("config_cases");
	TCase	*tc = tcase_create("cases");

	find_cases("valid", &valid_cases);
	find_cases("invalid", &invalid_cases);
	tcase_add_loop_test(tc, valid_case_loads, 0,
	    valid_cases.n > 0 ? valid_cases.n : 1);
	tcase_add_loop_test(tc, invalid_case_fails_as_amtool, 0,
	    invalid_cases.n > 0 ? invalid_cases.n : 1);
	suite_add_tcase(s, tc);
	return s;
}

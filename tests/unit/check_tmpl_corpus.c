/*
 * The template corpus: every case of tests/data/templates/cases rendered
 * through the engine and compared byte for byte with what the real amtool
 * 0.25 (or, for later functions, Go's template packages: see regen.sh)
 * printed for the same template, data and template files.  One Check test
 * per case (a loop test over the sorted case names).
 *
 * An error is compared as text; Go messages longer than struct ad_err's
 * message (511 bytes) are compared on that prefix.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "templates/tmpl.h"

#define CORPUS		"tests/data/templates"
#define MIN_CASES	150

static char	**cases;
static int	  ncases;

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
load_case_names(void)
{
	DIR		*d;
	struct dirent	*e;

	d = opendir(CORPUS "/cases");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		cases = realloc(cases, sizeof(*cases) * (size_t)(ncases + 1));
		cases[ncases++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(cases, (size_t)ncases, sizeof(*cases), name_cmp);
}

/* Reads a case file; NULL if absent. */
static char *
slurp(const char *name, const char *file, size_t *len)
{
	struct buf	b;
	char		path[512];
	char		*p;

	snprintf(path, sizeof(path), CORPUS "/cases/%s/%s", name, file);
	buf_init(&b, BUF_NOCAP);
	if (buf_read_file(&b, path, NULL) != 0) {
		buf_release(&b);
		return NULL;
	}
	p = buf_detach(&b, len);
	return p;
}

struct case_args {
	bool	html, defaults;
	char	data[128];
	char	globs[8][128];
	int	nglobs;
};

static void
parse_args(const char *name, struct case_args *a)
{
	char	*txt, *line, *save = NULL;

	memset(a, 0, sizeof(*a));
	snprintf(a->data, sizeof(a->data), "firing.json");
	txt = slurp(name, "args", NULL);
	ck_assert_msg(txt != NULL, "%s: no args", name);
	for (line = strtok_r(txt, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "type html") == 0)
			a->html = true;
		else if (strncmp(line, "data ", 5) == 0)
			snprintf(a->data, sizeof(a->data), "%s", line + 5);
		else if (strncmp(line, "glob ", 5) == 0 && a->nglobs < 8)
			snprintf(a->globs[a->nglobs++], sizeof(a->globs[0]),
			    "%s", line + 5);
		else if (strcmp(line, "defaults") == 0)
			a->defaults = true;
	}
	free(txt);
}

static struct tmpl_data *
case_data(const struct case_args *a)
{
	struct tmpl_data	*d;
	struct ad_err		 err;
	struct buf		 b;
	char			 path[256];

	if (strcmp(a->data, "none") == 0)
		return tmpl_data_sample();
	snprintf(path, sizeof(path), CORPUS "/data/%s", a->data);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(buf_read_file(&b, path, &err), 0);
	d = tmpl_data_from_json(buf_str(&b), buf_len(&b), &err);
	ck_assert_msg(d != NULL, "%s: %s", path, err.msg);
	buf_release(&b);
	return d;
}

/* Renders the case: 0 and the output, or -1 and the error message. */
static int
render(const char *name, struct buf *out, struct ad_err *err)
{
	struct case_args	 a;
	struct tmpl_set		*ts;
	struct tmpl_data	*d;
	char			*text, path[256];
	int			 i, rc = 0;

	parse_args(name, &a);
	text = slurp(name, "template", NULL);
	ck_assert_msg(text != NULL, "%s: no template", name);
	ts = a.defaults ? tmpl_set_new(err) : tmpl_set_new_bare();
	ck_assert_msg(ts != NULL, "defaults: %s", err->msg);
	for (i = 0; i < a.nglobs && rc == 0; i++) {
		snprintf(path, sizeof(path), CORPUS "/tmpl/%s", a.globs[i]);
		rc = tmpl_set_add_file(ts, path, err);
	}
	if (rc == 0) {
		d = case_data(&a);
		rc = (a.html ? tmpl_exec_html : tmpl_exec_text)(ts, text, d,
		    out, err);
		tmpl_data_free(d);
	}
	tmpl_set_free(ts);
	free(text);
	return rc;
}

START_TEST(corpus_case)
{
	const char	*name = cases[_i];
	struct buf	 out;
	struct ad_err	 err;
	char		*want_out, *want_err;
	size_t		 n = 0;
	int		 rc;

	buf_init(&out, BUF_NOCAP);
	memset(&err, 0, sizeof(err));
	rc = render(name, &out, &err);
	want_out = slurp(name, "expected", &n);
	want_err = slurp(name, "error", NULL);
	ck_assert_msg(want_out != NULL || want_err != NULL,
	    "%s: no expected output", name);
	if (want_out != NULL) {
		ck_assert_msg(rc == 0, "%s: unexpected error: %s", name,
		    err.msg);
		ck_assert_msg(buf_len(&out) == n &&
		    memcmp(buf_str(&out), want_out, n) == 0,
		    "%s: output differs\n--- want\n%s\n--- got\n%s", name,
		    want_out, buf_str(&out));
	} else {
		size_t	cmp = strlen(want_err);

		if (cmp > sizeof(err.msg) - 1)
			cmp = sizeof(err.msg) - 1;
		ck_assert_msg(rc != 0, "%s: no error, want: %s", name,
		    want_err);
		ck_assert_msg(strlen(err.msg) == cmp &&
		    strncmp(err.msg, want_err, cmp) == 0,
		    "%s: error differs\n--- want\n%s\n--- got\n%s", name,
		    want_err, err.msg);
	}
	free(want_out);
	free(want_err);
	buf_release(&out);
}
END_TEST

START_TEST(corpus_size)
{
	ck_assert_msg(ncases >= MIN_CASES, "only %d corpus cases", ncases);
}
END_TEST

Suite *
tmpl_corpus_suite(void)
{
	Suite	*s = suite_create("tmpl_corpus");
	TCase	*tc = tcase_create("corpus");

	load_case_names();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, corpus_size);
	tcase_add_loop_test(tc, corpus_case, 0, ncases);
	suite_add_tcase(s, tc);
	return s;
}

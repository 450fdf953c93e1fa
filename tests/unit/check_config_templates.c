/*
 * `templates:` globs expand as Go's filepath.Glob (alertd/goglob.c), not
 * glob(3): in a temporary directory holding a.tmpl, x.tmpl, !.tmpl and
 * .dot.tmpl (each defining a template of its own name), which files each
 * pattern parses, a lone '[' failing the load, and patterns relative to
 * the config file's directory.  The Go verdicts are filepath.Match's
 * (tests/data/cli/goglob_*.json hold the Go-generated vectors).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "templates/tmpl.h"

static char	tdir[] = "/tmp/alertd-tmplglob-XXXXXX";

static void
put(const char *name, const char *text)
{
	char	*p = xasprintf("%s/%s", tdir, name);
	FILE	*f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	put("a.tmpl", "{{ define \"a\" }}A{{ end }}");
	put("x.tmpl", "{{ define \"x\" }}X{{ end }}");
	put("!.tmpl", "{{ define \"bang\" }}!{{ end }}");
	put(".dot.tmpl", "{{ define \"dot\" }}D{{ end }}");
}

static void
teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tdir, "/tmp/alertd-tmplglob-XXXXXX");
}

/* Loads a config whose templates: is the single pattern pat. */
static struct config *
load(const char *pat, struct ad_errs *errs)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct config		*c;
	char			*yml, *path;

	yml = xasprintf("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "templates:\n- '%s'\n", pat);
	put("am.yml", yml);
	path = xasprintf("%s/am.yml", tdir);
	ad_errs_init(errs);
	c = config_load(path, &o, errs, NULL);
	free(path);
	free(yml);
	return c;
}

/* Whether template name was defined by the files the config parsed. */
static bool
defined(const struct config *c, const char *name)
{
	struct tmpl_data	*d = tmpl_data_sample();
	struct buf		 out;
	struct ad_err		 e;
	char			*text = xasprintf("{{ template \"%s\" . }}",
				    name);
	int			 rc;

	buf_init(&out, BUF_NOCAP);
	rc = tmpl_exec_text(c->tmpl, text, d, &out, &e);
	buf_release(&out);
	tmpl_data_free(d);
	free(text);
	return rc == 0;
}

/* Go's '*' matches a leading dot; glob(3) does not. */
START_TEST(star_matches_dot_files)
{
	struct ad_errs	 errs;
	struct config	*c = load("*.tmpl", &errs);

	ck_assert_msg(c != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ck_assert(defined(c, "a"));
	ck_assert(defined(c, "x"));
	ck_assert(defined(c, "bang"));
	ck_assert(defined(c, "dot"));
	/* Resolved against the config file's directory. */
	ck_assert_uint_eq(c->n_templates, 1);
	ck_assert_ptr_nonnull(strstr(c->templates[0], tdir));
	ck_assert_str_eq(c->templates[0] + strlen(tdir), "/*.tmpl");
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

/* "[!x]" is the class of '!' and 'x' in Go, a negation in glob(3). */
START_TEST(bang_is_not_negation)
{
	struct ad_errs	 errs;
	struct config	*c = load("[!x].tmpl", &errs);

	ck_assert_ptr_nonnull(c);
	ck_assert(defined(c, "x"));
	ck_assert(defined(c, "bang"));
	ck_assert(!defined(c, "a"));
	ck_assert(!defined(c, "dot"));
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

START_TEST(caret_is_negation)
{
	struct ad_errs	 errs;
	struct config	*c = load("[^x].tmpl", &errs);

	ck_assert_ptr_nonnull(c);
	ck_assert(defined(c, "a"));
	ck_assert(defined(c, "bang"));
	ck_assert(!defined(c, "x"));
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

/* A lone '[' is Go's ErrBadPattern (glob(3) takes it literally). */
START_TEST(lone_bracket_fails_the_load)
{
	struct ad_errs	 errs;
	struct config	*c = load("[.tmpl", &errs);

	ck_assert_ptr_null(c);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.v[0].msg, "syntax error in pattern");
	ck_assert_ptr_nonnull(strstr(errs.v[0].where, "templates"));
	ad_errs_release(&errs);
}
END_TEST

/* No match is fine (0.25: "may be populated later on"). */
START_TEST(no_match_is_fine)
{
	struct ad_errs	 errs;
	struct config	*c = load("none-*.tmpl", &errs);

	ck_assert_ptr_nonnull(c);
	ck_assert(!defined(c, "a"));
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

/* A template file that does not parse names its file. */
START_TEST(bad_template_file_fails)
{
	struct ad_errs	 errs;
	struct config	*c;

	put("bad.tmpl", "{{ define \"b\" }}");
	c = load("bad.tmpl", &errs);
	ck_assert_ptr_null(c);
	ck_assert_uint_ge(errs.n, 1);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "bad.tmpl"));
	ad_errs_release(&errs);
}
END_TEST

Suite *
config_templates_suite(void)
{
	Suite	*s = suite_create("config_templates");
	TCase	*tc = tcase_create("glob");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, star_matches_dot_files);
	tcase_add_test(tc, bang_is_not_negation);
	tcase_add_test(tc, caret_is_negation);
	tcase_add_test(tc, lone_bracket_fails_the_load);
	tcase_add_test(tc, no_match_is_fine);
	tcase_add_test(tc, bad_template_file_fails);
	suite_add_tcase(s, tc);
	return s;
}

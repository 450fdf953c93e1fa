/*
 * Go 1.19's filepath.Match, Clean, Base and Glob (vectors from Go in
 * tests/data/cli/goglob_*.json; Glob's are run inside a rebuilt copy of
 * the generator's fixture tree).  The shared primitive behind alertctl
 * --template.glob and the config's templates: (check_config_templates.c).
 */
#include "alertd/goglob.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertd/err.h"

#include "cli_vectors.h"

START_TEST(goglob_match_go_vectors)
{
	json_t	*cases = cli_vectors("goglob_match.json"), *c;
	size_t	 i, plen, nlen;

	json_array_foreach(cases, i, c) {
		char		*pat = cli_unhex(cli_vstr(c, "pattern_hex"),
				    &plen);
		char		*name = cli_unhex(cli_vstr(c, "name_hex"),
				    &nlen);
		const char	*want_err = cli_vstr(c, "err");
		struct ad_err	 err = { 0 };
		bool		 m = false;
		int		 rc = goglob_match(pat, name, &m, &err);

		if (*want_err != '\0') {
			ck_assert_msg(rc == -1, "case %zu: Match(%s, %s): "
			    "want error", i, pat, name);
			ck_assert_str_eq(err.msg, want_err);
		} else {
			ck_assert_msg(rc == 0, "case %zu: Match(%s, %s): %s",
			    i, pat, name, err.msg);
			ck_assert_msg(m == json_is_true(json_object_get(c,
			    "match")), "case %zu: Match(%s, %s) = %d", i, pat,
			    name, m);
		}
		free(pat);
		free(name);
	}
	json_decref(cases);
}
END_TEST

START_TEST(goglob_path_go_vectors)
{
	json_t	*cases = cli_vectors("goglob_path.json"), *c;
	size_t	 i;

	json_array_foreach(cases, i, c) {
		char	*clean = goglob_clean(cli_vstr(c, "path"));
		char	*base = goglob_base(cli_vstr(c, "path"));

		ck_assert_msg(strcmp(clean, cli_vstr(c, "clean")) == 0,
		    "Clean(%s) = %s", cli_vstr(c, "path"), clean);
		ck_assert_msg(strcmp(base, cli_vstr(c, "base")) == 0,
		    "Base(%s) = %s", cli_vstr(c, "path"), base);
		free(clean);
		free(base);
	}
	json_decref(cases);
}
END_TEST

static void
make_tree(json_t *tree)
{
	json_t	*p;
	size_t	 i, len;
	FILE	*f;

	json_array_foreach(tree, i, p) {
		const char	*path = json_string_value(p);

		len = strlen(path);
		if (path[len - 1] == '/') {
			ck_assert_int_eq(mkdir(path, 0755), 0);
			continue;
		}
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs("x", f);
		fclose(f);
	}
}

static void
check_glob_case(json_t *c)
{
	const char	*pat = cli_vstr(c, "pattern");
	const char	*want_err = cli_vstr(c, "err");
	json_t		*want = json_object_get(c, "matches");
	struct goglob	 g;
	struct ad_err	 err = { 0 };
	size_t		 j;
	int		 rc = goglob_glob(pat, &g, &err);

	if (*want_err != '\0') {
		ck_assert_msg(rc == -1, "Glob(%s): want error", pat);
		ck_assert_str_eq(err.msg, want_err);
	} else {
		ck_assert_msg(rc == 0, "Glob(%s): %s", pat, err.msg);
		ck_assert_msg(g.n == json_array_size(want),
		    "Glob(%s): %zu matches, want %zu", pat, g.n,
		    json_array_size(want));
		for (j = 0; j < g.n; j++)
			ck_assert_msg(strcmp(g.v[j], json_string_value(
			    json_array_get(want, j))) == 0,
			    "Glob(%s)[%zu] = %s", pat, j, g.v[j]);
	}
	goglob_release(&g);
}

START_TEST(goglob_glob_go_vectors)
{
	json_error_t	 jerr;
	json_t		*v, *c;
	char		 dir[] = "/tmp/goglob-XXXXXX", *cwd, cmd[64];
	size_t		 i;

	v = json_load_file("tests/data/cli/goglob_glob.json", 0, &jerr);
	ck_assert_msg(v != NULL, "%s", jerr.text);
	cwd = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
	make_tree(json_object_get(v, "tree"));
	json_array_foreach(json_object_get(v, "cases"), i, c)
		check_glob_case(c);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
	json_decref(v);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Go stops at 10000 directory levels: a syntax error, not a crash. */
START_TEST(goglob_depth_limit)
{
	struct goglob	 g;
	struct ad_err	 err = { 0 };
	size_t		 n = 10001 * 2, i;
	char		*pat = malloc(n + 2);

	for (i = 0; i < n; i += 2) {
		pat[i] = '*';
		pat[i + 1] = '/';
	}
	pat[n] = 'x';
	pat[n + 1] = '\0';
	ck_assert_int_eq(goglob_glob(pat, &g, &err), -1);
	ck_assert_str_eq(err.msg, GOGLOB_EBADPATTERN);
	goglob_release(&g);
	free(pat);
}
END_TEST

Suite *
goglob_suite(void)
{
	Suite	*s = suite_create("goglob");
	TCase	*tc = tcase_create("goglob");

	tcase_add_test(tc, goglob_match_go_vectors);
	tcase_add_test(tc, goglob_path_go_vectors);
	tcase_add_test(tc, goglob_glob_go_vectors);
	tcase_add_test(tc, goglob_depth_limit);
	suite_add_tcase(s, tc);
	return s;
}

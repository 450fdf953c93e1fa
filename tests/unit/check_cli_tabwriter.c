/*
 * alertctl's tabwriter against Go's text/tabwriter (vectors in
 * tests/data/cli/tabwriter.json).
 */
#include "alertd/cli/tabwriter.c"

#include "cli_vectors.h"

START_TEST(tabwriter_go_vectors)
{
	json_t	*cases = cli_vectors("tabwriter.json"), *c;
	size_t	 i;

	json_array_foreach(cases, i, c) {
		struct buf	 out;
		size_t		 inlen, wantlen;
		char		*in = cli_unhex(cli_vstr(c, "in_hex"), &inlen);
		char		*want = cli_unhex(cli_vstr(c, "want_hex"),
				    &wantlen);
		int		 pad = (int)json_integer_value(json_object_get(
				    c, "padding"));

		buf_init(&out, BUF_NOCAP);
		ck_assert_int_eq(tabw_format(&out, in, inlen, 0, pad, ' '), 0);
		ck_assert_msg(buf_len(&out) == wantlen &&
		    memcmp(buf_str(&out), want, wantlen) == 0,
		    "case %zu (padding %d): got\n%s\nwant\n%s", i, pad,
		    buf_str(&out), want);
		buf_release(&out);
		free(in);
		free(want);
	}
	json_decref(cases);
}
END_TEST

START_TEST(tabwriter_amtool_table)
{
	struct buf	 out;
	const char	*in = "Alertname\tStarts At\tSummary\tState\t\n"
			    "foo\t2020-01-01 00:00:00 UTC\thello world\tactive\t\n";

	buf_init(&out, BUF_NOCAP);
	ck_assert_int_eq(tabw_format(&out, in, strlen(in), 0, 2, ' '), 0);
	ck_assert_str_eq(buf_str(&out),
	    "Alertname  Starts At                Summary      State   \n"
	    "foo        2020-01-01 00:00:00 UTC  hello world  active  \n");
	buf_release(&out);
}
END_TEST

START_TEST(tabwriter_cap)
{
	struct buf	out;

	buf_init(&out, 4);
	ck_assert_int_eq(tabw_format(&out, "abc\tdef\t\n", 9, 0, 2, ' '), -1);
	buf_release(&out);
}
END_TEST

Suite *
cli_tabwriter_suite(void)
{
	Suite	*s = suite_create("cli_tabwriter");
	TCase	*tc = tcase_create("tabwriter");

	tcase_add_test(tc, tabwriter_go_vectors);
	tcase_add_test(tc, tabwriter_amtool_table);
	tcase_add_test(tc, tabwriter_cap);
	suite_add_tcase(s, tc);
	return s;
}

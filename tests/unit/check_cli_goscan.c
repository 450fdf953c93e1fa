/*
 * encoding/json's syntax errors as json.Unmarshal reports them
 * (api_jscan_check_valid, for alertctl; vectors
 * from Go in tests/data/cli/goscan.json, quoteChar of every byte among
 * them).
 */
#include "alertd/api_jscan.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/err.h"

#include "cli_vectors.h"

START_TEST(goscan_go_vectors)
{
	json_t	*cases = cli_vectors("goscan.json"), *c;
	size_t	 i, len;

	json_array_foreach(cases, i, c) {
		char		*in = cli_unhex(cli_vstr(c, "in_hex"), &len);
		const char	*want = cli_vstr(c, "err");
		struct ad_err	 err = { 0 };
		int		 rc = api_jscan_check_valid(in, len, &err);

		if (*want == '\0')
			ck_assert_msg(rc == 0, "case %zu (%s): %s", i,
			    cli_vstr(c, "in_hex"), err.msg);
		else {
			ck_assert_msg(rc == -1, "case %zu (%s): valid, want "
			    "%s", i, cli_vstr(c, "in_hex"), want);
			ck_assert_msg(strcmp(err.msg, want) == 0,
			    "case %zu (%s): got %s, want %s", i,
			    cli_vstr(c, "in_hex"), err.msg, want);
		}
		free(in);
	}
	json_decref(cases);
}
END_TEST

Suite *
cli_goscan_suite(void)
{
	Suite	*s = suite_create("cli_goscan");
	TCase	*tc = tcase_create("goscan");

	tcase_add_test(tc, goscan_go_vectors);
	suite_add_tcase(s, tc);
	return s;
}

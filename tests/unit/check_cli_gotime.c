/*
 * Go time layouts: Time.Format and time.Parse against Go 1.19's results
 * (tests/data/cli/gotime_{format,parse}.json, produced with TZ=UTC).
 */
#include "alertd/cli/gotime.c"

#include "cli_vectors.h"

START_TEST(gotime_format_go_vectors)
{
	json_t	*cases = cli_vectors("gotime_format.json"), *c;
	size_t	 i;

	json_array_foreach(cases, i, c) {
		struct gotime	t;
		struct buf	out;

		t.sec = json_integer_value(json_object_get(c, "sec"));
		t.nsec = (int32_t)json_integer_value(json_object_get(c,
		    "nsec"));
		t.off = (int32_t)json_integer_value(json_object_get(c, "off"));
		snprintf(t.zone, sizeof(t.zone), "%s", cli_vstr(c, "zone"));
		buf_init(&out, BUF_NOCAP);
		ck_assert_int_eq(gotime_format(&out, &t, cli_vstr(c,
		    "layout")), 0);
		ck_assert_msg(strcmp(buf_str(&out), cli_vstr(c, "want")) == 0,
		    "case %zu: %lld.%d%+d %s layout \"%s\": got \"%s\" want "
		    "\"%s\"", i, (long long)t.sec, t.nsec, t.off, t.zone,
		    cli_vstr(c, "layout"), buf_str(&out), cli_vstr(c, "want"));
		buf_release(&out);
	}
	json_decref(cases);
}
END_TEST

START_TEST(gotime_parse_go_vectors)
{
	json_t	*cases = cli_vectors("gotime_parse.json"), *c;
	size_t	 i;

	setenv("TZ", "UTC", 1);
	tzset();
	json_array_foreach(cases, i, c) {
		struct gotime	t;
		struct ad_err	err = { 0 };
		const char	*want_err = cli_vstr(c, "err");
		int		rc;

		rc = gotime_parse(cli_vstr(c, "layout"), cli_vstr(c, "value"),
		    &t, &err);
		if (*want_err != '\0') {
			ck_assert_msg(rc == -1, "case %zu: parsed", i);
			ck_assert_msg(strcmp(err.msg, want_err) == 0,
			    "case %zu: got '%s' want '%s'", i, err.msg,
			    want_err);
			continue;
		}
		ck_assert_msg(rc == 0, "case %zu: %s", i, err.msg);
		ck_assert_int_eq(t.sec, json_integer_value(json_object_get(c,
		    "sec")));
		ck_assert_int_eq(t.nsec, json_integer_value(json_object_get(c,
		    "nsec")));
		ck_assert_int_eq(t.off, json_integer_value(json_object_get(c,
		    "off")));
		ck_assert_msg(strcmp(t.zone, cli_vstr(c, "zone")) == 0,
		    "case %zu: zone '%s' want '%s'", i, t.zone,
		    cli_vstr(c, "zone"));
	}
	json_decref(cases);
}
END_TEST

/* An offset equal to the local zone's takes its name, as in Go. */
START_TEST(gotime_parse_local_zone)
{
	struct gotime	t;
	struct buf	out;

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	ck_assert_int_eq(gotime_parse(GOTIME_RFC3339,
	    "2030-01-01T10:00:00+01:00", &t, NULL), 0);
	ck_assert_str_eq(t.zone, "CET");
	ck_assert_int_eq(gotime_parse(GOTIME_RFC3339,
	    "2030-07-01T10:00:00+01:00", &t, NULL), 0);
	ck_assert_str_eq(t.zone, "");
	buf_init(&out, BUF_NOCAP);
	gotime_format(&out, &t, GOTIME_AMTOOL_DEFAULT);
	ck_assert_str_eq(buf_str(&out), "2030-07-01 10:00:00 +0100");
	buf_release(&out);
	setenv("TZ", "UTC", 1);
	tzset();
}
END_TEST

START_TEST(gotime_zero_and_cmp)
{
	struct gotime	z, a, b;
	struct buf	out;

	gotime_zero(&z);
	ck_assert(gotime_is_zero(&z));
	buf_init(&out, BUF_NOCAP);
	gotime_format(&out, &z, GOTIME_RFC3339_MILLIS);
	ck_assert_str_eq(buf_str(&out), "0001-01-01T00:00:00.000Z");
	buf_release(&out);
	gotime_utc(&a, 10, 5);
	gotime_utc(&b, 10, 6);
	ck_assert_int_eq(gotime_cmp(&a, &b), -1);
	ck_assert_int_eq(gotime_cmp(&b, &a), 1);
	ck_assert_int_eq(gotime_cmp(&a, &a), 0);
}
END_TEST

Suite *
cli_gotime_suite(void)
{
	Suite	*s = suite_create("cli_gotime");
	TCase	*tc = tcase_create("gotime");

	tcase_add_test(tc, gotime_format_go_vectors);
	tcase_add_test(tc, gotime_parse_go_vectors);
	tcase_add_test(tc, gotime_parse_local_zone);
	tcase_add_test(tc, gotime_zero_and_cmp);
	suite_add_tcase(s, tc);
	return s;
}

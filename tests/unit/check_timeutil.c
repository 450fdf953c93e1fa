/*
 * Time and duration parsing/formatting against Go's outputs.
 */
#include <check.h>
#include <string.h>

#include "alertd/err.h"
#include "alertd/timeutil.h"

START_TEST(rfc3339_roundtrip)
{
	char		out[TIME_FMT_MAX];
	ad_time_t	t;

	ck_assert_int_eq(time_parse_rfc3339("2026-11-25T15:44:19.963Z", 24, &t), 0);
	ck_assert_str_eq(time_format_millis(t, out), "2026-11-25T15:44:19.963Z");
	ck_assert_str_eq(time_format_rfc3339nano(t, out),
	    "2026-11-25T15:44:19.963Z");
	ck_assert_int_eq(time_parse_rfc3339("2026-11-25T16:44:19.000000001+01:00",
	    35, &t), 0);
	ck_assert_str_eq(time_format_rfc3339nano(t, out),
	    "2026-11-25T15:44:19.000000001Z");
	ck_assert_int_eq(time_parse_rfc3339("0001-01-01T00:00:00.000Z", 24, &t), 0);
	ck_assert(t == AD_TIME_ZERO);
	ck_assert_str_eq(time_format_millis(t, out), "0001-01-01T00:00:00.000Z");
	ck_assert_int_eq(time_parse_rfc3339("1970-01-01T00:00:00Z", 20, &t), 0);
	ck_assert(t == 0);
	ck_assert_int_eq(time_parse_rfc3339("2026-02-30T00:00:00Z", 20, &t), -1);
	ck_assert_int_eq(time_parse_rfc3339("2026-01-01 00:00:00Z", 20, &t), -1);
	ck_assert_int_eq(time_parse_rfc3339("2026-01-01T00:00:00", 19, &t), -1);
	ck_assert_int_eq(time_parse_rfc3339("1969-12-31T23:59:59.5Z", 22, &t), 0);
	ck_assert(t == -AD_SEC / 2);
	ck_assert_str_eq(time_format_rfc3339nano(t, out),
	    "1969-12-31T23:59:59.5Z");
}
END_TEST

START_TEST(prom_durations)
{
	char		out[DUR_FMT_MAX];
	struct ad_err	err;
	ad_dur_t	d;

	ck_assert_int_eq(dur_parse_prom("1h30m", &d, NULL), 0);
	ck_assert(d == 90 * AD_MIN);
	ck_assert_str_eq(dur_format_prom(d, out), "1h30m");
	ck_assert_int_eq(dur_parse_prom("0", &d, NULL), 0);
	ck_assert_str_eq(dur_format_prom(d, out), "0s");
	ck_assert_int_eq(dur_parse_prom("1y", &d, NULL), 0);
	ck_assert_str_eq(dur_format_prom(d, out), "1y");
	ck_assert_int_eq(dur_parse_prom("2w", &d, NULL), 0);
	ck_assert_str_eq(dur_format_prom(d, out), "2w");
	ck_assert_int_eq(dur_parse_prom("1d", &d, NULL), 0);
	ck_assert_str_eq(dur_format_prom(d, out), "1d");
	ck_assert_int_eq(dur_parse_prom("90s", &d, NULL), 0);
	ck_assert_str_eq(dur_format_prom(d, out), "1m30s");
	ck_assert_int_eq(dur_parse_prom("10ms", &d, NULL), 0);
	ck_assert(d == 10 * AD_MS);
	ck_assert_int_eq(dur_parse_prom("1m1ms", &d, NULL), 0);
	ck_assert(d == AD_MIN + AD_MS);
	ck_assert_int_eq(dur_parse_prom("", &d, &err), -1);
	ck_assert_str_eq(err.msg, "empty duration string");
	ck_assert_int_eq(dur_parse_prom("1.5h", &d, &err), -1);
	ck_assert_str_eq(err.msg, "not a valid duration string: \"1.5h\"");
	ck_assert_int_eq(dur_parse_prom("5m1h", &d, &err), -1);
	ck_assert_int_eq(dur_parse_prom("-1h", &d, &err), -1);
	ck_assert_int_eq(dur_parse_prom("1h1h", &d, &err), -1);
	ck_assert_int_eq(dur_parse_prom("300y", &d, &err), -1);
	ck_assert_str_eq(err.msg, "duration out of range");
}
END_TEST

START_TEST(go_durations)
{
	char		out[DUR_FMT_MAX];
	ad_dur_t	d;

	ck_assert_str_eq(dur_format_go(0, out), "0s");
	ck_assert_str_eq(dur_format_go(AD_HOUR, out), "1h0m0s");
	ck_assert_str_eq(dur_format_go(1500 * AD_MS, out), "1.5s");
	ck_assert_str_eq(dur_format_go(500 * AD_MS, out), "500ms");
	ck_assert_str_eq(dur_format_go(1500, out), "1.5\xc2\xb5s");
	ck_assert_str_eq(dur_format_go(7, out), "7ns");
	ck_assert_str_eq(dur_format_go(-(5 * AD_MIN + 3 * AD_SEC), out), "-5m3s");
	ck_assert_str_eq(dur_format_go(26 * AD_HOUR + 61 * AD_SEC, out),
	    "26h1m1s");
	ck_assert_int_eq(dur_parse_go("1h30m", &d, NULL), 0);
	ck_assert(d == 90 * AD_MIN);
	ck_assert_int_eq(dur_parse_go("1.5s", &d, NULL), 0);
	ck_assert(d == 1500 * AD_MS);
	ck_assert_int_eq(dur_parse_go("x", &d, NULL), -1);
}
END_TEST

Suite *
timeutil_suite(void)
{
	Suite	*s = suite_create("timeutil");
	TCase	*tc = tcase_create("timeutil");

	tcase_add_test(tc, rfc3339_roundtrip);
	tcase_add_test(tc, prom_durations);
	tcase_add_test(tc, go_durations);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * cfgerr: amtool's one message from alertd's list of config errors.  The
 * lists mirror what config_load reports for the configs of
 * tests/data/cli/routes/invalid, whose amtool messages the integration
 * tests compare live (test_cli_routes.py).
 */
#include "alertd/cli/cfgerr.c"

#include <check.h>

static void
add(struct ad_errs *e, const char *where, const char *msg)
{
	ad_errs_addf(e, AD_EINVAL, where, "%s", msg);
}

static void
expect(const struct ad_errs *e, const char *want)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	cfgerr_message(e, "f.yml", &b);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
}

START_TEST(cfgerr_grouped)
{
	struct ad_errs	e;

	ad_errs_init(&e);
	add(&e, "f.yml:3:3: route", "field receiver already set in type "
	    "config.plain");
	add(&e, "f.yml:11:13: receivers[0].webhook_configs[0].http_config."
	    "proxy_connect_header", "key \"X\" already set in map");
	add(&e, "f.yml:4:13: route.receiver",
	    "undefined receiver \"s\" used in route");
	expect(&e, "yaml: unmarshal errors:\n"
	    "  line 3: field receiver already set in type config.plain\n"
	    "  line 11: key \"X\" already set in map");
	ad_errs_release(&e);
}
END_TEST

START_TEST(cfgerr_check_stops_decode)
{
	struct ad_errs	e;

	ad_errs_init(&e);
	add(&e, "f.yml:8:22: receivers[0].webhook_configs[0].max_alerts",
	    "cannot unmarshal !!str `lots` into uint64");
	add(&e, "f.yml:9:14: receivers[0].webhook_configs[0].url",
	    "unsupported scheme \"\" for URL");
	add(&e, "f.yml:13:24: receivers[1].webhook_configs[0].send_resolved",
	    "cannot unmarshal !!str `maybe` into bool");
	expect(&e, "unsupported scheme \"\" for URL");
	ad_errs_release(&e);
}
END_TEST

START_TEST(cfgerr_type_error_inside_object)
{
	struct ad_errs	e;

	ad_errs_init(&e);
	add(&e, "f.yml:8:18: receivers[0].telegram_configs[0].chat_id",
	    "cannot unmarshal !!str `abc` into int64");
	add(&e, "f.yml:8:9: receivers[0].telegram_configs[0]",
	    "missing bot_token on telegram_config");
	expect(&e, "yaml: unmarshal errors:\n"
	    "  line 8: cannot unmarshal !!str `abc` into int64");
	ad_errs_release(&e);
}
END_TEST

START_TEST(cfgerr_config_checks)
{
	struct ad_errs	e;

	/* A config-wide check is hidden by a type error... */
	ad_errs_init(&e);
	add(&e, "f.yml:7:9: receivers[0].email_configs[0]",
	    "no global SMTP smarthost set");
	add(&e, "f.yml:8:24: receivers[0].email_configs[0].send_resolved",
	    "cannot unmarshal !!str `maybe` into bool");
	expect(&e, "yaml: unmarshal errors:\n"
	    "  line 8: cannot unmarshal !!str `maybe` into bool");
	ad_errs_release(&e);
	/* ... comes after the decode's own checks ... */
	ad_errs_init(&e);
	add(&e, "f.yml:1:1", "no routes provided");
	add(&e, "f.yml:3:3: receivers[0]", "missing name in receiver");
	expect(&e, "missing name in receiver");
	ad_errs_release(&e);
	/* ... and is the message when it is alone. */
	ad_errs_init(&e);
	add(&e, "f.yml:2:3: route", "undefined receiver \"x\" used in route");
	add(&e, "f.yml", "time interval \"t\" is not unique");
	expect(&e, "undefined receiver \"x\" used in route");
	ad_errs_release(&e);
}
END_TEST

START_TEST(cfgerr_paths)
{
	/* A type error in a sibling whose name extends the path's. */
	ck_assert(!path_within("receivers[10].x", "receivers[1]"));
	ck_assert(path_within("receivers[1].x", "receivers[1]"));
	ck_assert(path_within("receivers[1][0]", "receivers[1]"));
	ck_assert(!path_within("routes2", "routes"));
	ck_assert(path_within("anything", ""));
	ck_assert_str_eq(where_path("f.yml:1:2: a.b", "f.yml"), "a.b");
	ck_assert_str_eq(where_path("f.yml:1:2", "f.yml"), "");
	ck_assert_str_eq(where_path("other:1:2: a", "f.yml"), "");
	ck_assert_int_eq(where_line("f.yml:17:2: a", "f.yml"), 17);
	ck_assert_int_eq(where_line("f.yml", "f.yml"), 0);
}
END_TEST

Suite *
cli_cfgerr_suite(void)
{
	Suite	*s = suite_create("cli_cfgerr");
	TCase	*tc = tcase_create("cfgerr");

	tcase_add_test(tc, cfgerr_grouped);
	tcase_add_test(tc, cfgerr_check_stops_decode);
	tcase_add_test(tc, cfgerr_type_error_inside_object);
	tcase_add_test(tc, cfgerr_config_checks);
	tcase_add_test(tc, cfgerr_paths);
	suite_add_tcase(s, tc);
	return s;
}

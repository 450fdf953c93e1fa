/*
 * victorops: requests byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/integrations/victorops/am-0.25, capture_a.py), the
 * API key file, the verdicts, and the URL (it holds the API key) kept
 * out of errors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "check_integ1_fixture.h"
#include "check_notify_httpd.h"
#include "config/config.h"

#define VODIR	I1DIR "/victorops/am-0.25/"

static void
check_case(unsigned idx, const char *file, const char *base)
{
	struct config		*cfg = i1_config(9);
	struct i1_notif		 nf;
	struct notify_req	 req;
	struct ad_err		 err;

	i1_notif_init(&nf, cfg, "victorops", idx, file);
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	i1_check_recorded(&req, base);
	ck_assert(req.url_is_secret);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}

START_TEST(recorded)
{
	check_case(0, "alerts-a1.json", VODIR "default_firing");
	check_case(0, "alerts-a2.json", VODIR "default_resolved");
	/* a rendered routing key with a space, "/", "é" and "?" in the
	 * path; an unknown message_type is CRITICAL; custom fields */
	check_case(1, "alerts-a1.json", VODIR "custom_firing");
	check_case(1, "alerts-a2.json", VODIR "custom_resolved");
	/* WARNING kept while firing, RECOVERY when resolved */
	check_case(2, "alerts-a1.json", VODIR "warn_firing");
	check_case(2, "alerts-a2.json", VODIR "warn_resolved");
}
END_TEST

static struct config *
config_with(const char *receiver)
{
	struct buf	 b;
	struct config	*cfg;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "route:\n  receiver: victorops\n  group_by: ['...']\n"
	    "receivers:\n- name: victorops\n  victorops_configs:\n%s",
	    receiver);
	cfg = i1_config_text(buf_str(&b));
	buf_release(&b);
	return cfg;
}

START_TEST(api_key_file)
{
	char			 path[] = "/tmp/alertd-vo-keyXXXXXX";
	char			 yml[256];
	struct config		*cfg;
	struct i1_notif		 nf;
	struct notify_req	 req;
	struct ad_err		 err;
	int			 fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "filekey\n", 8), 8);
	close(fd);
	snprintf(yml, sizeof(yml), "  - api_key_file: %s\n    api_url: "
	    "http://vo.example/\n    routing_key: '{{ .Status }}'\n"
	    "    message_type: INFO\n", path);
	cfg = config_with(yml);
	i1_notif_init(&nf, cfg, "victorops", 0, "alerts-a1.json");
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(req.url, "http://vo.example/filekey/firing");
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body),
	    "\"message_type\":\"INFO\""));
	notify_req_release(&req);
	unlink(path);
	notify_req_init(&req);
	ck_assert_int_eq(i1_prepare(&nf, &req, &err), -1);
	ck_assert_msg(strncmp(err.msg, "failed to read API key from file: "
	    "open /tmp/alertd-vo-key", 57) == 0, "%s", err.msg);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

START_TEST(template_error)
{
	struct config		*cfg;
	struct i1_notif		 nf;
	struct notify_req	 req;
	struct ad_err		 err;

	cfg = config_with("  - api_key: k\n    api_url: http://vo.example/\n"
	    "    routing_key: r\n    custom_fields:\n      f: '{{ index "
	    ".Alerts 99 }}'\n");
	i1_notif_init(&nf, cfg, "victorops", 0, "alerts-a1.json");
	notify_req_init(&req);
	ck_assert_int_eq(i1_prepare(&nf, &req, &err), -1);
	ck_assert_msg(strncmp(err.msg, "templating error: template: ", 28) ==
	    0, "%s", err.msg);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

START_TEST(verdicts)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	const struct config_integration	*ci;
	struct ad_err			 err;

	i1_notif_init(&nf, cfg, "victorops", 0, "alerts-a1.json");
	ci = i1_integration(&nf);
	ck_assert_int_eq(i1_verdict(ci, 200, "{\"result\":\"success\"}",
	    &err), NOTIFY_OK);
	ck_assert_int_eq(i1_verdict(ci, 429, "", &err), NOTIFY_FAIL);
	ck_assert_int_eq(i1_verdict(ci, 404, "no route", &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 404: no route");
	ck_assert_int_eq(i1_verdict(ci, 502, "", &err), NOTIFY_RETRY);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

START_TEST(url_never_shown)
{
	/* nothing listens on port 9: a transport error, retried until the
	 * deadline, its message without the URL */
	struct config	*cfg = i1_config(9);
	struct i1_notif	 nf;
	struct i1_run	 res;

	i1_notif_init(&nf, cfg, "victorops", 0, "alerts-a1.json");
	i1_run(&nf, 400, &res);
	ck_assert(!res.ok);
	ck_assert_int_ge(res.attempts, 2);
	ck_assert_msg(strstr(res.msg, "Post \"<redacted>\": ") != NULL, "%s",
	    res.msg);
	ck_assert_ptr_null(strstr(res.msg, "vo-key"));
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

Suite *
integ1_victorops_suite(void)
{
	Suite	*s = suite_create("integ1_victorops");
	TCase	*tc = tcase_create("victorops");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, recorded);
	tcase_add_test(tc, api_key_file);
	tcase_add_test(tc, template_error);
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, url_never_shown);
	suite_add_tcase(s, tc);
	return s;
}

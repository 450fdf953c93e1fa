/*
 * msteams: requests byte for byte against what Alertmanager 0.27's MS
 * Teams notifier sent, built into Alertmanager 0.25
 * (tests/data/integrations/msteams: build-am-msteams.sh, then capture.py
 * with capture-msteams.yml): the default title, summary and text
 * (alertd's own default templates, not the recording's template file),
 * custom ones with HTML-escaped JSON, the colour by status, the resolved
 * notification; webhook_url_file read per notification; the verdict.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "tests/unit/check_integ2_fixture.h"

#define TAG	"am-0.25+0.27msteams"

static void
recorded(unsigned idx, const char *seg, const char *group, const char *phase)
{
	struct config		*cfg = i2_config("capture-msteams.yml");
	struct notify_req	 req;
	char			 base[64], msg[256];

	ck_assert_int_eq(i2_prepare(cfg, "msteams", idx, group, phase, &req,
	    msg, sizeof(msg)), 0);
	snprintf(base, sizeof(base), "%s_%s_%s", seg, group, phase);
	i2_check_recorded(&req, "msteams", TAG, base);
	ck_assert(req.url_is_secret);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(default_firing) { recorded(0, "teams", "Disk", "firing"); }
END_TEST
START_TEST(default_resolved) { recorded(0, "teams", "Disk", "resolved"); }
END_TEST
START_TEST(default_long) { recorded(0, "teams", "Long", "firing"); }
END_TEST
START_TEST(custom_firing) { recorded(1, "teams2", "Disk", "firing"); }
END_TEST
START_TEST(custom_long) { recorded(1, "teams2", "Long", "firing"); }
END_TEST

START_TEST(url_file)
{
	char			 path[] = "/tmp/alertd-teams-XXXXXX";
	char			 yml[512];
	struct config		*cfg;
	struct notify_req	 req;
	int			 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "https://x.example/hook/1\n", 25), 25);
	close(fd);
	snprintf(yml, sizeof(yml), "route: {receiver: team-x.chat}\n"
	    "receivers:\n- name: team-x.chat\n  msteams_configs:\n"
	    "  - webhook_url_file: %s\n    title: t\n    summary: s\n"
	    "    text: x\n", path);
	cfg = i2_config(yml);
	ck_assert_int_eq(i2_prepare(cfg, "msteams", 0, "Disk", "resolved",
	    &req, NULL, 0), 0);
	ck_assert_str_eq(req.url, "https://x.example/hook/1");
	ck_assert(req.url_is_secret);
	ck_assert_str_eq(buf_str(&req.body), "{\"@context\":"
	    "\"http://schema.org/extensions\",\"type\":\"MessageCard\","
	    "\"title\":\"t\",\"summary\":\"s\",\"text\":\"x\","
	    "\"themeColor\":\"2DC72D\"}\n");
	notify_req_release(&req);
	unlink(path);
	ck_assert_int_eq(i2_prepare(cfg, "msteams", 0, "Disk", "firing", &req,
	    yml, sizeof(yml)), -1);
	ck_assert_ptr_nonnull(strstr(yml, path));
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

/* A template error fails the notification, as Go's (false, err). */
START_TEST(template_error)
{
	struct config		*cfg;
	struct notify_req	 req;
	char			 msg[256];

	cfg = i2_config("route: {receiver: team-x.chat}\n"
	    "receivers:\n- name: team-x.chat\n  msteams_configs:\n"
	    "  - webhook_url: http://x/\n    text: '{{ .Nope }}'\n");
	ck_assert_int_eq(i2_prepare(cfg, "msteams", 0, "Disk", "firing", &req,
	    msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "Nope"));
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(verdict_default)
{
	const struct notifier_type	*t = notifier_lookup("msteams");
	struct notify_resp		 r;
	struct ad_err			 err;

	/* notify.Retrier without extra codes: the default verdict */
	ck_assert_ptr_null(t->verdict);
	i2_resp(&r, 400, "Summary or Text is required.");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400: Summary or "
	    "Text is required.");
	i2_resp(&r, 429, "");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_FAIL);
	i2_resp(&r, 503, "");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_RETRY);
}
END_TEST

Suite *
integ2_msteams_suite(void)
{
	Suite	*s = suite_create("integ2_msteams");
	TCase	*tc = tcase_create("recorded");

	tcase_add_test(tc, default_firing);
	tcase_add_test(tc, default_resolved);
	tcase_add_test(tc, default_long);
	tcase_add_test(tc, custom_firing);
	tcase_add_test(tc, custom_long);
	tcase_add_test(tc, url_file);
	tcase_add_test(tc, template_error);
	tcase_add_test(tc, verdict_default);
	suite_add_tcase(s, tc);
	return s;
}

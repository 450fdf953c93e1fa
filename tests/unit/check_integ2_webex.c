/*
 * webex: requests byte for byte against what the real Alertmanager 0.25
 * sent (tests/data/integrations/webex/am-0.25): the default message with
 * the common annotations, the 7439-byte cut on whole runes, a custom
 * message; room_id rendered as a template as 0.28+ does (the recording's
 * literal "room{{ .Status }}" replaced by its rendering); the verdict.
 * The Authorization header comes from http_config at send time: the
 * integration test checks it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "tests/unit/check_integ2_fixture.h"

static void
recorded(unsigned idx, const char *seg, const char *group, const char *phase)
{
	struct config		*cfg = i2_config("capture.yml");
	struct notify_req	 req;
	char			 base[64], msg[256];

	ck_assert_int_eq(i2_prepare(cfg, "webex", idx, group, phase, &req,
	    msg, sizeof(msg)), 0);
	snprintf(base, sizeof(base), "%s_%s_%s", seg, group, phase);
	i2_check_recorded(&req, "webex", "am-0.25", base);
	ck_assert(req.url_is_secret);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(default_firing) { recorded(0, "webex", "Disk", "firing"); }
END_TEST
START_TEST(default_resolved) { recorded(0, "webex", "Disk", "resolved"); }
END_TEST
START_TEST(default_long_cut) { recorded(0, "webex", "Long", "firing"); }
END_TEST

/* webex2: room_id 'room{{ .Status }}', sent literally by 0.25 */
static void
templated_room(const char *group, const char *phase, const char *status)
{
	struct config		*cfg = i2_config("capture.yml");
	struct notify_req	 req;
	struct buf		 want;
	char			 path[256], *rec, *p;

	ck_assert_int_eq(i2_prepare(cfg, "webex", 1, group, phase, &req,
	    NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/webex/am-0.25/webex2_%s_%s.body",
	    I2DIR, group, phase);
	rec = i2_slurp(path, NULL);
	p = strstr(rec, "room{{ .Status }}");
	ck_assert_ptr_nonnull(p);
	buf_init(&want, BUF_NOCAP);
	buf_add(&want, rec, (size_t)(p - rec));
	buf_addf(&want, "room%s%s", status, p + 17);
	ck_assert_str_eq(buf_str(&req.body), buf_str(&want));
	ck_assert_str_eq(req.url, "http://127.0.0.1:9999/webex2");
	buf_release(&want);
	free(rec);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(custom_firing) { templated_room("Disk", "firing", "firing"); }
END_TEST
START_TEST(custom_resolved)
{
	templated_room("Disk", "resolved", "resolved");
}
END_TEST
START_TEST(custom_long) { templated_room("Long", "firing", "firing"); }
END_TEST

START_TEST(global_url_and_empty_room)
{
	struct config		*cfg;
	struct notify_req	 req;

	cfg = i2_config("route: {receiver: team-x.chat}\n"
	    "receivers:\n- name: team-x.chat\n  webex_configs:\n"
	    "  - room_id: '{{ .CommonLabels.nope }}'\n    message: x\n"
	    "    http_config: {authorization: {credentials: t}}\n");
	ck_assert_int_eq(i2_prepare(cfg, "webex", 0, "Disk", "firing", &req,
	    NULL, 0), 0);
	ck_assert_str_eq(req.url, "https://webexapis.com/v1/messages");
	/* roomId,omitempty */
	ck_assert_str_eq(buf_str(&req.body), "{\"markdown\":\"x\"}\n");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(verdict_default)
{
	const struct notifier_type	*t = notifier_lookup("webex");
	struct notify_resp		 r;
	struct ad_err			 err;

	ck_assert_ptr_null(t->verdict);
	i2_resp(&r, 401, "{\"message\":\"The request requires a valid "
	    "access token set in the Authorization request header.\"}");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_FAIL);
	ck_assert_ptr_nonnull(strstr(err.msg, "unexpected status code 401: "
	    "{\"message\""));
	i2_resp(&r, 429, "");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_FAIL);
	i2_resp(&r, 500, "");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_RETRY);
}
END_TEST

Suite *
integ2_webex_suite(void)
{
	Suite	*s = suite_create("integ2_webex");
	TCase	*tc = tcase_create("recorded");

	tcase_add_test(tc, default_firing);
	tcase_add_test(tc, default_resolved);
	tcase_add_test(tc, default_long_cut);
	tcase_add_test(tc, custom_firing);
	tcase_add_test(tc, custom_resolved);
	tcase_add_test(tc, custom_long);
	tcase_add_test(tc, global_url_and_empty_room);
	tcase_add_test(tc, verdict_default);
	suite_add_tcase(s, tc);
	return s;
}

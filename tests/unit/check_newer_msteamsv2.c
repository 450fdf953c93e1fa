/*
 * newer_msteamsv2: the MS Teams (Workflows) request.  The envelope is
 * upstream's notify/msteamsv2 struct as json.Encoder writes it; the title
 * and text rendered by alertd's msteamsv2.default.* are compared with the
 * title and text the real Alertmanager (0.27's MS Teams, recorded in
 * tests/data/integrations/msteams) rendered from msteams.default.*,
 * which upstream defines with the same text as msteamsv2.default.*.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/njson.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "tests/unit/check_integ2_fixture.h"

#define V2YML	"route: {receiver: team-x.chat}\n"			\
	"receivers:\n- name: team-x.chat\n  msteamsv2_configs:\n"	\
	"  - webhook_url: http://127.0.0.1:9999/workflows/x?sig=S\n"	\
	"  - webhook_url: http://127.0.0.1:9999/v2b\n"			\
	"    title: 'T <{{ .Status }}> & {{ .GroupLabels.alertname }}'\n" \
	"    text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}'\n" \
	"    send_resolved: false\n"

/* upstream's envelope around a title and a text */
static void
v2_expect(struct buf *b, const char *title, const char *text,
    const char *color)
{
	buf_addstr(b, "{\"type\":\"message\",\"attachments\":[{\"contentType\":"
	    "\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,"
	    "\"content\":{\"$schema\":"
	    "\"http://adaptivecards.io/schemas/adaptive-card.json\","
	    "\"type\":\"AdaptiveCard\",\"version\":\"1.2\",\"body\":[{\"type\":"
	    "\"TextBlock\",\"text\":");
	njson_str(b, title);
	buf_addf(b, ",\"weight\":\"Bolder\",\"size\":\"Medium\",\"wrap\":true,"
	    "\"style\":\"heading\",\"color\":\"%s\"},{\"type\":\"TextBlock\","
	    "\"text\":", color);
	njson_str(b, text);
	buf_addstr(b, ",\"wrap\":true}],\"msteams\":{\"width\":\"full\"}}}]}\n");
}

static void
v2_recorded(const char *group, const char *phase, const char *color)
{
	struct config		*cfg = i2_config(V2YML);
	struct notify_req	 req;
	struct buf		 want, path;
	json_t			*rec;
	json_error_t		 je;
	char			 msg[256];

	buf_init(&path, BUF_NOCAP);
	buf_addf(&path, "%s/msteams/am-0.25+0.27msteams/teams_%s_%s.body",
	    I2DIR, group, phase);
	rec = json_load_file(buf_str(&path), 0, &je);
	ck_assert_msg(rec != NULL, "%s", je.text);
	ck_assert_int_eq(i2_prepare(cfg, "msteamsv2", 0, group, phase, &req,
	    msg, sizeof(msg)), 0);
	buf_init(&want, BUF_NOCAP);
	v2_expect(&want, json_string_value(json_object_get(rec, "title")),
	    json_string_value(json_object_get(rec, "text")), color);
	ck_assert_str_eq(buf_str(&req.body), buf_str(&want));
	ck_assert_str_eq(req.url, "http://127.0.0.1:9999/workflows/x?sig=S");
	ck_assert(req.url_is_secret);
	ck_assert_ptr_null(req.method);
	ck_assert_str_eq(req.headers[0], "Content-Type: application/json");
	json_decref(rec);
	buf_release(&want);
	buf_release(&path);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(default_firing) { v2_recorded("Disk", "firing", "Attention"); }
END_TEST
START_TEST(default_resolved) { v2_recorded("Disk", "resolved", "Good"); }
END_TEST
START_TEST(default_long) { v2_recorded("Long", "firing", "Attention"); }
END_TEST

/* Custom templates: HTML characters escaped as Go's encoder does. */
START_TEST(custom)
{
	struct config		*cfg = i2_config(V2YML);
	struct notify_req	 req;

	ck_assert_int_eq(i2_prepare(cfg, "msteamsv2", 1, "Disk", "firing",
	    &req, NULL, 0), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body), "\"text\":\"T "
	    "\\u003cfiring\\u003e \\u0026 Disk\\u003cFull\\u003e\","
	    "\"weight\":\"Bolder\""));
	/* send_resolved false: the resolved alert (b) is not sent */
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body), "{\"type\":"
	    "\"TextBlock\",\"text\":\"disk \\\"full\\\" \\u003c90%\\u003e "
	    "\\u0026 moredisk \\\"full\\\" \\u003c90%\\u003e \\u0026 more\","
	    "\"wrap\":true}"));
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(url_file_and_errors)
{
	char			 path[] = "/tmp/alertd-v2-XXXXXX", yml[512];
	char			 msg[256];
	struct config		*cfg;
	struct notify_req	 req;
	struct ad_errs		 errs;
	struct config_load_opts	 o = config_load_opts_daemon();
	int			 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, " https://x.example/wf/1\n", 24), 24);
	close(fd);
	snprintf(yml, sizeof(yml), "route: {receiver: team-x.chat}\n"
	    "receivers:\n- name: team-x.chat\n  msteamsv2_configs:\n"
	    "  - webhook_url_file: %s\n    title: t\n    text: x\n", path);
	cfg = i2_config(yml);
	ck_assert_int_eq(i2_prepare(cfg, "msteamsv2", 0, "Disk", "firing",
	    &req, NULL, 0), 0);
	ck_assert_str_eq(req.url, "https://x.example/wf/1");
	notify_req_release(&req);
	unlink(path);
	ck_assert_int_eq(i2_prepare(cfg, "msteamsv2", 0, "Disk", "firing",
	    &req, msg, sizeof(msg)), -1);
	ck_assert_msg(strncmp(msg, "read webhook_url_file: open /tmp/", 33) ==
	    0, "%s", msg);
	notify_req_release(&req);
	config_unref(cfg);
	/* neither / both */
	o.require_senders = false;
	ad_errs_init(&errs);
	ck_assert_ptr_null(config_load_bytes("v.yml", "route: {receiver: r}\n"
	    "receivers: [{name: r, msteamsv2_configs: [{title: x}]}]\n", 77,
	    NULL, &o, &errs, NULL));
	ck_assert_msg(strstr(errs.v[0].msg, "one of webhook_url or "
	    "webhook_url_file must be configured") != NULL, "%s",
	    errs.v[0].msg);
	ad_errs_release(&errs);
	/* amtool 0.25: an unknown receiver field */
	o = config_load_opts_amtool();
	ad_errs_init(&errs);
	ck_assert_ptr_null(config_load_bytes("v.yml", "route: {receiver: r}\n"
	    "receivers: [{name: r, msteamsv2_configs: [{webhook_url: "
	    "'http://h/'}]}]\n", 93, NULL, &o, &errs, NULL));
	ck_assert_msg(strstr(errs.v[0].msg, "msteamsv2_configs not found") !=
	    NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
}
END_TEST

START_TEST(verdict_default)
{
	ck_assert_ptr_null(notifier_lookup("msteamsv2")->verdict);
	ck_assert(notifier_lookup("msteamsv2")->send_resolved_default);
}
END_TEST

Suite *
newer_msteamsv2_suite(void)
{
	Suite	*s = suite_create("newer_msteamsv2");
	TCase	*tc = tcase_create("request");

	tcase_add_test(tc, default_firing);
	tcase_add_test(tc, default_resolved);
	tcase_add_test(tc, default_long);
	tcase_add_test(tc, custom);
	tcase_add_test(tc, url_file_and_errors);
	tcase_add_test(tc, verdict_default);
	suite_add_tcase(s, tc);
	return s;
}

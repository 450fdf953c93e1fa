/*
 * newer_mattermost: the Mattermost request as upstream's notify/mattermost
 * structs encode (every member omitempty, in struct order), its
 * sanitising of priority and text, the webhook URL from the receiver or
 * the global section, and the verdict.  The default title and text are
 * compared with what the real Alertmanager rendered from the MS Teams
 * templates of the same text (tests/data/integrations/msteams).
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/njson.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "tests/unit/check_integ2_fixture.h"

#define HEAD	"route: {receiver: team-x.chat}\n"			\
	"receivers:\n- name: team-x.chat\n  mattermost_configs:\n"
/* .Receiver is regexp.QuoteMeta(name), as Alertmanager makes it */
#define LINK	"http://am.example:9093/#/alerts?receiver=team-x%5C.chat"

static char *
mm_body(const char *yml, unsigned idx, const char *group, const char *phase,
    struct notify_req *req)
{
	struct config	*cfg = i2_config(yml);
	char		 msg[256];

	ck_assert_msg(i2_prepare(cfg, "mattermost", idx, group, phase, req,
	    msg, sizeof(msg)) == 0, "%s", msg);
	config_unref(cfg);
	return (char *)buf_str(&req->body);
}

static void
mm_default(const char *group, const char *phase, const char *color)
{
	struct notify_req	 req;
	struct buf		 want, path;
	json_t			*rec;
	json_error_t		 je;
	const char		*title;

	buf_init(&path, BUF_NOCAP);
	buf_addf(&path, "%s/msteams/am-0.25+0.27msteams/teams_%s_%s.body",
	    I2DIR, group, phase);
	rec = json_load_file(buf_str(&path), 0, &je);
	ck_assert_msg(rec != NULL, "%s", je.text);
	title = json_string_value(json_object_get(rec, "title"));
	buf_init(&want, BUF_NOCAP);
	buf_addstr(&want, "{\"username\":\"Alertmanager\",\"attachments\":"
	    "[{\"fallback\":");
	buf_reset(&path);
	buf_addf(&path, "%s | %s", title, LINK);
	njson_str(&want, buf_str(&path));
	buf_addf(&want, ",\"color\":\"%s\",\"text\":", color);
	njson_str(&want, json_string_value(json_object_get(rec, "text")));
	buf_addstr(&want, ",\"title\":");
	njson_str(&want, title);
	buf_addstr(&want, ",\"title_link\":");
	njson_str(&want, LINK);
	buf_addstr(&want, "}]}\n");
	ck_assert_str_eq(mm_body(HEAD "  - webhook_url: http://127.0.0.1:9/h\n",
	    0, group, phase, &req), buf_str(&want));
	ck_assert_str_eq(req.url, "http://127.0.0.1:9/h");
	ck_assert(req.url_is_secret);
	ck_assert_str_eq(req.headers[0], "Content-Type: application/json");
	notify_req_release(&req);
	json_decref(rec);
	buf_release(&want);
	buf_release(&path);
}

START_TEST(default_firing) { mm_default("Disk", "firing", "danger"); }
END_TEST
START_TEST(default_resolved) { mm_default("Disk", "resolved", "good"); }
END_TEST

/* Top-level fields: one attachment, fields' short as written. */
START_TEST(top_level_fields)
{
	struct notify_req	req;

	ck_assert_str_eq(mm_body(HEAD "  - webhook_url: http://127.0.0.1:9/h\n"
	    "    channel: 'ops<1>'\n    username: ''\n    text: T\n"
	    "    fallback: ''\n    color: ''\n    title: ''\n"
	    "    title_link: ''\n    pretext: P\n    author_name: AN\n"
	    "    footer: F\n    icon_emoji: ':x:'\n    type: custom_x\n"
	    "    fields:\n    - {title: a, value: '{{ .Status }}', short: true}\n"
	    "    - {title: b, value: v, short: false}\n"
	    "    - {title: c, value: w}\n", 0, "Disk", "firing", &req),
	    "{\"channel\":\"ops\\u003c1\\u003e\",\"icon_emoji\":\":x:\","
	    "\"attachments\":[{\"pretext\":\"P\",\"text\":\"T\","
	    "\"author_name\":\"AN\",\"fields\":[{\"title\":\"a\",\"value\":"
	    "\"firing\",\"short\":true},{\"title\":\"b\",\"value\":\"v\","
	    "\"short\":false},{\"title\":\"c\",\"value\":\"w\"}],"
	    "\"footer\":\"F\"}],\"type\":\"custom_x\"}\n");
	ck_assert_str_eq(req.verdict_note, "ops<1>");
	notify_req_release(&req);
}
END_TEST

/* attachments: the text is the request's; props and priority. */
START_TEST(attachments_props_priority)
{
	struct notify_req	req;

	ck_assert_str_eq(mm_body(HEAD "  - webhook_url: http://127.0.0.1:9/h\n"
	    "    username: U\n    text: '{{ .Status }}'\n"
	    "    attachments:\n    - {title: A1, color: '#f00'}\n"
	    "    - {text: A2, fields: [{title: t, value: v}]}\n"
	    "    props: {card: 'C {{ len .Alerts }}'}\n"
	    "    priority: {priority: URGENT, requested_ack: true,\n"
	    "      persistent_notifications: true}\n", 0, "Disk", "firing",
	    &req),
	    "{\"text\":\"firing\",\"username\":\"U\",\"attachments\":["
	    "{\"color\":\"#f00\",\"title\":\"A1\"},{\"text\":\"A2\","
	    "\"fields\":[{\"title\":\"t\",\"value\":\"v\"}]}],"
	    "\"props\":{\"card\":\"C 3\"},\"priority\":{\"priority\":"
	    "\"urgent\",\"requested_ack\":true,"
	    "\"persistent_notifications\":true}}\n");
	notify_req_release(&req);
	/* important: no persistent notifications; unknown: standard, no
	 * ack; an empty card: props {} */
	ck_assert_ptr_nonnull(strstr(mm_body(HEAD
	    "  - webhook_url: http://127.0.0.1:9/h\n"
	    "    priority: {priority: Important, requested_ack: true,\n"
	    "      persistent_notifications: true}\n", 0, "Disk", "firing",
	    &req), "}],\"priority\":{\"priority\":\"important\","
	    "\"requested_ack\":true}}\n"));
	notify_req_release(&req);
	ck_assert_ptr_nonnull(strstr(mm_body(HEAD
	    "  - webhook_url: http://127.0.0.1:9/h\n"
	    "    props: {card: '{{ \"\" }}'}\n"
	    "    priority: {priority: '{{ \"high\" }}', requested_ack: true}\n",
	    0, "Disk", "firing", &req), "}],\"props\":{},\"priority\":"
	    "{\"priority\":\"standard\"}}\n"));
	notify_req_release(&req);
}
END_TEST

/* With attachments, the request's text is cut to 16383 runes. */
START_TEST(text_truncated)
{
	struct notify_req	 req;
	const char		*b, *e;

	b = mm_body(HEAD "  - webhook_url: http://127.0.0.1:9/h\n"
	    "    text: '{{ printf \"%020000d\" 0 }}'\n"
	    "    attachments: [{title: a}]\n", 0, "Disk", "firing", &req);
	ck_assert(strncmp(b, "{\"text\":\"", 9) == 0);
	e = strstr(b, "\xe2\x80\xa6\",");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e - (b + 9), 16382);
	notify_req_release(&req);
}
END_TEST

START_TEST(global_url_and_errors)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct ad_errs		 errs;
	struct notify_req	 req;
	const char		*y;

	mm_body("global:\n  mattermost_webhook_url: http://127.0.0.1:9/glob\n"
	    HEAD "  - channel: x\n", 0, "Disk", "firing", &req);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9/glob");
	notify_req_release(&req);
	o.require_senders = false;
	ad_errs_init(&errs);
	y = HEAD "  - channel: x\n";
	ck_assert_ptr_null(config_load_bytes("m.yml", y, strlen(y), NULL, &o,
	    &errs, NULL));
	ck_assert_msg(strstr(errs.v[0].msg, "missing webhook_url or "
	    "webhook_url_file on mattermost_config") != NULL, "%s",
	    errs.v[0].msg);
	ad_errs_release(&errs);
	ad_errs_init(&errs);
	y = HEAD "  - webhook_url: http://h/\n    fields: [{title: t}]\n";
	ck_assert_ptr_null(config_load_bytes("m.yml", y, strlen(y), NULL, &o,
	    &errs, NULL));
	ck_assert_msg(strstr(errs.v[0].msg, "missing value in Mattermost "
	    "field configuration") != NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
}
END_TEST

START_TEST(verdict_names_channel)
{
	const struct notifier_type	*t = notifier_lookup("mattermost");
	struct notify_resp		 r;
	struct ad_err			 err;

	i2_resp(&r, 400, "bad");
	r.verdict_note = "ops";
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "channel \"ops\": unexpected status code "
	    "400: bad");
	i2_resp(&r, 502, "");
	r.verdict_note = "";
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_RETRY);
	i2_resp(&r, 200, "ok");
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_OK);
}
END_TEST

Suite *
newer_mattermost_suite(void)
{
	Suite	*s = suite_create("newer_mattermost");
	TCase	*tc = tcase_create("request");

	tcase_add_test(tc, default_firing);
	tcase_add_test(tc, default_resolved);
	tcase_add_test(tc, top_level_fields);
	tcase_add_test(tc, attachments_props_priority);
	tcase_add_test(tc, text_truncated);
	tcase_add_test(tc, global_url_and_errors);
	tcase_add_test(tc, verdict_names_channel);
	suite_add_tcase(s, tc);
	return s;
}

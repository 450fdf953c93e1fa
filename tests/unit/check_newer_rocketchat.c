/*
 * newer_rocketchat: the Rocket.Chat chat.postMessage request as
 * upstream's notify/rocketchat PostMessage encodes (omitempty members in
 * struct order, "short", "is_webview" and "msg_in_chat_window" always
 * written), the URL and auth headers, the global secrets, and the
 * verdict (status, then the JSON body's "success").
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

#define HEAD	"route: {receiver: team-x.chat}\n"			\
	"receivers:\n- name: team-x.chat\n  rocketchat_configs:\n"

static struct config *
rc_prepare(const char *yml, struct notify_req *req)
{
	struct config	*cfg = i2_config(yml);
	char		 msg[256];

	ck_assert_msg(i2_prepare(cfg, "rocketchat", 0, "Disk", "firing", req,
	    msg, sizeof(msg)) == 0, "%s", msg);
	return cfg;
}

static bool
has_header(const struct notify_req *req, const char *h)
{
	size_t	i;

	for (i = 0; i < req->n_headers; i++)
		if (strcmp(req->headers[i], h) == 0)
			return true;
	return false;
}

START_TEST(defaults)
{
	struct notify_req	 req;
	struct config		*cfg;

	cfg = rc_prepare(HEAD "  - token_id: uid1\n    token: tok1\n", &req);
	ck_assert_str_eq(req.url,
	    "https://open.rocket.chat/api/v1/chat.postMessage");
	ck_assert(has_header(&req, "X-Auth-Token: tok1"));
	ck_assert(has_header(&req, "X-User-Id: uid1"));
	ck_assert(has_header(&req, "Content-Type: application/json"));
	/* emoji, icon_url and text default to empty templates: omitted */
	ck_assert_str_eq(buf_str(&req.body), "{\"attachments\":[{\"title\":"
	    "\"[FIRING:2] Disk\\u003cFull\\u003e node\\u0026co \","
	    "\"title_link\":\"http://am.example:9093/#/alerts?receiver="
	    "team-x%5C.chat\",\"color\":\"red\"}]}\n");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(all_fields)
{
	struct notify_req	 req;
	struct config		*cfg;

	cfg = rc_prepare(HEAD "  - token_id: u\n    token: t\n"
	    "    api_url: http://127.0.0.1:9/base/\n"
	    "    channel: '#ops'\n    emoji: ':fire:'\n    icon_url: http://i/\n"
	    "    title: T\n    title_link: ''\n    text: 'x<y'\n"
	    "    image_url: http://im/\n    thumb_url: http://th/\n"
	    "    color: '{{ .Status }}'\n    short_fields: true\n"
	    "    fields:\n    - {title: a, value: b}\n"
	    "    - {title: c, value: d, short: false}\n"
	    "    actions:\n    - {text: Open, url: 'http://o/', msg: m}\n",
	    &req);
	ck_assert_str_eq(req.url,
	    "http://127.0.0.1:9/base/api/v1/chat.postMessage");
	ck_assert_str_eq(buf_str(&req.body), "{\"channel\":\"#ops\","
	    "\"emoji\":\":fire:\",\"avatar\":\"http://i/\",\"attachments\":[{"
	    "\"title\":\"T\",\"text\":\"x\\u003cy\",\"image_url\":\"http://im/\","
	    "\"thumb_url\":\"http://th/\",\"color\":\"firing\",\"fields\":["
	    "{\"short\":true,\"title\":\"a\",\"value\":\"b\"},"
	    "{\"short\":false,\"title\":\"c\",\"value\":\"d\"}],"
	    "\"actions\":[{\"type\":\"button\",\"text\":\"Open\","
	    "\"url\":\"http://o/\",\"is_webview\":false,\"msg\":\"m\","
	    "\"msg_in_chat_window\":false}]}]}\n");
	ck_assert_str_eq(req.verdict_note, "#ops");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(title_cut)
{
	struct notify_req	 req;
	struct config		*cfg;
	const char		*b, *e;

	cfg = rc_prepare(HEAD "  - token_id: u\n    token: t\n"
	    "    title: '{{ printf \"%02000d\" 0 }}'\n", &req);
	b = strstr(buf_str(&req.body), "\"title\":\"") + 9;
	e = strstr(b, "\xe2\x80\xa6\"");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e - b, 1023);
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(global_secrets_and_errors)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct ad_errs		 errs;
	struct notify_req	 req;
	struct config		*cfg;
	char			 f[] = "/tmp/alertd-rc-XXXXXX", y[512];
	int			 fd = mkstemp(f);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, " gtok\n", 6), 6);
	close(fd);
	snprintf(y, sizeof(y), "global:\n  rocketchat_api_url: "
	    "http://127.0.0.1:9\n  rocketchat_token_id: gid\n"
	    "  rocketchat_token_file: %s\n" HEAD "  - channel: x\n", f);
	cfg = rc_prepare(y, &req);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9/api/v1/chat.postMessage");
	ck_assert(has_header(&req, "X-Auth-Token: gtok"));
	ck_assert(has_header(&req, "X-User-Id: gid"));
	notify_req_release(&req);
	config_unref(cfg);
	unlink(f);
	o.require_senders = false;
	ad_errs_init(&errs);
	ck_assert_ptr_null(config_load_bytes("r.yml", HEAD "  - token: t\n",
	    strlen(HEAD "  - token: t\n"), NULL, &o, &errs, NULL));
	ck_assert_msg(strstr(errs.v[0].msg, "no global Rocketchat TokenID set "
	    "either inline or in a file") != NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
	ad_errs_init(&errs);
	ck_assert_ptr_null(config_load_bytes("r.yml", HEAD "  - token_id: u\n",
	    strlen(HEAD "  - token_id: u\n"), NULL, &o, &errs, NULL));
	ck_assert_msg(strstr(errs.v[0].msg, "no global Rocketchat Token set "
	    "either inline or in a file") != NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
}
END_TEST

#define UNM	"channel \"\": could not unmarshal JSON response \"<html>\": "

START_TEST(verdict)
{
	const struct notifier_type	*t = notifier_lookup("rocketchat");
	struct notify_resp		 r;
	struct ad_err			 err;

	i2_resp(&r, 200, "{\"success\":true}");
	r.verdict_note = "#ops";
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_OK);
	i2_resp(&r, 200, "{\"success\":false,\"error\":\"room not found\"}");
	r.verdict_note = "#ops";
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "channel \"#ops\": error response from "
	    "Rocketchat: room not found");
	i2_resp(&r, 200, "<html>");
	r.verdict_note = "";
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_RETRY);
	ck_assert_msg(strncmp(err.msg, UNM, strlen(UNM)) == 0, "%s", err.msg);
	i2_resp(&r, 401, "{\"success\":false}");
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "channel \"\": unexpected status code 401: "
	    "{\"success\":false}");
	i2_resp(&r, 500, "");
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_RETRY);
}
END_TEST

Suite *
newer_rocketchat_suite(void)
{
	Suite	*s = suite_create("newer_rocketchat");
	TCase	*tc = tcase_create("request");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, all_fields);
	tcase_add_test(tc, title_cut);
	tcase_add_test(tc, global_secrets_and_errors);
	tcase_add_test(tc, verdict);
	suite_add_tcase(s, tc);
	return s;
}

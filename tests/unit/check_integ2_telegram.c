/*
 * telegram: requests byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/integrations/telegram/am-0.25, capture.py):
 * parse_mode HTML (html/template escaping), MarkdownV2 with
 * disable_notifications and a custom message, an empty parse_mode with
 * send_resolved false and an api_url ending in "/", the 4096-rune cut;
 * the token in the URL and the URL kept out of logs; bot_token_file and
 * message_thread_id (later releases); the verdict on telebot's answers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
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

	ck_assert_int_eq(i2_prepare(cfg, "telegram", idx, group, phase, &req,
	    msg, sizeof(msg)), 0);
	snprintf(base, sizeof(base), "%s_%s_%s", seg, group, phase);
	i2_check_recorded(&req, "telegram", "am-0.25", base);
	ck_assert(req.url_is_secret);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(html_firing) { recorded(0, "tg-html", "Disk", "firing"); }
END_TEST
START_TEST(html_resolved) { recorded(0, "tg-html", "Disk", "resolved"); }
END_TEST
START_TEST(html_long_cut) { recorded(0, "tg-html", "Long", "firing"); }
END_TEST
START_TEST(md_firing) { recorded(1, "tg-md", "Disk", "firing"); }
END_TEST
START_TEST(md_resolved) { recorded(1, "tg-md", "Disk", "resolved"); }
END_TEST
START_TEST(md_long) { recorded(1, "tg-md", "Long", "firing"); }
END_TEST
START_TEST(plain_firing) { recorded(2, "tg-plain", "Disk", "firing"); }
END_TEST
START_TEST(plain_long_cut) { recorded(2, "tg-plain", "Long", "firing"); }
END_TEST

/* The cut text is 4096 runes, the last one "…". */
START_TEST(cut_is_4096_runes)
{
	struct config		*cfg = i2_config("capture.yml");
	struct notify_req	 req;
	const char		*t, *end;

	ck_assert_int_eq(i2_prepare(cfg, "telegram", 2, "Long", "firing",
	    &req, NULL, 0), 0);
	t = strstr(buf_str(&req.body), "\"text\":\"") + 8;
	end = buf_str(&req.body) + buf_len(&req.body) - 3;
	ck_assert_str_eq(end, "\"}\n");
	/* the JSON escapes here are one rune each: \u003c \u0026 \u003e */
	ck_assert_uint_gt(utf8_runecount(t, (size_t)(end - t)), 4096);
	ck_assert_int_eq(memcmp(end - 3, "\xe2\x80\xa6", 3), 0);
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

static const char TOKEN_CFG[] =
    "route: {receiver: team-x.chat}\n"
    "receivers:\n"
    "- name: team-x.chat\n"
    "  telegram_configs:\n"
    "  - bot_token_file: %s\n"
    "    chat_id: 5\n"
    "    message_thread_id: 12\n"
    "    message: 'hi'\n";

START_TEST(token_file_and_thread)
{
	char			 path[] = "/tmp/alertd-tg-XXXXXX", yml[512];
	struct config		*cfg;
	struct notify_req	 req;
	int			 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, " 99:file-token\n", 15), 15);
	close(fd);
	snprintf(yml, sizeof(yml), TOKEN_CFG, path);
	cfg = i2_config(yml);
	ck_assert_int_eq(i2_prepare(cfg, "telegram", 0, "Disk", "firing",
	    &req, NULL, 0), 0);
	/* global telegram_api_url, trimmed token */
	ck_assert_str_eq(req.url,
	    "https://api.telegram.org/bot99:file-token/sendMessage");
	ck_assert_str_eq(buf_str(&req.body), "{\"chat_id\":\"5\","
	    "\"disable_web_page_preview\":\"true\",\"message_thread_id\":"
	    "\"12\",\"parse_mode\":\"HTML\",\"text\":\"hi\"}\n");
	notify_req_release(&req);
	unlink(path);
	/* the file is read per notification: gone, the notification fails */
	ck_assert_int_eq(i2_prepare(cfg, "telegram", 0, "Disk", "firing",
	    &req, yml, sizeof(yml)), -1);
	ck_assert_ptr_nonnull(strstr(yml, path));
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

static enum notify_verdict
verdict(long status, const char *body, char *msg, size_t len)
{
	const struct notifier_type	*t = notifier_lookup("telegram");
	struct notify_resp		 r;
	struct ad_err			 err;
	enum notify_verdict		 v;

	i2_resp(&r, status, body);
	memset(&err, 0, sizeof(err));
	v = t->verdict(NULL, &r, &err);
	snprintf(msg, len, "%s", err.msg);
	return v;
}

START_TEST(verdict_answers)
{
	char	m[256];
	char	big[NOTIFY_RESP_BODY_MAX + 1];

	ck_assert_int_eq(verdict(200, "{\"ok\":true,\"result\":{\"message_id\""
	    ":1}}", m, sizeof(m)), NOTIFY_OK);
	/* the HTTP status does not count, the JSON does */
	ck_assert_int_eq(verdict(500, "{\"ok\":true,\"result\":{}}", m,
	    sizeof(m)), NOTIFY_OK);
	ck_assert_int_eq(verdict(400, "{\"ok\":false,\"error_code\":400,"
	    "\"description\":\"Bad Request: chat not found\"}", m, sizeof(m)),
	    NOTIFY_RETRY);
	ck_assert_str_eq(m, "telegram: chat not found (400)");
	ck_assert_int_eq(verdict(400, "{\"ok\":false,\"error_code\":400,"
	    "\"description\":\"Bad Request: can't parse entities\"}", m,
	    sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "telegram: Bad Request: can't parse entities "
	    "(400)");
	ck_assert_int_eq(verdict(429, "{\"ok\":false,\"error_code\":429,"
	    "\"description\":\"Too Many Requests: retry after 5\","
	    "\"parameters\":{\"retry_after\":5}}", m, sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "telegram: retry after 5 (429)");
	ck_assert_int_eq(verdict(401, "{\"ok\":false,\"error_code\":401,"
	    "\"description\":\"Unauthorized\"}", m, sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "telegram: Unauthorized (401)");
	ck_assert_int_eq(verdict(200, "{\"ok\":true,\"result\":true}", m,
	    sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "telebot: result is True");
	ck_assert_int_eq(verdict(502, "<html>bad gateway</html>", m,
	    sizeof(m)), NOTIFY_RETRY);
	ck_assert_ptr_nonnull(strstr(m, "telebot: "));
	/* a sent message's answer longer than what notify keeps */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "{\"ok\":true,\"result\":{\"text\":\"", 29);
	big[NOTIFY_RESP_BODY_MAX] = '\0';
	ck_assert_int_eq(verdict(200, big, m, sizeof(m)), NOTIFY_OK);
	memcpy(big, "{\"ok\":fals", 10);
	ck_assert_int_eq(verdict(200, big, m, sizeof(m)), NOTIFY_RETRY);
}
END_TEST

/* A transport error names the redacted URL, never the token. */
START_TEST(verdict_transport)
{
	const struct notifier_type	*t = notifier_lookup("telegram");
	struct notify_resp		 r;
	struct ad_err			 err;

	i2_resp(&r, 0, "");
	r.curl_code = 7;
	r.curl_error = "Couldn't connect to server";
	ck_assert_int_eq(t->verdict(NULL, &r, &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "telebot: Post \"<redacted>\": Couldn't "
	    "connect to server");
}
END_TEST

Suite *
integ2_telegram_suite(void)
{
	Suite	*s = suite_create("integ2_telegram");
	TCase	*tc = tcase_create("recorded");
	TCase	*tv = tcase_create("verdict");

	tcase_add_test(tc, html_firing);
	tcase_add_test(tc, html_resolved);
	tcase_add_test(tc, html_long_cut);
	tcase_add_test(tc, md_firing);
	tcase_add_test(tc, md_resolved);
	tcase_add_test(tc, md_long);
	tcase_add_test(tc, plain_firing);
	tcase_add_test(tc, plain_long_cut);
	tcase_add_test(tc, cut_is_4096_runes);
	tcase_add_test(tc, token_file_and_thread);
	suite_add_tcase(s, tc);
	tcase_add_test(tv, verdict_answers);
	tcase_add_test(tv, verdict_transport);
	suite_add_tcase(s, tv);
	return s;
}

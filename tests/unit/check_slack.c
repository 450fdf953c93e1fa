/*
 * slack: the payload byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/slack/am-0.25, recorded by capture.py from the
 * same config and alerts): default templates, every field templated,
 * the 1024-rune title truncation; the verdicts (429 and 5xx retried,
 * other codes failed, {"ok": false} in a 200 failed with Slack's error),
 * the bot-token mode (app_token, app_token_file, app_url), api_url_file,
 * timeout, template errors, and the newer fields' checks.
 */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "routing/labels.h"

#include "notify_fixture.h"

#define SDIR	"tests/data/slack"
#define EXTURL	"http://am.example:9093/prefix"

static struct config *
load_capture_config(void)
{
	return nfix_capture_config(SDIR "/capture.yml", "SINKPORT", "9999");
}

static size_t
load_alerts(const char *file, const char *alertname, ad_time_t now,
    struct alert **out)
{
	return nfix_load_alerts(file, alertname, false, now, out);
}

static struct config *
load_yaml(const char *yml, const struct config_load_opts *opts,
    struct ad_errs *errs)
{
	ad_errs_init(errs);
	return config_load_bytes("slack.yml", yml, strlen(yml), ".", opts,
	    errs, NULL);
}

static struct config *
load_ok(const char *yml)
{
	struct ad_errs	 errs;
	struct config	*cfg = load_yaml(yml, NULL, &errs);

	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
	return cfg;
}

struct sent {
	int		 rc;
	struct ad_err	 err;
	char		*url, *body;
	char		*headers[4];
	size_t		 n_headers;
	bool		 url_is_secret;
	ad_dur_t	 timeout;
	char		*note;
};

static void
sent_release(struct sent *s)
{
	size_t	i;

	free(s->url);
	free(s->body);
	free(s->note);
	for (i = 0; i < s->n_headers; i++)
		free(s->headers[i]);
}

/* prepare() of receiver's first integration for alerts. */
static void
send_group(const struct config *cfg, const char *receiver,
    struct alert **alerts, size_t n, struct sent *out)
{
	const struct config_receiver	*r = config_receiver(cfg, receiver);
	const struct config_integration	*ci;
	struct notify_ctx		 ctx;
	struct notify_req		 req;
	struct labels_builder		 lb;
	size_t				 i;

	ck_assert_ptr_nonnull(r);
	ci = &r->integrations[0];
	ck_assert_str_eq(ci->type->name, "slack");
	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname",
	    labels_get(alert_labels(alerts[0]), "alertname"));
	labels_builder_adds(&lb, "job",
	    labels_get(alert_labels(alerts[0]), "job"));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.tmpl = cfg->tmpl;
	ctx.receiver = r->name;
	ctx.group_key = "{}:{alertname=\"x\"}";
	ctx.group_labels = labels_builder_finish(&lb);
	ctx.alerts = alerts;
	ctx.n_alerts = n;
	ctx.external_url = EXTURL;
	ctx.now = ad_now();
	notify_req_init(&req);
	memset(out, 0, sizeof(*out));
	out->rc = ci->type->prepare(ci->conf, &ctx, &req, &out->err);
	if (out->rc == 0) {
		out->url = xstrdup(req.url);
		out->body = xstrdup(buf_str(&req.body));
		ck_assert_uint_le(req.n_headers, 4);
		for (i = 0; i < req.n_headers; i++)
			out->headers[out->n_headers++] =
			    xstrdup(req.headers[i]);
		out->url_is_secret = req.url_is_secret;
		out->timeout = req.timeout;
		out->note = req.verdict_note != NULL ?
		    xstrdup(req.verdict_note) : NULL;
		ck_assert(!req.smtp);
		ck_assert_ptr_eq(req.http, ((const struct notifier_conf *)
		    ci->conf)->http);
	}
	notify_req_release(&req);
	labels_unref(ctx.group_labels);
	labels_builder_release(&lb);
}

static void
check_payload(const char *receiver, const char *alerts_file,
    const char *alertname, const char *recorded, const char *path)
{
	struct config	*cfg = load_capture_config();
	struct alert	*alerts[8];
	struct sent	 s;
	char		*want, url[64];
	size_t		 n, i;

	n = load_alerts(alerts_file, alertname, ad_now(), alerts);
	ck_assert_uint_gt(n, 0);
	send_group(cfg, receiver, alerts, n, &s);
	ck_assert_msg(s.rc == 0, "%s", s.err.msg);
	want = nfix_slurp(recorded, NULL);
	ck_assert_str_eq(s.body, want);
	snprintf(url, sizeof(url), "http://127.0.0.1:9999/%s", path);
	ck_assert_str_eq(s.url, url);
	ck_assert(s.url_is_secret);		/* never logged */
	ck_assert_uint_eq(s.n_headers, 1);
	ck_assert_str_eq(s.headers[0], "Content-Type: application/json");
	free(want);
	sent_release(&s);
	for (i = 0; i < n; i++)
		alert_unref(alerts[i]);
	config_unref(cfg);
}

START_TEST(payload_default_firing)
{
	check_payload("slack-default", SDIR "/alerts1.json", "Disk<Full>",
	    SDIR "/am-0.25/default_DiskFull_firing.body", "default");
}
END_TEST

START_TEST(payload_default_resolved)
{
	check_payload("slack-default", SDIR "/alerts2.json", "Disk<Full>",
	    SDIR "/am-0.25/default_DiskFull_resolved.body", "default");
}
END_TEST

START_TEST(payload_default_long)
{
	check_payload("slack-default", SDIR "/alerts1.json", "Long",
	    SDIR "/am-0.25/default_Long_firing.body", "default");
}
END_TEST

START_TEST(payload_custom_firing)
{
	/* every field, fields with and without short, actions, confirm */
	check_payload("slack-custom", SDIR "/alerts1.json", "Disk<Full>",
	    SDIR "/am-0.25/custom_DiskFull_firing.body", "custom");
}
END_TEST

START_TEST(payload_custom_resolved)
{
	check_payload("slack-custom", SDIR "/alerts2.json", "Disk<Full>",
	    SDIR "/am-0.25/custom_DiskFull_resolved.body", "custom");
}
END_TEST

START_TEST(payload_custom_long)
{
	check_payload("slack-custom", SDIR "/alerts1.json", "Long",
	    SDIR "/am-0.25/custom_Long_firing.body", "custom");
}
END_TEST

START_TEST(payload_title_truncated)
{
	/* a 1100-rune title: 1023 runes and "…" */
	check_payload("slack-long", SDIR "/alerts1.json", "Long",
	    SDIR "/am-0.25/long_Long_firing.body", "long");
}
END_TEST

static const char *
verdict_of(const char *receiver_yml, long status, const char *body,
    enum notify_verdict *v, struct ad_err *err)
{
	static char		 msg[512];
	struct config		*cfg = load_ok(receiver_yml);
	const struct config_integration *ci =
	    &config_receiver(cfg, "r")->integrations[0];
	struct notify_resp	 r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.body = body;
	r.body_len = strlen(body);
	r.url = "<redacted>";
	r.verdict_note = "#ops";
	ad_err_clear(err);
	*v = ci->type->verdict(ci->conf, &r, err);
	snprintf(msg, sizeof(msg), "%s", err->msg);
	config_unref(cfg);
	return msg;
}

#define R_SLACK	"route:\n  receiver: r\nreceivers:\n- name: r\n" \
	"  slack_configs:\n  - api_url: http://127.0.0.1:1/x\n"

START_TEST(verdicts)
{
	enum notify_verdict	v;
	struct ad_err		err;
	const char		*m;

	m = verdict_of(R_SLACK, 200, "ok", &v, &err);
	ck_assert_int_eq(v, NOTIFY_OK);
	m = verdict_of(R_SLACK, 200, "{\"ok\":true,\"ts\":\"1.2\"}", &v, &err);
	ck_assert_int_eq(v, NOTIFY_OK);
	/* the Web API's errors come with 200 (Alertmanager 0.26+) */
	m = verdict_of(R_SLACK, 200, "{\"ok\":false,\"error\":"
	    "\"channel_not_found\"}", &v, &err);
	ck_assert_int_eq(v, NOTIFY_FAIL);
	ck_assert_str_eq(m, "channel \"#ops\": error response from Slack: "
	    "channel_not_found");
	m = verdict_of(R_SLACK, 429, "{\"ok\":false,\"error\":"
	    "\"rate_limited\"}", &v, &err);
	ck_assert_int_eq(v, NOTIFY_RETRY);
	ck_assert_str_eq(m, "channel \"#ops\": unexpected status code 429: "
	    "{\"ok\":false,\"error\":\"rate_limited\"}");
	m = verdict_of(R_SLACK, 500, "", &v, &err);
	ck_assert_int_eq(v, NOTIFY_RETRY);
	ck_assert_str_eq(m, "channel \"#ops\": unexpected status code 500");
	m = verdict_of(R_SLACK, 503, "down", &v, &err);
	ck_assert_int_eq(v, NOTIFY_RETRY);
	m = verdict_of(R_SLACK, 400, "invalid_payload", &v, &err);
	ck_assert_int_eq(v, NOTIFY_FAIL);
	ck_assert_str_eq(m, "channel \"#ops\": unexpected status code 400: "
	    "invalid_payload");
	m = verdict_of(R_SLACK, 404, "no_service", &v, &err);
	ck_assert_int_eq(v, NOTIFY_FAIL);
	/* JSON without "ok", or not JSON: as 0.25, a 2xx is a success */
	m = verdict_of(R_SLACK, 200, "{\"success\":true}", &v, &err);
	ck_assert_int_eq(v, NOTIFY_OK);
	m = verdict_of(R_SLACK, 204, "", &v, &err);
	ck_assert_int_eq(v, NOTIFY_OK);
}
END_TEST

START_TEST(transport_error_redacted)
{
	struct config		*cfg = load_ok(R_SLACK);
	const struct config_integration *ci =
	    &config_receiver(cfg, "r")->integrations[0];
	struct notify_resp	 r;
	struct ad_err		 err;

	memset(&r, 0, sizeof(r));
	r.curl_code = 7;
	r.curl_error = "Post \"<redacted>\": Failed to connect";
	r.url = "<redacted>";
	ck_assert_int_eq(ci->type->verdict(ci->conf, &r, &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "Post \"<redacted>\": Failed to connect");
	ck_assert_ptr_null(strstr(err.msg, "127.0.0.1"));
	config_unref(cfg);
	/* cut by the configured timeout (0.30): said so */
	cfg = load_ok(R_SLACK "    timeout: 2500ms\n");
	ci = &config_receiver(cfg, "r")->integrations[0];
	r.curl_code = 28;	/* CURLE_OPERATION_TIMEDOUT */
	r.curl_error = "Post \"<redacted>\": Operation timed out";
	ck_assert_int_eq(ci->type->verdict(ci->conf, &r, &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "Post \"<redacted>\": Operation timed out: "
	    "configured slack timeout reached (2.5s)");
	config_unref(cfg);
}
END_TEST

static struct alert *
one_alert(void)
{
	struct labels_builder	 lb;
	struct alert		*a;

	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "A");
	labels_builder_adds(&lb, "job", "j");
	a = alert_new(labels_builder_finish(&lb), NULL, NULL, ad_now(),
	    AD_TIME_ZERO, ad_now(), false);
	labels_builder_release(&lb);
	return a;
}

static void
send_one(const char *yml, struct sent *s)
{
	struct config	*cfg = load_ok(yml);
	struct alert	*a = one_alert();

	send_group(cfg, "r", &a, 1, s);
	alert_unref(a);
	config_unref(cfg);
}

START_TEST(bot_token_mode)
{
	struct sent	 s;
	char		 path[] = "/tmp/alertd-slack-token-XXXXXX", *yml;
	int		 fd;

	send_one("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - app_token: xoxb-123\n    channel: '#c'\n"
	    "    message_text: 'top {{ .Status }}'\n    timeout: 2500ms\n", &s);
	ck_assert_msg(s.rc == 0, "%s", s.err.msg);
	/* chat.postMessage with the bot token, not a secret URL */
	ck_assert_str_eq(s.url, "https://slack.com/api/chat.postMessage");
	ck_assert(!s.url_is_secret);
	ck_assert_uint_eq(s.n_headers, 2);
	ck_assert_str_eq(s.headers[0], "Authorization: Bearer xoxb-123");
	ck_assert_str_eq(s.headers[1], "Content-Type: application/json");
	ck_assert_int_eq(s.timeout, 2500 * AD_MS);
	ck_assert_str_eq(s.note, "#c");
	/* message_text is the top-level "text", after link_names */
	ck_assert_ptr_nonnull(strstr(s.body, "{\"channel\":\"#c\",\"username\":"
	    "\"Alertmanager\",\"text\":\"top firing\",\"attachments\":[{"));
	sent_release(&s);

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "xoxb-file\n", 10), 10);
	close(fd);
	yml = xasprintf("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - app_token_file: %s\n"
	    "    app_url: http://127.0.0.1:1/api/chat.postMessage\n", path);
	send_one(yml, &s);
	ck_assert_msg(s.rc == 0, "%s", s.err.msg);
	ck_assert_str_eq(s.url, "http://127.0.0.1:1/api/chat.postMessage");
	ck_assert_str_eq(s.headers[0], "Authorization: Bearer xoxb-file");
	sent_release(&s);
	/* read on each notification */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "xoxb-rotated", 12), 12);
	close(fd);
	send_one(yml, &s);
	ck_assert_str_eq(s.headers[0], "Authorization: Bearer xoxb-rotated");
	sent_release(&s);
	unlink(path);
	free(yml);
}
END_TEST

START_TEST(api_url_file)
{
	struct sent	 s;
	char		 path[] = "/tmp/alertd-slack-url-XXXXXX", *yml;
	int		 fd;
	struct config	*cfg;
	struct alert	*a;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "http://127.0.0.1:1/T0/B0/secret\n", 32),
	    32);
	close(fd);
	yml = xasprintf("global:\n  slack_api_url_file: %s\n"
	    "route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - channel: '#a'\n", path);
	cfg = load_ok(yml);
	a = one_alert();
	send_group(cfg, "r", &a, 1, &s);
	ck_assert_msg(s.rc == 0, "%s", s.err.msg);
	ck_assert_str_eq(s.url, "http://127.0.0.1:1/T0/B0/secret");
	ck_assert(s.url_is_secret);
	sent_release(&s);
	/* read per notification: gone, the notification fails */
	unlink(path);
	send_group(cfg, "r", &a, 1, &s);
	ck_assert_int_eq(s.rc, -1);
	ck_assert_ptr_nonnull(strstr(s.err.msg, path));
	ck_assert_ptr_null(strstr(s.err.msg, "secret"));
	alert_unref(a);
	config_unref(cfg);
	free(yml);
}
END_TEST

START_TEST(template_error)
{
	struct sent	s;

	send_one("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - api_url: http://127.0.0.1:1/x\n"
	    "    title: '{{ .Nope }}'\n    text: '{{ .Neither }}'\n", &s);
	ck_assert_int_eq(s.rc, -1);
	/* the first failing field, in Alertmanager's order */
	ck_assert_str_eq(s.err.msg, "template: :1:3: executing \"\" at "
	    "<.Nope>: can't evaluate field Nope in type *template.Data");
}
END_TEST

static void
expect_load_error(const char *yml, const char *want)
{
	struct ad_errs	 errs;
	struct config	*cfg = load_yaml(yml, NULL, &errs);

	ck_assert_ptr_null(cfg);
	ck_assert_uint_ge(errs.n, 1);
	ck_assert_msg(strstr(errs.v[0].msg, want) != NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
}

START_TEST(newer_field_checks)
{
	struct ad_errs			errs;
	struct config_load_opts		o = config_load_opts_amtool();
	struct config			*cfg;

	expect_load_error("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - app_token: a\n    app_token_file: /x\n",
	    "at most one of app_token & app_token_file must be configured");
	expect_load_error("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - app_token: a\n    api_url: http://x/\n",
	    "at most one of api_url/api_url_file & app_token/app_token_file "
	    "must be configured");
	expect_load_error("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - app_token: a\n    http_config:\n"
	    "      authorization:\n        credentials: b\n",
	    "http authorization can't be set when using Slack App tokens");
	/* amtool 0.25 does not know them */
	cfg = load_yaml("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  slack_configs:\n  - app_token: a\n", &o, &errs);
	ck_assert_ptr_null(cfg);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "field app_token not "
	    "found"));
	ad_errs_release(&errs);
}
END_TEST

START_TEST(send_resolved_default)
{
	struct config	*cfg = load_ok(R_SLACK);

	ck_assert(!config_receiver(cfg, "r")->integrations[0].send_resolved);
	config_unref(cfg);
}
END_TEST

Suite *
slack_suite(void)
{
	Suite	*s = suite_create("slack");
	TCase	*tc = tcase_create("payload");
	TCase	*tv = tcase_create("verdict");
	TCase	*tm = tcase_create("modes");

	tcase_add_test(tc, payload_default_firing);
	tcase_add_test(tc, payload_default_resolved);
	tcase_add_test(tc, payload_default_long);
	tcase_add_test(tc, payload_custom_firing);
	tcase_add_test(tc, payload_custom_resolved);
	tcase_add_test(tc, payload_custom_long);
	tcase_add_test(tc, payload_title_truncated);
	tcase_add_test(tv, verdicts);
	tcase_add_test(tv, transport_error_redacted);
	tcase_add_test(tm, bot_token_mode);
	tcase_add_test(tm, api_url_file);
	tcase_add_test(tm, template_error);
	tcase_add_test(tm, newer_field_checks);
	tcase_add_test(tm, send_resolved_default);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tv);
	suite_add_tcase(s, tm);
	return s;
}

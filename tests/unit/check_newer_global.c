/*
 * newer_global: the global fields added after Alertmanager 0.25
 * (smtp_auth_secret_file, smtp_force_implicit_tls, slack_app_token(_file),
 * slack_app_url, wechat_api_secret_file, telegram_bot_token(_file),
 * mattermost_webhook_url(_file)): unknown to amtool 0.25's schema,
 * accepted by the daemon, upstream's "at most one" errors, secrets masked
 * in the dump, and what the receivers inherit from them (upstream's
 * Config.UnmarshalYAML), down to the request built.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "tests/unit/check_integ2_fixture.h"

/* a appears, and before b */
#define NG_BEFORE(a, b)							\
	ck_assert((a) != NULL && (b) != NULL && (a) < (b))

#define ROUTE	"route: {receiver: team-x.chat}\n"

/* Loads y (daemon options unless amtool); on failure the first error's
 * message is copied into msg. */
static struct config *
ng_load(const char *y, bool amtool, char *msg, size_t len)
{
	struct config_load_opts	 opts = amtool ? config_load_opts_amtool() :
				    config_load_opts_daemon();
	struct ad_errs		 errs;
	struct config		*c;

	opts.require_senders = false;
	ad_errs_init(&errs);
	c = config_load_bytes("g.yml", y, strlen(y), "/tmp", &opts, &errs,
	    NULL);
	if (msg != NULL)
		snprintf(msg, len, "%s", errs.n > 0 ? errs.v[0].msg : "");
	ad_errs_release(&errs);
	return c;
}

static char *
ng_dump(const struct config *c)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(config_dump_yaml(c, &b), 0);
	return buf_detach(&b, NULL);
}

/* A temporary file holding s; path filled in. */
static void
ng_file(char path[32], const char *s)
{
	int	fd;

	snprintf(path, 32, "/tmp/alertd-ng-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static const char *const newer_keys[] = {
	"smtp_auth_secret_file: /tmp/x", "smtp_force_implicit_tls: true",
	"slack_app_token: xoxb-1", "slack_app_token_file: /tmp/x",
	"slack_app_url: https://s.example/api", "wechat_api_secret_file: /tmp/x",
	"telegram_bot_token: 12:ab", "telegram_bot_token_file: /tmp/x",
	"mattermost_webhook_url: https://m.example/hooks/x",
	"mattermost_webhook_url_file: /tmp/x",
};

/* Each field: "field ... not found" for amtool 0.25, fine for alertd. */
START_TEST(unknown_to_025_known_to_daemon)
{
	char		 y[512], msg[256], want[128];
	const char	*k = newer_keys[_i];
	struct config	*c;

	snprintf(y, sizeof(y), "global:\n  %s\n" ROUTE
	    "receivers: [{name: team-x.chat}]\n", k);
	c = ng_load(y, true, msg, sizeof(msg));
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "field %.*s not found in type "
	    "config.plain", (int)strcspn(k, ":"), k);
	ck_assert_msg(strstr(msg, want) != NULL, "%s", msg);
	/* the daemon reads *_file at load: use a config that needs none */
	if (strstr(k, "_file") != NULL)
		return;
	c = ng_load(y, false, msg, sizeof(msg));
	ck_assert_msg(c != NULL, "%s: %s", k, msg);
	config_unref(c);
}
END_TEST

START_TEST(dump_masks_secrets)
{
	char		 f[32], y[1024], *d;
	struct config	*c;

	ng_file(f, "s3cret\n");
	snprintf(y, sizeof(y), "global:\n"
	    "  smtp_auth_secret_file: %s\n"
	    "  smtp_force_implicit_tls: false\n"
	    "  slack_app_token: xoxb-SEKRIT\n"
	    "  slack_app_url: https://s.example/api/chat.postMessage\n"
	    "  wechat_api_secret_file: %s\n"
	    "  telegram_bot_token: 12:SEKRIT\n"
	    "  mattermost_webhook_url: https://m.example/hooks/SEKRIT\n"
	    ROUTE "receivers: [{name: team-x.chat}]\n", f, f);
	c = ng_load(y, false, y, sizeof(y));
	ck_assert_msg(c != NULL, "%s", y);
	d = ng_dump(c);
	ck_assert_msg(strstr(d, "SEKRIT") == NULL, "%s", d);
	ck_assert_ptr_null(strstr(d, "s3cret"));
	ck_assert_ptr_nonnull(strstr(d, "  slack_app_token: <secret>\n"));
	ck_assert_ptr_nonnull(strstr(d, "  telegram_bot_token: <secret>\n"));
	ck_assert_ptr_nonnull(strstr(d,
	    "  mattermost_webhook_url: <secret>\n"));
	ck_assert_ptr_nonnull(strstr(d, "  smtp_auth_secret_file: /tmp/"));
	/* *bool: a false that was set is shown */
	ck_assert_ptr_nonnull(strstr(d, "  smtp_force_implicit_tls: false\n"));
	ck_assert_ptr_nonnull(strstr(d,
	    "  slack_app_url: https://s.example/api/chat.postMessage\n"));
	/* upstream's GlobalConfig order */
	NG_BEFORE(strstr(d, "smtp_auth_secret_file"),
	    strstr(d, "smtp_require_tls"));
	NG_BEFORE(strstr(d, "slack_app_token"),
	    strstr(d, "pagerduty_url"));
	NG_BEFORE(strstr(d, "webex_api_url"),
	    strstr(d, "mattermost_webhook_url"));
	free(d);
	config_unref(c);
	/* unset: none of them shows (0.25's dump stays as it was) */
	c = ng_load(ROUTE "receivers: [{name: team-x.chat}]\n", false, NULL,
	    0);
	d = ng_dump(c);
	ck_assert_ptr_null(strstr(d, "slack_app"));
	ck_assert_ptr_null(strstr(d, "force_implicit"));
	ck_assert_ptr_null(strstr(d, "telegram_bot"));
	ck_assert_ptr_null(strstr(d, "mattermost"));
	free(d);
	config_unref(c);
	unlink(f);
}
END_TEST

static const char *const at_most_one[][2] = {
	{ "slack_app_token: a\n  slack_app_token_file: F",
	  "at most one of slack_app_token & slack_app_token_file must be "
	  "configured" },
	{ "slack_app_token: a\n  slack_api_url: https://h.example/x",
	  "at most one of slack_app_token/slack_app_token_file & "
	  "slack_api_url/slack_api_url_file must be configured" },
	{ "slack_app_token_file: F\n  slack_api_url_file: F",
	  "at most one of slack_app_token/slack_app_token_file & "
	  "slack_api_url/slack_api_url_file must be configured" },
	{ "telegram_bot_token: a\n  telegram_bot_token_file: F",
	  "at most one of telegram_bot_token & telegram_bot_token_file must "
	  "be configured" },
	{ "smtp_auth_secret: a\n  smtp_auth_secret_file: F",
	  "at most one of smtp_auth_secret & smtp_auth_secret_file must be "
	  "configured" },
	{ "wechat_api_secret: a\n  wechat_api_secret_file: F",
	  "at most one of wechat_api_secret & wechat_api_secret_file must be "
	  "configured" },
	{ "mattermost_webhook_url: https://h.example/x\n"
	  "  mattermost_webhook_url_file: F",
	  "at most one of mattermost_webhook_url & mattermost_webhook_url_file"
	  " must be configured" },
	{ "rocketchat_token: a\n  rocketchat_token_file: F",
	  "at most one of rocketchat_token & rocketchat_token_file must be "
	  "configured" },
};

START_TEST(at_most_one_errors)
{
	char		 f[32], y[1024], msg[256];
	const char	*p;
	struct buf	 b;
	struct config	*c;

	ng_file(f, "x");
	/* every ": F" names the temporary file */
	buf_init(&b, BUF_NOCAP);
	for (p = at_most_one[_i][0]; *p != '\0'; p++) {
		if (strncmp(p, ": F", 3) == 0) {
			buf_addf(&b, ": %s", f);
			p += 2;
		} else
			buf_addch(&b, *p);
	}
	snprintf(y, sizeof(y), "global:\n  %s\n" ROUTE
	    "receivers: [{name: team-x.chat}]\n", buf_str(&b));
	buf_release(&b);
	c = ng_load(y, false, msg, sizeof(msg));
	ck_assert_msg(c == NULL, "%s", y);
	ck_assert_msg(strstr(msg, at_most_one[_i][1]) != NULL, "%s", msg);
	unlink(f);
}
END_TEST

/* The Slack workaround of upstream issue 2513: a global api_url equal
 * to the app URL may go with a global app token. */
START_TEST(slack_token_with_app_url_as_api_url)
{
	struct config	*c;
	char		 msg[256];

	c = ng_load("global:\n  slack_app_token: xoxb-1\n"
	    "  slack_api_url: https://slack.com/api/chat.postMessage\n"
	    "  slack_app_url: https://slack.com/api/chat.postMessage\n"
	    ROUTE "receivers: [{name: team-x.chat}]\n", false, msg,
	    sizeof(msg));
	ck_assert_msg(c != NULL, "%s", msg);
	config_unref(c);
}
END_TEST

/* ------------------------------------------------------ inheritance -- */

static void
ng_prepare(struct config *c, const char *name, struct notify_req *req)
{
	char	msg[256];

	ck_assert_msg(i2_prepare(c, name, 0, "Disk", "firing", req, msg,
	    sizeof(msg)) == 0, "%s", msg);
}

static const char *
ng_header(const struct notify_req *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < req->n_headers; i++)
		if (strncasecmp(req->headers[i], name, n) == 0 &&
		    req->headers[i][n] == ':')
			return req->headers[i] + n + 2;
	return NULL;
}

START_TEST(slack_inherits_app_token)
{
	struct config		*c;
	struct notify_req	 req;
	char			*d;

	c = i2_config("global:\n  slack_app_token: xoxb-glob\n"
	    "  slack_app_url: http://127.0.0.1:9/api/chat.postMessage\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  slack_configs:\n"
	    "  - channel: '#a'\n"
	    "  - channel: '#b'\n    api_url: http://127.0.0.1:9/hook\n");
	ng_prepare(c, "slack", &req);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9/api/chat.postMessage");
	ck_assert_str_eq(ng_header(&req, "Authorization"), "Bearer xoxb-glob");
	notify_req_release(&req);
	/* a receiver with its own api_url keeps its webhook */
	ck_assert_int_eq(i2_prepare(c, "slack", 1, "Disk", "firing", &req,
	    NULL, 0), 0);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9/hook");
	ck_assert_ptr_null(ng_header(&req, "Authorization"));
	notify_req_release(&req);
	d = ng_dump(c);
	ck_assert_ptr_nonnull(strstr(d, "    app_token: <secret>\n"
	    "    app_url: http://127.0.0.1:9/api/chat.postMessage\n"));
	ck_assert_ptr_null(strstr(d, "xoxb"));
	free(d);
	config_unref(c);
}
END_TEST

START_TEST(slack_default_app_url_and_own_authorization)
{
	struct config		*c;
	struct notify_req	 req;
	char			 msg[256];

	c = i2_config("global:\n  slack_app_token: xoxb-glob\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  slack_configs:\n"
	    "  - channel: '#a'\n");
	ng_prepare(c, "slack", &req);
	ck_assert_str_eq(req.url, "https://slack.com/api/chat.postMessage");
	notify_req_release(&req);
	config_unref(c);
	/* an Authorization of the receiver's own: no global token, and
	 * without a webhook URL nothing to send to */
	ck_assert_ptr_null(ng_load("global:\n  slack_app_token: xoxb-g\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  slack_configs:\n"
	    "  - http_config: {authorization: {credentials: x}}\n", false,
	    msg, sizeof(msg)));
	ck_assert_msg(strstr(msg, "no global Slack API URL set") != NULL,
	    "%s", msg);
	/* a global Authorization and a global token cannot go together */
	ck_assert_ptr_null(ng_load("global:\n  slack_app_token: xoxb-g\n"
	    "  http_config: {authorization: {credentials: x}}\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  slack_configs:\n"
	    "  - channel: x\n", false, msg, sizeof(msg)));
	ck_assert_msg(strstr(msg, "http authorization can't be set when "
	    "using Slack App tokens") != NULL, "%s", msg);
}
END_TEST

START_TEST(telegram_inherits_bot_token)
{
	struct config		*c;
	struct notify_req	 req;
	char			 f[32], y[512], msg[256];

	c = i2_config("global:\n  telegram_bot_token: '123:glob'\n"
	    "  telegram_api_url: http://127.0.0.1:9\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  telegram_configs:\n"
	    "  - chat_id: 42\n");
	ng_prepare(c, "telegram", &req);
	ck_assert_msg(strstr(req.url, "/bot123:glob/sendMessage") != NULL,
	    "%s", req.url);
	notify_req_release(&req);
	config_unref(c);
	ng_file(f, "456:file\n");
	snprintf(y, sizeof(y), "global:\n  telegram_bot_token_file: %s\n"
	    "  telegram_api_url: http://127.0.0.1:9\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  telegram_configs:\n"
	    "  - chat_id: 42\n  - chat_id: 43\n    bot_token: '789:own'\n", f);
	c = i2_config(y);
	ng_prepare(c, "telegram", &req);
	ck_assert_msg(strstr(req.url, "/bot456:file/sendMessage") != NULL,
	    "%s", req.url);
	notify_req_release(&req);
	ck_assert_int_eq(i2_prepare(c, "telegram", 1, "Disk", "firing", &req,
	    NULL, 0), 0);
	ck_assert_msg(strstr(req.url, "/bot789:own/") != NULL, "%s", req.url);
	notify_req_release(&req);
	config_unref(c);
	unlink(f);
	/* neither: 0.25's error */
	ck_assert_ptr_null(ng_load(ROUTE "receivers:\n- name: team-x.chat\n"
	    "  telegram_configs:\n  - chat_id: 42\n", false, msg,
	    sizeof(msg)));
	ck_assert_msg(strstr(msg, "missing bot_token on telegram_config") !=
	    NULL, "%s", msg);
}
END_TEST

START_TEST(wechat_inherits_secret_file)
{
	struct config		*c;
	struct notify_req	 req;
	char			 f[32], y[512], msg[256];

	ng_file(f, " filesecret \n");
	snprintf(y, sizeof(y), "global:\n  wechat_api_secret_file: %s\n"
	    "  wechat_api_corp_id: corp\n"
	    "  wechat_api_url: http://127.0.0.1:9/cgi-bin/\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  wechat_configs:\n"
	    "  - agent_id: '1'\n", f);
	c = i2_config(y);
	ng_prepare(c, "wechat", &req);
	/* the token request, with the trimmed secret */
	ck_assert_msg(strstr(req.url, "corpsecret=filesecret&") != NULL ||
	    strstr(req.url, "corpsecret=filesecret") != NULL, "%s", req.url);
	notify_req_release(&req);
	config_unref(c);
	unlink(f);
	/* receiver-level at most one */
	snprintf(y, sizeof(y), "global:\n  wechat_api_corp_id: corp\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  wechat_configs:\n"
	    "  - api_secret: a\n    api_secret_file: /etc/hostname\n");
	ck_assert_ptr_null(ng_load(y, false, msg, sizeof(msg)));
	ck_assert_msg(strstr(msg, "at most one of api_secret & "
	    "api_secret_file must be configured") != NULL, "%s", msg);
}
END_TEST

START_TEST(email_inherits_secret_file_and_implicit_tls)
{
	struct config		*c;
	struct notify_req	 req;
	char			 f[32], y[768], *d;

	ng_file(f, "cram-secret");
	snprintf(y, sizeof(y), "global:\n  smtp_smarthost: 127.0.0.1:2525\n"
	    "  smtp_from: a@example.org\n  smtp_auth_username: u\n"
	    "  smtp_auth_secret_file: %s\n  smtp_force_implicit_tls: true\n"
	    ROUTE "receivers:\n- name: team-x.chat\n  email_configs:\n"
	    "  - to: b@example.org\n"
	    "  - to: c@example.org\n    force_implicit_tls: false\n", f);
	c = i2_config(y);
	ng_prepare(c, "email", &req);
	ck_assert(req.smtp);
	ck_assert_msg(strncmp(req.url, "smtps://127.0.0.1:2525/", 23) == 0,
	    "%s", req.url);
	ck_assert_str_eq(req.smtp_auth, "CRAM-MD5");
	ck_assert_str_eq(req.smtp_password, "cram-secret");
	notify_req_release(&req);
	ck_assert_int_eq(i2_prepare(c, "email", 1, "Disk", "firing", &req,
	    NULL, 0), 0);
	ck_assert_msg(strncmp(req.url, "smtp://", 7) == 0, "%s", req.url);
	notify_req_release(&req);
	d = ng_dump(c);
	ck_assert_ptr_nonnull(strstr(d, "    auth_secret_file: /tmp/"));
	ck_assert_ptr_nonnull(strstr(d, "    force_implicit_tls: true\n"));
	ck_assert_ptr_nonnull(strstr(d, "    force_implicit_tls: false\n"));
	free(d);
	config_unref(c);
	unlink(f);
}
END_TEST

Suite *
newer_global_suite(void)
{
	Suite	*s = suite_create("newer_global");
	TCase	*tc = tcase_create("global");

	tcase_add_loop_test(tc, unknown_to_025_known_to_daemon, 0,
	    (int)(sizeof(newer_keys) / sizeof(newer_keys[0])));
	tcase_add_test(tc, dump_masks_secrets);
	tcase_add_loop_test(tc, at_most_one_errors, 0,
	    (int)(sizeof(at_most_one) / sizeof(at_most_one[0])));
	tcase_add_test(tc, slack_token_with_app_url_as_api_url);
	tcase_add_test(tc, slack_inherits_app_token);
	tcase_add_test(tc, slack_default_app_url_and_own_authorization);
	tcase_add_test(tc, telegram_inherits_bot_token);
	tcase_add_test(tc, wechat_inherits_secret_file);
	tcase_add_test(tc, email_inherits_secret_file_and_implicit_tls);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * wechat: requests byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/integrations/wechat/am-0.25, capture_a.py): the
 * token request, the message with and without a cached token; the
 * verdicts of both answers; an expired token (42001) fetched again
 * through the notify thread.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "check_integ1_fixture.h"
#include "check_notify_httpd.h"
#include "config/config.h"

#define WCDIR	I1DIR "/wechat/am-0.25/"

static enum notify_verdict
answer(const struct config_integration *ci, struct notify_req *req,
    long status, const char *body, struct ad_err *err)
{
	struct notify_resp	r;

	memset(&r, 0, sizeof(r));
	ad_err_clear(err);
	r.status = status;
	r.body = body;
	r.body_len = strlen(body);
	r.url = "<redacted>";
	r.req = req;
	r.next = req->next;
	return ci->type->verdict(ci->conf, &r, err);
}

/* prepare, then the token answer when a token request came first. */
static void
check_firing(unsigned idx, const char *tok_base, const char *send_base)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	struct notify_req		 req;
	struct ad_err			 err;
	const struct config_integration	*ci;

	i1_notif_init(&nf, cfg, "wechat", idx, "alerts-a1.json");
	ci = i1_integration(&nf);
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	ck_assert(req.reprepare);
	ck_assert(req.url_is_secret);
	ck_assert_ptr_nonnull(req.next);
	ck_assert(req.next->url_is_secret);
	i1_check_recorded(&req, tok_base);
	ck_assert_int_eq(answer(ci, &req, 200, "{\"errcode\":0,\"errmsg\":"
	    "\"ok\",\"access_token\":\"wc-token-1\",\"expires_in\":7200}",
	    &err), NOTIFY_OK);
	i1_check_recorded(req.next, send_base);
	ck_assert_ptr_null(req.next->next);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}

START_TEST(recorded_default)
{
	struct config		*cfg;
	struct i1_notif		 nf;
	struct notify_req	 req;
	struct ad_err		 err;

	check_firing(0, WCDIR "default-gettoken_firing",
	    WCDIR "default-send_firing");
	/* the token is cached: the resolved message goes alone */
	cfg = i1_config(9);
	i1_notif_init(&nf, cfg, "wechat", 0, "alerts-a2.json");
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	ck_assert_ptr_null(req.next);
	ck_assert(req.reprepare);
	i1_check_recorded(&req, WCDIR "default-send_resolved");
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

START_TEST(recorded_markdown)
{
	/* markdown, recipients, agent id; the API URL's query replaced on
	 * the token request, kept and sorted on the message */
	check_firing(1, WCDIR "md-gettoken_firing", WCDIR "md-send_firing");
}
END_TEST

START_TEST(token_answers)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	struct notify_req		 req;
	struct ad_err			 err;
	const struct config_integration	*ci;
	static const struct {
		const char	*body, *msg;
	} bad[] = {
		{ "", "EOF" },
		{ "oops", "invalid character 'o' looking for beginning of "
		    "value" },
		{ "{\"access_token\":", "unexpected EOF" },
		{ "[1]", "json: cannot unmarshal array into Go value of type "
		    "wechat.token" },
		{ "{\"access_token\":7}", "json: cannot unmarshal number into "
		    "Go struct field token.access_token of type string" },
		{ "{\"errcode\":40013,\"errmsg\":\"invalid corpid\"}",
		    "invalid APISecret for CorpID: wc-corp" },
		{ "null", "invalid APISecret for CorpID: wc-corp" },
	};
	size_t				 i;

	i1_notif_init(&nf, cfg, "wechat", 0, "alerts-a1.json");
	ci = i1_integration(&nf);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		notify_req_init(&req);
		ck_assert_int_eq(i1_prepare(&nf, &req, &err), 0);
		ck_assert_ptr_nonnull(req.next);
		/* whatever the status: not retried */
		ck_assert_int_eq(answer(ci, &req, i % 2 ? 500 : 200,
		    bad[i].body, &err), NOTIFY_FAIL);
		ck_assert_str_eq(err.msg, bad[i].msg);
		notify_req_release(&req);
	}
	/* a status other than 200 with a token is fine (not checked) */
	notify_req_init(&req);
	ck_assert_int_eq(i1_prepare(&nf, &req, &err), 0);
	ck_assert_int_eq(answer(ci, &req, 404, "{\"Access_Token\":\"x y\"} "
	    "trailing", &err), NOTIFY_OK);
	ck_assert_ptr_nonnull(strstr(req.next->url, "?access_token=x+y"));
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

START_TEST(message_answers)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	struct notify_req		 req;
	struct ad_err			 err;
	const struct config_integration	*ci;

	i1_notif_init(&nf, cfg, "wechat", 0, "alerts-a1.json");
	ci = i1_integration(&nf);
	notify_req_init(&req);
	ck_assert_int_eq(i1_prepare(&nf, &req, &err), 0);
	ck_assert_int_eq(answer(ci, &req, 200, "{\"access_token\":\"t1\"}",
	    &err), NOTIFY_OK);
	notify_req_release(&req);
	/* cached now: the message alone */
	notify_req_init(&req);
	ck_assert_int_eq(i1_prepare(&nf, &req, &err), 0);
	ck_assert_ptr_null(req.next);
	ck_assert_int_eq(answer(ci, &req, 200, "{\"errcode\":0,\"errmsg\":"
	    "\"ok\"}", &err), NOTIFY_OK);
	ck_assert_int_eq(answer(ci, &req, 502, "", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "unexpected status code 502");
	ck_assert_int_eq(answer(ci, &req, 400, "{}", &err), NOTIFY_RETRY);
	ck_assert_int_eq(answer(ci, &req, 200, "ok", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "invalid character 'o' looking for "
	    "beginning of value");
	ck_assert_int_eq(answer(ci, &req, 200, "", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "unexpected end of JSON input");
	ck_assert_int_eq(answer(ci, &req, 200, "{\"errcode\":\"1\"}", &err),
	    NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "json: cannot unmarshal string into Go "
	    "struct field weChatResponse.errcode of type int");
	ck_assert_int_eq(answer(ci, &req, 200, "{\"errcode\":81013,"
	    "\"errmsg\":\"user & party & tag all invalid\"}", &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "user & party & tag all invalid");
	/* 0.25's field names are not WeChat's: no error there */
	ck_assert_int_eq(answer(ci, &req, 200, "{\"code\":81013}", &err),
	    NOTIFY_OK);
	/* expired: retried, and the token is forgotten */
	ck_assert_int_eq(answer(ci, &req, 200, "{\"errcode\":42001,"
	    "\"errmsg\":\"access_token expired\"}", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "access_token expired");
	notify_req_release(&req);
	notify_req_init(&req);
	ck_assert_int_eq(i1_prepare(&nf, &req, &err), 0);
	ck_assert_ptr_nonnull(req.next);
	ck_assert_str_eq(req.method, "GET");
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

static void
wechat_server(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	int	*tokens = arg;

	(void)n;
	resp->status = 200;
	if (strstr(req->path, "/gettoken?") != NULL) {
		++*tokens;
		snprintf(resp->body, sizeof(resp->body),
		    "{\"access_token\":\"tok%d\"}", *tokens);
	} else if (strstr(req->path, "access_token=tok1") != NULL) {
		snprintf(resp->body, sizeof(resp->body), "{\"errcode\":42001,"
		    "\"errmsg\":\"access_token expired\"}");
	} else {
		snprintf(resp->body, sizeof(resp->body), "{\"errcode\":0,"
		    "\"errmsg\":\"ok\"}");
	}
}

START_TEST(expired_token_through_notify)
{
	int		 tokens = 0;
	struct thttpd	*s = thttpd_start(wechat_server, &tokens);
	struct config	*cfg = i1_config(thttpd_port(s));
	struct i1_notif	 nf;
	struct i1_run	 res;
	static const char *const want[] = { "/gettoken?", "access_token=tok1",
	    "/gettoken?", "access_token=tok2", "access_token=tok2" };
	size_t		 i;

	i1_notif_init(&nf, cfg, "wechat", 0, "alerts-a1.json");
	/* token 1, message refused (42001), token 2, message */
	i1_run(&nf, 5000, &res);
	ck_assert_msg(res.ok, "%s", res.msg);
	ck_assert_int_eq(res.attempts, 2);
	ck_assert_uint_eq(thttpd_count(s), 4);
	/* the next notification uses the cached token */
	i1_run(&nf, 5000, &res);
	ck_assert_msg(res.ok, "%s", res.msg);
	ck_assert_int_eq(res.attempts, 1);
	ck_assert_uint_eq(thttpd_count(s), 5);
	for (i = 0; i < 5; i++) {
		struct thttpd_req *r = thttpd_get(s, i);

		ck_assert_msg(strstr(r->path, want[i]) != NULL, "%zu: %s", i,
		    r->path);
		ck_assert_str_eq(r->method, strstr(want[i], "gettoken") ?
		    "GET" : "POST");
		thttpd_req_free(r);
	}
	i1_notif_release(&nf);
	config_unref(cfg);
	thttpd_stop(s);
}
END_TEST

Suite *
integ1_wechat_suite(void)
{
	Suite	*s = suite_create("integ1_wechat");
	TCase	*tc = tcase_create("wechat");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, recorded_default);
	tcase_add_test(tc, recorded_markdown);
	tcase_add_test(tc, token_answers);
	tcase_add_test(tc, message_answers);
	tcase_add_test(tc, expired_token_through_notify);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * opsgenie: requests byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/integrations/opsgenie/am-0.25, capture_a.py):
 * create, close, update_alerts' two PUTs; the API key (file, template);
 * errors; the verdicts (429 retried, the body in the message); a chain
 * that fails half-way starts over, through the notify thread.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "check_integ1_fixture.h"
#include "check_notify_httpd.h"
#include "config/config.h"

#define OGDIR	I1DIR "/opsgenie/am-0.25/"

static void
check_case(unsigned idx, const char *file, const char *const *bases)
{
	struct config		*cfg = i1_config(9);
	struct i1_notif		 nf;
	struct notify_req	 req, *r;
	struct ad_err		 err;
	size_t			 i;

	i1_notif_init(&nf, cfg, "opsgenie", idx, file);
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	for (r = &req, i = 0; bases[i] != NULL; r = r->next, i++) {
		ck_assert_ptr_nonnull(r);
		i1_check_recorded(r, bases[i]);
	}
	ck_assert_ptr_null(r);
	ck_assert(!req.reprepare);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}

START_TEST(recorded_default)
{
	static const char *const firing[] = {
		OGDIR "default-create_firing", NULL
	};
	static const char *const resolved[] = {
		OGDIR "default-close_resolved", NULL
	};

	check_case(0, "alerts-a1.json", firing);
	check_case(0, "alerts-a2.json", resolved);
}
END_TEST

START_TEST(recorded_custom)
{
	/* every field; update_alerts: create, then the message and the
	 * description PUT by alias; the API URL's query kept on create,
	 * merged and sorted with identifierType on the others */
	static const char *const firing[] = {
		OGDIR "custom-create_firing", OGDIR "custom-message_firing",
		OGDIR "custom-description_firing", NULL
	};
	static const char *const resolved[] = {
		OGDIR "custom-close_resolved", NULL
	};

	check_case(1, "alerts-a1.json", firing);
	check_case(1, "alerts-a2.json", resolved);
}
END_TEST

static struct config *
config_with(const char *receiver)
{
	struct buf	 b;
	struct config	*cfg;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "route:\n  receiver: opsgenie\n  group_by: ['...']\n"
	    "receivers:\n- name: opsgenie\n  opsgenie_configs:\n%s",
	    receiver);
	cfg = i1_config_text(buf_str(&b));
	buf_release(&b);
	return cfg;
}

static int
prepare_with(const char *receiver, const char *file, struct notify_req *req,
    struct ad_err *err)
{
	struct config	*cfg = config_with(receiver);
	struct i1_notif	 nf;
	int		 rc;

	i1_notif_init(&nf, cfg, "opsgenie", 0, file);
	notify_req_init(req);
	rc = i1_prepare(&nf, req, err);
	i1_notif_release(&nf);
	config_unref(cfg);
	return rc;
}

START_TEST(api_key_file)
{
	char			 path[] = "/tmp/alertd-og-keyXXXXXX";
	char			 yml[256];
	struct notify_req	 req;
	struct ad_err		 err;
	int			 fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "key-{{ .Status }}\n", 18), 18);
	close(fd);
	snprintf(yml, sizeof(yml), "  - api_key_file: %s\n    api_url: "
	    "http://og.example/\n", path);
	/* read per notification, rendered, trimmed (0.26) */
	ck_assert_int_eq(prepare_with(yml, "alerts-a1.json", &req, &err), 0);
	ck_assert_str_eq(req.url, "http://og.example/v2/alerts");
	ck_assert_str_eq(req.headers[1], "Authorization: GenieKey key-firing");
	notify_req_release(&req);
	/* gone after the load: the notification fails */
	{
		struct config	*cfg = config_with(yml);
		struct i1_notif	 nf;

		unlink(path);
		i1_notif_init(&nf, cfg, "opsgenie", 0, "alerts-a2.json");
		notify_req_init(&req);
		ck_assert_int_eq(i1_prepare(&nf, &req, &err), -1);
		ck_assert_msg(strncmp(err.msg, "read key_file error: open "
		    "/tmp/alertd-og-key", 37) == 0, "%s", err.msg);
		ck_assert_ptr_nonnull(strstr(err.msg, ": no such file or "
		    "directory"));
		notify_req_release(&req);
		i1_notif_release(&nf);
		config_unref(cfg);
	}
}
END_TEST

START_TEST(template_errors)
{
	struct notify_req	req;
	struct ad_err		err;

	ck_assert_int_eq(prepare_with("  - api_key: k\n    api_url: "
	    "http://og.example/\n    note: '{{ index .Alerts 99 }}'\n",
	    "alerts-a1.json", &req, &err), -1);
	ck_assert_msg(strncmp(err.msg, "templating error: template: ",
	    28) == 0, "%s", err.msg);
	notify_req_release(&req);
	/* the details are rendered for a close too */
	ck_assert_int_eq(prepare_with("  - api_key: k\n    api_url: "
	    "http://og.example/\n    details:\n      x: '{{ index .Alerts 99 "
	    "}}'\n", "alerts-a2.json", &req, &err), -1);
	ck_assert_msg(strncmp(err.msg, "templating error: template: ",
	    28) == 0, "%s", err.msg);
	notify_req_release(&req);
	/* update_alerts with empty message and description: {} bodies */
	ck_assert_int_eq(prepare_with("  - api_key: k\n    api_url: "
	    "http://og.example/x?y=1\n    message: ''\n    description: ''\n"
	    "    update_alerts: true\n", "alerts-a1.json", &req, &err), 0);
	ck_assert_str_eq(req.url, "http://og.example/x/v2/alerts?y=1");
	ck_assert_ptr_nonnull(req.next);
	ck_assert_str_eq(req.next->method, "PUT");
	ck_assert_str_eq(buf_str(&req.next->body), "{}\n");
	ck_assert_str_eq(buf_str(&req.next->next->body), "{}\n");
	ck_assert_ptr_null(req.next->next->next);
	ck_assert_uint_eq(req.next->next->n_headers, 2);
	notify_req_release(&req);
}
END_TEST

START_TEST(verdicts)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	const struct config_integration	*ci;
	struct ad_err			 err;

	i1_notif_init(&nf, cfg, "opsgenie", 0, "alerts-a1.json");
	ci = i1_integration(&nf);
	ck_assert_int_eq(i1_verdict(ci, 202, "{}", &err), NOTIFY_OK);
	ck_assert_int_eq(i1_verdict(ci, 429, "slow", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "unexpected status code 429: slow");
	ck_assert_int_eq(i1_verdict(ci, 422, "{\"message\":\"bad\"}", &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 422: "
	    "{\"message\":\"bad\"}");
	ck_assert_int_eq(i1_verdict(ci, 503, "", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "unexpected status code 503");
	ck_assert_int_eq(i1_verdict(ci, 0, NULL, &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "Post \"http://x/\": connection refused");
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

static void
second_fails_once(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)arg;
	(void)req;
	resp->status = n == 1 ? 500 : 202;
}

START_TEST(chain_starts_over)
{
	struct thttpd		*s = thttpd_start(second_fails_once, NULL);
	struct config		*cfg = i1_config(thttpd_port(s));
	struct i1_notif		 nf;
	struct i1_run		 res;
	static const char *const want[] = { "POST", "PUT", "POST", "PUT",
	    "PUT" };
	size_t			 i;

	i1_notif_init(&nf, cfg, "opsgenie", 1, "alerts-a1.json");
	i1_run(&nf, 5000, &res);
	ck_assert_msg(res.ok, "%s", res.msg);
	/* create ok, message 500: the retry sends create again */
	ck_assert_int_eq(res.attempts, 2);
	ck_assert_uint_eq(thttpd_count(s), 5);
	for (i = 0; i < 5; i++) {
		struct thttpd_req *r = thttpd_get(s, i);
		char		  *auth = thttpd_header(r, "Authorization");

		ck_assert_str_eq(r->method, want[i]);
		ck_assert_str_eq(auth, "GenieKey og-key-ops");
		free(auth);
		if (i == 4)
			ck_assert_ptr_nonnull(strstr(r->path, "/description?"));
		thttpd_req_free(r);
	}
	i1_notif_release(&nf);
	config_unref(cfg);
	thttpd_stop(s);
}
END_TEST

static void
always_400(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)arg;
	(void)n;
	(void)req;
	resp->status = 400;
	snprintf(resp->body, sizeof(resp->body), "{\"message\":\"nope\"}");
}

START_TEST(chain_client_error)
{
	struct thttpd	*s = thttpd_start(always_400, NULL);
	struct config	*cfg = i1_config(thttpd_port(s));
	struct i1_notif	 nf;
	struct i1_run	 res;

	i1_notif_init(&nf, cfg, "opsgenie", 1, "alerts-a1.json");
	i1_run(&nf, 3000, &res);
	ck_assert(!res.ok);
	ck_assert_int_eq(res.attempts, 1);
	ck_assert_uint_eq(thttpd_count(s), 1);
	ck_assert_msg(strstr(res.msg, "unexpected status code 400: "
	    "{\"message\":\"nope\"}") != NULL, "%s", res.msg);
	i1_notif_release(&nf);
	config_unref(cfg);
	thttpd_stop(s);
}
END_TEST

Suite *
integ1_opsgenie_suite(void)
{
	Suite	*s = suite_create("integ1_opsgenie");
	TCase	*tc = tcase_create("opsgenie");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, recorded_default);
	tcase_add_test(tc, recorded_custom);
	tcase_add_test(tc, api_key_file);
	tcase_add_test(tc, template_errors);
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, chain_starts_over);
	tcase_add_test(tc, chain_client_error);
	suite_add_tcase(s, tc);
	return s;
}

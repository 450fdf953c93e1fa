/*
 * pagerduty: requests byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/integrations/pagerduty/am-0.25, capture_a.py),
 * Events API v1 and v2, firing and resolved; the 512 KB cap; key files;
 * template errors; the verdicts (403 retried on v1, 429 on v2, 400's
 * details) and a notification through the notify thread.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "check_integ1_fixture.h"
#include "check_notify_httpd.h"
#include "config/config.h"
#include "notifiers/nsend.h"

#define PDDIR	I1DIR "/pagerduty/am-0.25/"

static void
check_case(unsigned idx, const char *file, const char *base)
{
	struct config	*cfg = i1_config(9);
	struct i1_notif	 nf;
	struct notify_req req;
	struct ad_err	 err;

	i1_notif_init(&nf, cfg, "pagerduty", idx, file);
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	i1_check_recorded(&req, base);
	ck_assert_ptr_null(req.next);
	ck_assert(!req.url_is_secret);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}

START_TEST(v2_default)
{
	check_case(0, "alerts-a1.json", PDDIR "default_firing");
	check_case(0, "alerts-a2.json", PDDIR "default_resolved");
}
END_TEST

START_TEST(v2_custom)
{
	/* templated key and fields, summary cut at 1024 runes, details
	 * merged with the defaults, images and links without src/href
	 * dropped, the URL's query kept */
	check_case(1, "alerts-a1.json", PDDIR "custom_firing");
	check_case(1, "alerts-a2.json", PDDIR "custom_resolved");
}
END_TEST

START_TEST(v1_default)
{
	/* the fixed v1 URL, "event_action":"" and "payload":null */
	check_case(2, "alerts-a1.json", PDDIR "v1_firing");
	check_case(2, "alerts-a2.json", PDDIR "v1_resolved");
}
END_TEST

START_TEST(v1_custom)
{
	/* no client fields when resolving */
	check_case(3, "alerts-a1.json", PDDIR "v1custom_firing");
	check_case(3, "alerts-a2.json", PDDIR "v1custom_resolved");
}
END_TEST

static struct config *
config_with(const char *receiver)
{
	struct buf	 b;
	struct config	*cfg;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "route:\n  receiver: pagerduty\n  group_by: ['...']\n"
	    "receivers:\n- name: pagerduty\n  pagerduty_configs:\n%s",
	    receiver);
	cfg = i1_config_text(buf_str(&b));
	buf_release(&b);
	return cfg;
}

static char *
prepare_with(const char *receiver, struct ad_err *err, int *rc)
{
	struct config	*cfg = config_with(receiver);
	struct i1_notif	 nf;
	struct notify_req req;
	char		*body;

	i1_notif_init(&nf, cfg, "pagerduty", 0, "alerts-a1.json");
	notify_req_init(&req);
	*rc = i1_prepare(&nf, &req, err);
	body = xstrdup(buf_str(&req.body));
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
	return body;
}

START_TEST(size_cap)
{
	/* a detail of 600,000 bytes: the event is over 512 KB, the
	 * details are replaced by encodeMessage's note */
	struct buf	 r;
	struct ad_err	 err;
	char		*body;
	int		 rc;
	size_t		 i;

	buf_init(&r, BUF_NOCAP);
	buf_addstr(&r, "  - routing_key: rk\n    details:\n      big: '");
	for (i = 0; i < 600000 / 10; i++)
		buf_addstr(&r, "0123456789");
	buf_addstr(&r, "'\n");
	body = prepare_with(buf_str(&r), &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(body, ",\"custom_details\":{\"error\":"
	    "\"Custom details have been removed because the original event "
	    "exceeds the maximum size of 512KB\"}}"));
	ck_assert_ptr_null(strstr(body, "0123456789"));
	free(body);
	buf_release(&r);
	/* v1: the same under "details" */
	buf_init(&r, BUF_NOCAP);
	buf_addstr(&r, "  - service_key: sk\n    details:\n      big: '");
	for (i = 0; i < 600000 / 10; i++)
		buf_addstr(&r, "0123456789");
	buf_addstr(&r, "'\n");
	body = prepare_with(buf_str(&r), &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(body, "\"payload\":null,\"client\":"));
	ck_assert_ptr_nonnull(strstr(body, ",\"details\":{\"error\":"
	    "\"Custom details have been removed because the original event "
	    "exceeds the maximum size of 512KB\"}}\n"));
	free(body);
	buf_release(&r);
}
END_TEST

START_TEST(key_files)
{
	char		 path[] = "/tmp/alertd-pd-keyXXXXXX", yml[256];
	struct ad_err	 err;
	char		*body;
	int		 fd, rc;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, " rk-from-file\n", 14), 14);
	close(fd);
	snprintf(yml, sizeof(yml), "  - routing_key_file: %s\n", path);
	body = prepare_with(yml, &err, &rc);
	ck_assert_int_eq(rc, 0);
	/* read per notification and trimmed */
	ck_assert_ptr_nonnull(strstr(body,
	    "{\"routing_key\":\"rk-from-file\","));
	free(body);
	snprintf(yml, sizeof(yml), "  - service_key_file: %s\n", path);
	body = prepare_with(yml, &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(body,
	    "{\"service_key\":\"rk-from-file\","));
	free(body);
	unlink(path);
	/* gone after loading: the notification fails, not retried */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	snprintf(yml, sizeof(yml), "  - routing_key_file: %s\n", path);
	{
		struct config	*cfg = config_with(yml);
		struct i1_notif	 nf;
		struct notify_req req;

		unlink(path);
		i1_notif_init(&nf, cfg, "pagerduty", 0, "alerts-a1.json");
		notify_req_init(&req);
		ck_assert_int_eq(i1_prepare(&nf, &req, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "failed to read routing "
		    "key from file: open /tmp/alertd-pd-key"));
		ck_assert_ptr_nonnull(strstr(err.msg, ": no such file or "
		    "directory"));
		notify_req_release(&req);
		i1_notif_release(&nf);
		config_unref(cfg);
	}
}
END_TEST

START_TEST(errors)
{
	struct ad_err	 err;
	char		*body;
	int		 rc;

	/* empty after templating */
	body = prepare_with("  - routing_key: '{{ .CommonLabels.nosuch }}'\n",
	    &err, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err.msg, "routing key cannot be empty");
	free(body);
	body = prepare_with("  - service_key: '{{ if false }}x{{ end }}'\n",
	    &err, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err.msg, "service key cannot be empty");
	free(body);
	/* a field that fails to render */
	body = prepare_with("  - routing_key: rk\n    class: '{{ index "
	    ".Alerts 99 }}'\n", &err, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "failed to template PagerDuty "
	    "v2 message: template: "));
	free(body);
	body = prepare_with("  - service_key: sk\n    client: '{{ index "
	    ".Alerts 99 }}'\n", &err, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strncmp(err.msg, "failed to template PagerDuty v1 "
	    "message: template: ", 50) == 0, "%s", err.msg);
	free(body);
	/* a detail: Go's %q of key and template */
	body = prepare_with("  - routing_key: rk\n    details:\n      "
	    "\"k\\\"1\": '{{ index .Alerts 99 }}'\n", &err, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strncmp(err.msg, "\"k\\\"1\": failed to template "
	    "\"{{ index .Alerts 99 }}\": template: ", 58) == 0, "%s",
	    err.msg);
	free(body);
}
END_TEST

START_TEST(verdicts)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	const struct config_integration	*v2, *v1;
	struct ad_err			 err;

	i1_notif_init(&nf, cfg, "pagerduty", 0, "alerts-a1.json");
	v2 = i1_integration(&nf);
	nf.idx = 2;
	v1 = i1_integration(&nf);
	ck_assert_int_eq(i1_verdict(v2, 202, "", &err), NOTIFY_OK);
	ck_assert_int_eq(i1_verdict(v2, 429, "slow down", &err),
	    NOTIFY_RETRY);
	/* errDetails: no body but for a 400 */
	ck_assert_str_eq(err.msg, "unexpected status code 429");
	ck_assert_int_eq(i1_verdict(v2, 403, "", &err), NOTIFY_FAIL);
	ck_assert_int_eq(i1_verdict(v2, 500, "oops", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "unexpected status code 500");
	ck_assert_int_eq(i1_verdict(v2, 400, "{\"status\":\"invalid event\","
	    "\"message\":\"Event object is invalid\",\"errors\":[\"Length of "
	    "'routing_key' is incorrect\",\"x\"]}", &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400: Event object "
	    "is invalid: Length of 'routing_key' is incorrect,x");
	/* json.Decoder: case-insensitive names, trailing data ignored */
	ck_assert_int_eq(i1_verdict(v2, 400, "{\"MESSAGE\":\"m\"} junk",
	    &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400: m: ");
	ck_assert_int_eq(i1_verdict(v2, 400, "not json", &err), NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400");
	ck_assert_int_eq(i1_verdict(v2, 400, "{\"errors\":[1]}", &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400");
	ck_assert_int_eq(i1_verdict(v2, 0, NULL, &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "failed to post message to PagerDuty: "
	    "Post \"http://x/\": connection refused");
	/* v1: 403 is its rate limiting, 429 is not retried */
	ck_assert_int_eq(i1_verdict(v1, 403, "", &err), NOTIFY_RETRY);
	ck_assert_int_eq(i1_verdict(v1, 429, "", &err), NOTIFY_FAIL);
	ck_assert_int_eq(i1_verdict(v1, 503, "", &err), NOTIFY_RETRY);
	ck_assert_int_eq(i1_verdict(v1, 0, NULL, &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "failed to post message to PagerDuty v1: "
	    "Post \"http://x/\": connection refused");
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

static void
rate_limited(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)arg;
	(void)req;
	resp->status = n == 0 ? 429 : 202;
	snprintf(resp->body, sizeof(resp->body), "{\"status\":\"success\"}");
}

START_TEST(through_notify)
{
	struct thttpd	*s = thttpd_start(rate_limited, NULL);
	struct config	*cfg = i1_config(thttpd_port(s));
	struct i1_notif	 nf;
	struct i1_run	 res;
	struct thttpd_req *r0, *r1;

	i1_notif_init(&nf, cfg, "pagerduty", 1, "alerts-a1.json");
	i1_run(&nf, 5000, &res);
	ck_assert_msg(res.ok, "%s", res.msg);
	ck_assert_int_eq(res.attempts, 2);
	ck_assert_uint_eq(thttpd_count(s), 2);
	r0 = thttpd_get(s, 0);
	r1 = thttpd_get(s, 1);
	ck_assert_str_eq(r0->path, "/pd/custom?x=1");
	ck_assert_uint_eq(r0->body_len, r1->body_len);
	ck_assert_mem_eq(r0->body, r1->body, r0->body_len);
	thttpd_req_free(r0);
	thttpd_req_free(r1);
	i1_notif_release(&nf);
	config_unref(cfg);
	thttpd_stop(s);
}
END_TEST

START_TEST(key_hash)
{
	char	h[NSEND_KEY_HASH_LEN];

	/* Go: fmt.Sprintf("%x", sha256.Sum256([]byte(k))) */
	nsend_key_hash("", h);
	ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
	    "ca495991b7852b855");
	nsend_key_hash("abc", h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9"
	    "cb410ff61f20015ad");
	nsend_key_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomn"
	    "opnopq", h);
	ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff216"
	    "7f6ecedd419db06c1");
	nsend_key_hash("{}/{integ=\"pagerduty\"}:{alertname=\"Disk<Full>\", "
	    "integ=\"pagerduty\"}", h);
	ck_assert_str_eq(h, "8a74d0207d31a0180d8d18bad4d7acb13e6bbf8a3c96c00d"
	    "eb57915ed61171eb");
}
END_TEST

Suite *
integ1_pagerduty_suite(void)
{
	Suite	*s = suite_create("integ1_pagerduty");
	TCase	*tc = tcase_create("pagerduty");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, v2_default);
	tcase_add_test(tc, v2_custom);
	tcase_add_test(tc, v1_default);
	tcase_add_test(tc, v1_custom);
	tcase_add_test(tc, size_cap);
	tcase_add_test(tc, key_files);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, through_notify);
	tcase_add_test(tc, key_hash);
	suite_add_tcase(s, tc);
	return s;
}

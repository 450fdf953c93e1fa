/*
 * webhook: the payload byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/webhook/am-0.25, recorded by capture.py from the
 * same alerts and config), the headers of a real request, the alert
 * hashes of the notification log against Alertmanager's snapshot, Go's
 * JSON escaping, and the verdict's wording.
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
#include "notifiers/njson.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "notifiers/pipeline.h"
#include "routing/labels.h"

#include "notify_fixture.h"

#define WDIR	"tests/data/webhook"
#define EXTURL	"http://am.example:9093/prefix"

static struct config *
load_capture_config(void)
{
	return nfix_capture_config(WDIR "/capture.yml", "SINKPORT", "9999");
}

static size_t
load_alerts(const char *file, const char *alertname, ad_time_t now,
    struct alert **out)
{
	return nfix_load_alerts(file, alertname, false, now, out);
}

static char *
render(const struct config *cfg, size_t integ, struct alert **alerts,
    size_t n, const char *gkey, ad_time_t now)
{
	const struct config_receiver	*r = config_receiver(cfg, "team-x.hook");
	const struct config_integration	*ci = &r->integrations[integ];
	struct notify_ctx		 ctx;
	struct notify_req		 req;
	struct ad_err			 err;
	struct labels_builder		 lb;
	char				*body, *ct;

	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname",
	    labels_get(alert_labels(alerts[0]), "alertname"));
	labels_builder_adds(&lb, "job",
	    labels_get(alert_labels(alerts[0]), "job"));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.receiver = r->name;
	ctx.group_key = gkey;
	ctx.group_labels = labels_builder_finish(&lb);
	ctx.alerts = alerts;
	ctx.n_alerts = n;
	ctx.external_url = EXTURL;
	ctx.now = now;
	ctx.idx = ci->idx;
	notify_req_init(&req);
	ck_assert_str_eq(ci->type->name, "webhook");
	ck_assert_int_eq(ci->type->prepare(ci->conf, &ctx, &req, &err), 0);
	ck_assert_uint_eq(req.n_headers, 1);
	ct = req.headers[0];
	ck_assert_str_eq(ct, "Content-Type: application/json");
	ck_assert_str_eq(req.url, integ == 0 ? "http://127.0.0.1:9999/hook?x=1" :
	    "http://127.0.0.1:9999/all");
	body = xstrdup(buf_str(&req.body));
	notify_req_release(&req);
	/* the body left for later (the pipeline's way): prepare leaves it
	 * empty, and notifier_type.body builds the same bytes */
	ctx.body_later = true;
	notify_req_init(&req);
	ck_assert_int_eq(ci->type->prepare(ci->conf, &ctx, &req, &err), 0);
	ck_assert_uint_eq(buf_len(&req.body), 0);
	ck_assert_ptr_nonnull(ci->type->body);
	ci->type->body(ci->conf, &ctx, &req.body);
	ck_assert_str_eq(buf_str(&req.body), body);
	notify_req_release(&req);
	labels_unref(ctx.group_labels);
	labels_builder_release(&lb);
	return body;
}

static void
check_payload(const char *alerts_file, const char *alertname,
    const char *gkey, const char *want_hook, const char *want_all)
{
	struct config	*cfg = load_capture_config();
	struct alert	*alerts[8];
	ad_time_t	 now = ad_now();
	size_t		 n, i;
	char		*want, *got;

	n = load_alerts(alerts_file, alertname, now, alerts);
	ck_assert_uint_gt(n, 0);
	want = nfix_slurp(want_hook, NULL);
	got = render(cfg, 0, alerts, n, gkey, now);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	want = nfix_slurp(want_all, NULL);
	got = render(cfg, 1, alerts, n, gkey, now);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	for (i = 0; i < n; i++)
		alert_unref(alerts[i]);
	config_unref(cfg);
}

#define DISK_KEY	"{}:{alertname=\"Disk<Full>\", job=\"node&co\"}"

START_TEST(payload_firing_truncated)
{
	/* five alerts, one resolved; max_alerts 3 on the first webhook */
	check_payload(WDIR "/alerts1.json", "Disk<Full>", DISK_KEY,
	    WDIR "/am-0.25/hook_DiskFull_firing.body",
	    WDIR "/am-0.25/all_DiskFull_firing.body");
}
END_TEST

START_TEST(payload_resolved)
{
	check_payload(WDIR "/alerts2.json", "Disk<Full>", DISK_KEY,
	    WDIR "/am-0.25/hook_DiskFull_resolved.body",
	    WDIR "/am-0.25/all_DiskFull_resolved.body");
}
END_TEST

START_TEST(payload_common_annotations)
{
	check_payload(WDIR "/alerts1.json", "Other",
	    "{}:{alertname=\"Other\", job=\"j\"}",
	    WDIR "/am-0.25/hook_Other_firing.body",
	    WDIR "/am-0.25/all_Other_firing.body");
}
END_TEST

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

START_TEST(alert_hashes_match_alertmanager)
{
	struct alert	*alerts[8];
	uint64_t	 h[8];
	/* firing/resolved hashes of Alertmanager's nflog snapshot
	 * (tests/data/nflog/am-0.25/expected.txt) */
	static const uint64_t disk[] = { 5559496122285233997ULL,
	    8256154411551906211ULL, 11944695564829402029ULL,
	    12819267148324926020ULL, 14346024351555065675ULL };
	size_t		 n, i;

	n = load_alerts(WDIR "/alerts1.json", "Disk<Full>", ad_now(), alerts);
	ck_assert_uint_eq(n, 5);
	for (i = 0; i < n; i++) {
		h[i] = pipeline_alert_hash(alert_labels(alerts[i]));
		alert_unref(alerts[i]);
	}
	qsort(h, n, sizeof(*h), u64_cmp);
	for (i = 0; i < n; i++)
		ck_assert(h[i] == disk[i]);
	n = load_alerts(WDIR "/alerts1.json", "Other", ad_now(), alerts);
	ck_assert(pipeline_alert_hash(alert_labels(alerts[0])) ==
	    2816118949978688681ULL);
	alert_unref(alerts[0]);
}
END_TEST

START_TEST(xxhash_vectors)
{
	/* github.com/cespare/xxhash Sum64String (tests/data/nflog/README) */
	static const struct {
		const char	*s;
		uint64_t	 h;
	} v[] = {
		{ "", 0xef46db3751d8e999ULL },
		{ "a", 0xd24ec4f1a98c6e5bULL },
		{ "abc", 0x44bc2cf5ad770999ULL },
		{ "0123456789abcdef0123456789abcdef", 0x642a94958e71e6c5ULL },
		{ "alertname\xff" "Disk<Full>\xffinstance\xff" "a:9100\xff",
		    0xda28b4b7b1c3e7a3ULL },
		{ "The quick brown fox jumps over the lazy dog, again and "
		    "again and again!", 0x997c8f93ea91563bULL },
	};
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(*v); i++)
		ck_assert_msg(pipeline_xxhash64(v[i].s, strlen(v[i].s)) ==
		    v[i].h, "%s", v[i].s);
}
END_TEST

START_TEST(go_json_strings)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	njson_string(&b, "a<b>&\"\\\n\r\t\b\f\x01\x7f\xe2\x80\xa8\xe2\x80\xa9"
	    "\xff\xc3\xa9", 23);
	ck_assert_str_eq(buf_str(&b), "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n"
	    "\\r\\t\\u0008\\u000c\\u0001\x7f\\u2028\\u2029\\ufffd\xc3\xa9\"");
	buf_reset(&b);
	njson_quotemeta(&b, "a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o-p");
	ck_assert_str_eq(buf_str(&b),
	    "\"a\\\\.b\\\\+c\\\\*d\\\\?e\\\\(f\\\\)g\\\\|h\\\\[i\\\\]j\\\\{k"
	    "\\\\}l\\\\^m\\\\$n\\\\\\\\o-p\"");
	buf_reset(&b);
	njson_time(&b, AD_TIME_ZERO);
	ck_assert_str_eq(buf_str(&b), "\"0001-01-01T00:00:00Z\"");
	buf_reset(&b);
	/* no metacharacter: quoted as it is */
	njson_quotemeta(&b, "team-x<1>");
	ck_assert_str_eq(buf_str(&b), "\"team-x\\u003c1\\u003e\"");
	buf_release(&b);
}
END_TEST

/* Strings around the one-append fast path: every length up to past its
 * buffer, plain and with an escape at the start, middle and end. */
START_TEST(go_json_string_lengths)
{
	struct buf	b, want;
	char		s[300];
	size_t		len, at;

	buf_init(&b, BUF_NOCAP);
	buf_init(&want, BUF_NOCAP);
	memset(s, 'x', sizeof(s));
	for (len = 0; len <= sizeof(s); len++) {
		buf_reset(&b);
		buf_reset(&want);
		njson_string(&b, s, len);
		buf_addch(&want, '"');
		buf_add(&want, s, len);
		buf_addch(&want, '"');
		ck_assert_str_eq(buf_str(&b), buf_str(&want));
		ck_assert_uint_eq(buf_len(&b), len + 2);
		for (at = 0; at < len; at += len / 3 + 1) {
			s[at] = '&';
			buf_reset(&b);
			buf_reset(&want);
			njson_string(&b, s, len);
			buf_addch(&want, '"');
			buf_add(&want, s, at);
			buf_addstr(&want, "\\u0026");
			buf_add(&want, s + at + 1, len - at - 1);
			buf_addch(&want, '"');
			ck_assert_str_eq(buf_str(&b), buf_str(&want));
			s[at] = 'x';
		}
	}
	buf_release(&b);
	buf_release(&want);
}
END_TEST

/* njson_time writes what time_format_rfc3339nano writes (Go's
 * RFC3339Nano), over the whole range of ad_time_t. */
START_TEST(go_json_times)
{
	static const ad_time_t	 t[] = {
		0, 1, -1, 999999999, 1000000000, 1100000000, 1234567890,
		(ad_time_t)951782400 * AD_SEC,		/* 2000-02-29 */
		(ad_time_t)1795000000 * AD_SEC + 100,
		INT64_MAX, INT64_MIN + 1,		/* 2262, 1677 */
		(ad_time_t)-1 * AD_SEC + 1,
	};
	struct buf	 b;
	char		 out[TIME_FMT_MAX], want[TIME_FMT_MAX + 2];
	ad_time_t	 x;
	size_t		 i;

	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < sizeof(t) / sizeof(*t) + 2000; i++) {
		x = i < sizeof(t) / sizeof(*t) ? t[i] :
		    ((ad_time_t)i - 1006) * 9000000 * AD_SEC +
		    (ad_time_t)i * (ad_time_t)i * 123457;
		buf_reset(&b);
		njson_time(&b, x);
		snprintf(want, sizeof(want), "\"%s\"",
		    time_format_rfc3339nano(x, out));
		ck_assert_str_eq(buf_str(&b), want);
	}
	buf_reset(&b);
	njson_time(&b, (ad_time_t)1795000000 * AD_SEC + 120000000);
	ck_assert_str_eq(buf_str(&b), "\"2026-11-18T11:06:40.12Z\"");
	buf_release(&b);
}
END_TEST

START_TEST(verdict_wording)
{
	struct config			*cfg = load_capture_config();
	const struct config_receiver	*r = config_receiver(cfg, "team-x.hook");
	const struct config_integration	*ci = &r->integrations[0];
	struct notify_resp		 resp;
	struct ad_err			 err;

	memset(&resp, 0, sizeof(resp));
	resp.status = 404;
	resp.body = "no such hook";
	resp.body_len = 12;
	resp.url = "http://127.0.0.1:9999/hook?x=1";
	ck_assert_int_eq(ci->type->verdict(ci->conf, &resp, &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 404: "
	    "http://127.0.0.1:9999/hook?x=1: no such hook");
	resp.status = 502;
	ck_assert_int_eq(ci->type->verdict(ci->conf, &resp, &err),
	    NOTIFY_RETRY);
	resp.status = 429;
	ck_assert_int_eq(ci->type->verdict(ci->conf, &resp, &err),
	    NOTIFY_FAIL);
	resp.status = 201;
	ck_assert_int_eq(ci->type->verdict(ci->conf, &resp, &err), NOTIFY_OK);
	ck_assert(ci->send_resolved);	/* webhook's default */
	config_unref(cfg);
}
END_TEST

START_TEST(url_file_and_timeout)
{
	char		 path[] = "/tmp/alertd-webhook-url-XXXXXX", *yml;
	int		 fd;
	struct ad_errs	 errs;
	struct config	*cfg;
	const struct config_receiver *r;
	struct notify_ctx ctx;
	struct notify_req req;
	struct ad_err	 err;
	struct alert	*a[1];
	struct labels_builder lb;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "http://127.0.0.1:1/token-xyz\n", 29), 29);
	close(fd);
	yml = xasprintf("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  webhook_configs:\n  - url_file: %s\n    timeout: 1500ms\n",
	    path);
	ad_errs_init(&errs);
	cfg = config_load_bytes("u.yml", yml, strlen(yml), ".", NULL, &errs,
	    NULL);
	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "");
	r = config_receiver(cfg, "r");
	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "U");
	a[0] = alert_new(labels_builder_finish(&lb), NULL, NULL, ad_now(),
	    AD_TIME_ZERO, ad_now(), false);
	labels_builder_release(&lb);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.receiver = "r";
	ctx.group_key = "{}:{}";
	ctx.alerts = a;
	ctx.n_alerts = 1;
	ctx.now = ad_now();
	notify_req_init(&req);
	ck_assert_int_eq(r->integrations[0].type->prepare(
	    r->integrations[0].conf, &ctx, &req, &err), 0);
	/* read when notifying, trimmed, and never logged */
	ck_assert_str_eq(req.url, "http://127.0.0.1:1/token-xyz");
	ck_assert(req.url_is_secret);
	ck_assert_int_eq(req.timeout, 1500 * AD_MS);
	notify_req_release(&req);
	/* the file changes: the next notification follows */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "http://127.0.0.1:2/new", 22), 22);
	close(fd);
	notify_req_init(&req);
	ck_assert_int_eq(r->integrations[0].type->prepare(
	    r->integrations[0].conf, &ctx, &req, &err), 0);
	ck_assert_str_eq(req.url, "http://127.0.0.1:2/new");
	notify_req_release(&req);
	unlink(path);
	alert_unref(a[0]);
	config_unref(cfg);
	ad_errs_release(&errs);
	free(yml);
}
END_TEST

Suite *
notify_webhook_suite(void)
{
	Suite	*s = suite_create("notify_webhook");
	TCase	*tc = tcase_create("webhook");

	tcase_add_test(tc, payload_firing_truncated);
	tcase_add_test(tc, payload_resolved);
	tcase_add_test(tc, payload_common_annotations);
	tcase_add_test(tc, alert_hashes_match_alertmanager);
	tcase_add_test(tc, xxhash_vectors);
	tcase_add_test(tc, go_json_strings);
	tcase_add_test(tc, go_json_string_lengths);
	tcase_add_test(tc, go_json_times);
	tcase_add_test(tc, verdict_wording);
	tcase_add_test(tc, url_file_and_timeout);
	suite_add_tcase(s, tc);
	return s;
}

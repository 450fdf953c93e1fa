/*
 * newer_incidentio: the incident.io request and verdict.  Upstream's
 * Message is template.Data then version, groupKey and truncatedAlerts,
 * the webhook Message's shape with version "1": the bodies are compared
 * byte for byte with what the real Alertmanager 0.25 sent to a webhook
 * for the same alerts (tests/data/webhook/am-0.25), "version":"4"
 * replaced by "version":"1".
 */
#include <check.h>
#include <curl/curl.h>
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
#include "tests/unit/check_integ2_fixture.h"

#define WDIR	"tests/data/webhook"
#define EXTURL	"http://am.example:9093/prefix"
#define DISK_KEY	"{}:{alertname=\"Disk<Full>\", job=\"node&co\"}"

/* webhook's capture.yml, as incident.io receivers */
#define IIO_YML	"route: {receiver: team-x.hook, group_by: [alertname, job]}\n" \
	"receivers:\n- name: team-x.hook\n  incidentio_configs:\n"	\
	"  - url: 'http://127.0.0.1:9999/hook?x=1'\n"			\
	"    max_alerts: 3\n"						\
	"    alert_source_token: tok-secret\n"				\
	"  - url: 'http://127.0.0.1:9999/all'\n"			\
	"    timeout: 1500ms\n"

static struct config *
iio_config(const char *yml)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct ad_errs		 errs;
	struct config		*cfg;

	ad_errs_init(&errs);
	cfg = config_load_bytes("iio.yml", yml, strlen(yml), ".", &o, &errs,
	    NULL);
	ck_assert_msg(cfg != NULL, "%s", errs.n > 0 ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
	return cfg;
}

/* The first error loading yml, in daemon or amtool mode. */
static void
iio_config_err(const char *yml, bool amtool, const char *want)
{
	struct config_load_opts	 o = amtool ? config_load_opts_amtool() :
	    config_load_opts_daemon();
	struct ad_errs		 errs;

	o.require_senders = false;
	ad_errs_init(&errs);
	ck_assert_ptr_null(config_load_bytes("iio.yml", yml, strlen(yml), ".",
	    &o, &errs, NULL));
	ck_assert_uint_gt(errs.n, 0);
	ck_assert_msg(strstr(errs.v[0].msg, want) != NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
}

static struct labels *
iio_labels(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct labels_builder	 b;
	struct labels		*ls;

	labels_builder_init(&b);
	labels_builder_adds(&b, k1, v1);
	if (k2 != NULL)
		labels_builder_adds(&b, k2, v2);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

static const char *
req_header(const struct notify_req *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < req->n_headers; i++)
		if (strncmp(req->headers[i], name, n) == 0 &&
		    req->headers[i][n] == ':')
			return req->headers[i] + n + 2;
	return NULL;
}

static const char	*iio_gkey = DISK_KEY;

/* Calls incidentio[idx]'s prepare with alerts[0..n). */
static int
iio_prepare(const struct config *cfg, unsigned idx, struct alert **alerts,
    size_t n, struct notify_req *req, struct ad_err *err)
{
	const struct config_receiver	*r = config_receiver(cfg, "team-x.hook");
	const struct config_integration	*ci = NULL;
	struct notify_ctx		 ctx;
	struct labels			*gl;
	size_t				 i;
	int				 rc;

	for (i = 0; i < r->n_integrations; i++)
		if (r->integrations[i].idx == idx)
			ci = &r->integrations[i];
	ck_assert_ptr_nonnull(ci);
	ck_assert_str_eq(ci->type->name, "incidentio");
	gl = iio_labels("alertname", labels_get(alert_labels(alerts[0]),
	    "alertname"), "job", labels_get(alert_labels(alerts[0]), "job"));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.tmpl = cfg->tmpl;
	ctx.receiver = r->name;
	ctx.group_key = iio_gkey;
	ctx.group_labels = gl;
	ctx.alerts = alerts;
	ctx.n_alerts = n;
	ctx.external_url = EXTURL;
	ctx.now = ad_now();
	ctx.idx = idx;
	notify_req_init(req);
	memset(err, 0, sizeof(*err));
	rc = ci->type->prepare(ci->conf, &ctx, req, err);
	labels_unref(gl);
	return rc;
}

/* The alerts of a group of the webhook capture, as flushed. */
static size_t
iio_alerts(const char *file, const char *alertname, struct alert **out)
{
	json_error_t	 je;
	json_t		*arr = json_load_file(file, 0, &je), *a;
	ad_time_t	 now = ad_now(), s, e;
	size_t		 i, n = 0;

	ck_assert_msg(arr != NULL, "%s", je.text);
	json_array_foreach(arr, i, a) {
		json_t		*ls = json_object_get(a, "labels");
		json_t		*an = json_object_get(a, "annotations");
		json_t		*gu = json_object_get(a, "generatorURL");
		json_t		*ev = json_object_get(a, "endsAt");
		struct labels_builder lb, ab;
		const char	*k;
		json_t		*v;

		if (strcmp(json_string_value(json_object_get(ls, "alertname")),
		    alertname) != 0)
			continue;
		labels_builder_init(&lb);
		labels_builder_init(&ab);
		json_object_foreach(ls, k, v)
			labels_builder_adds(&lb, k, json_string_value(v));
		json_object_foreach(an, k, v)
			labels_builder_adds(&ab, k, json_string_value(v));
		ck_assert_int_eq(time_parse_rfc3339(json_string_value(
		    json_object_get(a, "startsAt")), strlen(json_string_value(
		    json_object_get(a, "startsAt"))), &s), 0);
		e = AD_TIME_ZERO;
		if (ev != NULL)
			ck_assert_int_eq(time_parse_rfc3339(json_string_value(ev),
			    strlen(json_string_value(ev)), &e), 0);
		if (e > now)
			e = AD_TIME_ZERO;
		out[n++] = alert_new(labels_builder_finish(&lb), an != NULL ?
		    labels_builder_finish(&ab) : NULL, gu != NULL ?
		    json_string_value(gu) : NULL, s, e, now, false);
		labels_builder_release(&lb);
		labels_builder_release(&ab);
	}
	json_decref(arr);
	return n;
}

/* The recorded webhook body as incident.io's: version "1". */
static char *
iio_want(const char *recorded)
{
	char	*b = i2_slurp(recorded, NULL), *v;

	v = strstr(b, ",\"version\":\"4\",\"groupKey\":");
	ck_assert_ptr_nonnull(v);
	v[12] = '1';
	return b;
}

static void
iio_payload(const char *alerts_file, const char *alertname,
    const char *gkey, const char *hook, const char *all)
{
	struct config		*cfg = iio_config(IIO_YML);
	struct alert		*alerts[8];
	struct notify_req	 req;
	struct ad_err		 err;
	size_t			 n, i;
	char			*want;

	n = iio_alerts(alerts_file, alertname, alerts);
	ck_assert_uint_gt(n, 0);
	iio_gkey = gkey;
	ck_assert_int_eq(iio_prepare(cfg, 0, alerts, n, &req, &err), 0);
	want = iio_want(hook);
	ck_assert_str_eq(buf_str(&req.body), want);
	free(want);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9999/hook?x=1");
	ck_assert_ptr_null(req.method);
	ck_assert(req.url_is_secret);
	ck_assert_str_eq(req_header(&req, "Content-Type"), "application/json");
	ck_assert_str_eq(req_header(&req, "Authorization"), "Bearer tok-secret");
	ck_assert_int_eq(req.timeout, 0);
	notify_req_release(&req);
	ck_assert_int_eq(iio_prepare(cfg, 1, alerts, n, &req, &err), 0);
	want = iio_want(all);
	ck_assert_str_eq(buf_str(&req.body), want);
	free(want);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9999/all");
	ck_assert_ptr_null(req_header(&req, "Authorization"));
	ck_assert_int_eq(req.timeout, 1500 * AD_MS);
	notify_req_release(&req);
	for (i = 0; i < n; i++)
		alert_unref(alerts[i]);
	config_unref(cfg);
	iio_gkey = DISK_KEY;
}

START_TEST(payload_firing_max_alerts)
{
	/* five alerts, one resolved; max_alerts 3 on the first */
	iio_payload(WDIR "/alerts1.json", "Disk<Full>", DISK_KEY,
	    WDIR "/am-0.25/hook_DiskFull_firing.body",
	    WDIR "/am-0.25/all_DiskFull_firing.body");
}
END_TEST

START_TEST(payload_resolved)
{
	iio_payload(WDIR "/alerts2.json", "Disk<Full>", DISK_KEY,
	    WDIR "/am-0.25/hook_DiskFull_resolved.body",
	    WDIR "/am-0.25/all_DiskFull_resolved.body");
}
END_TEST

START_TEST(payload_common_annotations)
{
	iio_payload(WDIR "/alerts1.json", "Other",
	    "{}:{alertname=\"Other\", job=\"j\"}",
	    WDIR "/am-0.25/hook_Other_firing.body",
	    WDIR "/am-0.25/all_Other_firing.body");
}
END_TEST

/* Over 512 KiB: only the first alert is kept; the group fields (computed
 * over every alert sent) and truncatedAlerts do not change. */
START_TEST(payload_size_limit)
{
	struct config		*cfg = iio_config(IIO_YML);
	struct alert		*alerts[3];
	struct notify_req	 req;
	struct ad_err		 err;
	char			*big = xmalloc(200 * 1024 + 1);
	const char		*b;
	char			 inst[8];
	size_t			 i;

	memset(big, 'x', 200 * 1024);
	big[200 * 1024] = '\0';
	for (i = 0; i < 3; i++) {
		struct labels_builder lb;

		snprintf(inst, sizeof(inst), "i%zu", i);
		big[0] = (char)('a' + i);	/* not a common annotation */
		labels_builder_init(&lb);
		labels_builder_adds(&lb, "alertname", "Big");
		labels_builder_adds(&lb, "job", "j");
		labels_builder_adds(&lb, "instance", inst);
		alerts[i] = alert_new(labels_builder_finish(&lb),
		    iio_labels("big", big, "same", "s"), NULL,
		    ad_now() - AD_SEC, AD_TIME_ZERO, ad_now(), false);
		labels_builder_release(&lb);
	}
	/* max_alerts 3: nothing truncated, 600 KiB: one alert kept */
	ck_assert_int_eq(iio_prepare(cfg, 0, alerts, 3, &req, &err), 0);
	b = buf_str(&req.body);
	ck_assert_ptr_nonnull(strstr(b, "\"instance\":\"i0\""));
	ck_assert_ptr_null(strstr(b, "\"instance\":\"i1\""));
	ck_assert_ptr_nonnull(strstr(b, "\"commonLabels\":{\"alertname\":"
	    "\"Big\",\"job\":\"j\"},\"commonAnnotations\":{\"same\":\"s\"},"));
	ck_assert_ptr_nonnull(strstr(b, ",\"version\":\"1\",\"groupKey\":"));
	ck_assert_ptr_nonnull(strstr(b, "\"truncatedAlerts\":0}\n"));
	ck_assert_uint_lt(buf_len(&req.body), 512 * 1024);
	notify_req_release(&req);
	/* two alerts (400 KiB) fit */
	ck_assert_int_eq(iio_prepare(cfg, 1, alerts, 2, &req, &err), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body),
	    "\"instance\":\"i1\""));
	notify_req_release(&req);
	for (i = 0; i < 3; i++)
		alert_unref(alerts[i]);
	free(big);
	config_unref(cfg);
}
END_TEST

START_TEST(files)
{
	char			 up[] = "/tmp/alertd-iio-u-XXXXXX";
	char			 tp[] = "/tmp/alertd-iio-t-XXXXXX";
	char			 yml[512];
	struct config		*cfg;
	struct alert		*alerts[8];
	struct notify_req	 req;
	struct ad_err		 err;
	size_t			 n, i;
	int			 fu = mkstemp(up), ft = mkstemp(tp);

	ck_assert_int_ge(fu, 0);
	ck_assert_int_ge(ft, 0);
	ck_assert_int_eq(write(fu, " https://api.example/v2/x/secret\n", 33),
	    33);
	ck_assert_int_eq(write(ft, "file-token\n", 11), 11);
	close(fu);
	close(ft);
	snprintf(yml, sizeof(yml), "route: {receiver: team-x.hook}\n"
	    "receivers:\n- name: team-x.hook\n  incidentio_configs:\n"
	    "  - url_file: %s\n    alert_source_token_file: %s\n", up, tp);
	cfg = iio_config(yml);
	n = iio_alerts(WDIR "/alerts1.json", "Other", alerts);
	ck_assert_int_eq(iio_prepare(cfg, 0, alerts, n, &req, &err), 0);
	ck_assert_str_eq(req.url, "https://api.example/v2/x/secret");
	ck_assert(req.url_is_secret);
	ck_assert_str_eq(req_header(&req, "Authorization"), "Bearer file-token");
	notify_req_release(&req);
	/* url_file is read per notification, as upstream */
	unlink(up);
	ck_assert_int_eq(iio_prepare(cfg, 0, alerts, n, &req, &err), -1);
	ck_assert_msg(strncmp(err.msg, "read url_file: open /tmp/alertd-iio-u-",
	    38) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, ": no such file or directory"));
	notify_req_release(&req);
	unlink(tp);
	for (i = 0; i < n; i++)
		alert_unref(alerts[i]);
	config_unref(cfg);
}
END_TEST

#define RCV	"route: {receiver: r}\nreceivers:\n- name: r\n" \
	"  incidentio_configs:\n  - "

START_TEST(config_errors)
{
	iio_config_err(RCV "{max_alerts: 2}\n", false,
	    "one of url or url_file must be configured");
	iio_config_err(RCV "{url: 'http://h/', url_file: /x}\n", false,
	    "at most one of url & url_file must be configured");
	iio_config_err(RCV "{url: 'http://h/', alert_source_token: a, "
	    "alert_source_token_file: /x}\n", false, "at most one of "
	    "alert_source_token & alert_source_token_file must be configured");
	iio_config_err(RCV "{url: 'http://h/', alert_source_token: a, "
	    "http_config: {authorization: {credentials: c}}}\n", false,
	    "cannot specify alert_source_token or alert_source_token_file "
	    "when using http_config.authorization");
	iio_config_err(RCV "{url: 'http://h/', http_config: "
	    "{basic_auth: {username: u, password: p}}}\n", false,
	    "at least one of alert_source_token, alert_source_token_file or "
	    "http_config.authorization must be configured");
	iio_config_err(RCV "{url: 'ftp://h/'}\n", false,
	    "unsupported scheme \"ftp\" for URL");
	/* amtool 0.25 does not know the receiver field */
	iio_config_err(RCV "{url: 'http://h/', alert_source_token: a}\n", true,
	    "incidentio_configs not found");
}
END_TEST

/* Accepted: the bearer_token of http_config is its authorization; the
 * global http_config does not count (it comes after the check). */
START_TEST(config_ok)
{
	struct config	*cfg;
	struct buf	 b;

	cfg = iio_config(RCV "{url: 'http://h/', http_config: "
	    "{bearer_token: b}}\n");
	config_unref(cfg);
	cfg = iio_config("global: {http_config: {basic_auth: {username: u}}}\n"
	    RCV "{url: 'http://h/'}\n");
	config_unref(cfg);
	/* the dump: upstream's field order; url, url_file, max_alerts and
	 * timeout have no omitempty; the token is a secret */
	cfg = iio_config(RCV "{url: 'http://h/', alert_source_token: a}\n");
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(config_dump_yaml(cfg, &b), 0);
	ck_assert_msg(strstr(buf_str(&b), "  incidentio_configs:\n"
	    "  - send_resolved: true\n    http_config:\n") != NULL, "%s",
	    buf_str(&b));
	ck_assert_msg(strstr(buf_str(&b), "    url: http://h/\n"
	    "    url_file: \"\"\n    alert_source_token: <secret>\n"
	    "    max_alerts: 0\n    timeout: 0s\n") != NULL, "%s",
	    buf_str(&b));
	buf_release(&b);
	config_unref(cfg);
	ck_assert(notifier_lookup("incidentio")->send_resolved_default);
	ck_assert_str_eq(notifier_lookup("incidentio")->since, "0.29");
}
END_TEST

static enum notify_verdict
iio_verdict(long status, const char *body, char *msg, size_t len)
{
	const struct notifier_type	*t = notifier_lookup("incidentio");
	struct config			*cfg = iio_config(IIO_YML);
	const struct config_receiver	*r = config_receiver(cfg, "team-x.hook");
	struct notify_resp		 resp;
	struct ad_err			 err;
	enum notify_verdict		 v;

	i2_resp(&resp, status, body);
	memset(&err, 0, sizeof(err));
	v = t->verdict(r->integrations[0].conf, &resp, &err);
	snprintf(msg, len, "%s", err.msg);
	config_unref(cfg);
	return v;
}

START_TEST(verdict)
{
	char	m[256];

	ck_assert_int_eq(iio_verdict(202, "{}", m, sizeof(m)), NOTIFY_OK);
	ck_assert_int_eq(iio_verdict(429, "{\"message\":\"slow down\"}", m,
	    sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "unexpected status code 429: slow down");
	ck_assert_int_eq(iio_verdict(503, "down", m, sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "unexpected status code 503");
	ck_assert_int_eq(iio_verdict(400, "{\"type\":\"validation_error\","
	    "\"errors\":[\"a is bad\",\"b too\"],\"Message\":\"invalid\","
	    "\"error\":\"bad request\"} trailing", m, sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "unexpected status code 400: invalid: bad request: "
	    "a is bad, b too");
	/* a field of another type: json's error, no details */
	ck_assert_int_eq(iio_verdict(401, "{\"message\":\"m\",\"errors\":\"x\"}",
	    m, sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "unexpected status code 401");
	ck_assert_int_eq(iio_verdict(404, "", m, sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "unexpected status code 404");
	ck_assert_int_eq(iio_verdict(400, "{\"message\":\"\",\"error\":null}",
	    m, sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "unexpected status code 400");
}
END_TEST

START_TEST(verdict_transport)
{
	const struct notifier_type	*t = notifier_lookup("incidentio");
	struct config			*cfg = iio_config(IIO_YML);
	const struct config_receiver	*r = config_receiver(cfg, "team-x.hook");
	struct notify_resp		 resp;
	struct ad_err			 err;

	i2_resp(&resp, 0, "");
	resp.curl_code = CURLE_OPERATION_TIMEDOUT;
	resp.curl_error = "Post \"<redacted>\": Operation timed out";
	memset(&err, 0, sizeof(err));
	/* [1] has timeout: 1500ms */
	ck_assert_int_eq(t->verdict(r->integrations[1].conf, &resp, &err),
	    NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "Post \"<redacted>\": Operation timed out: "
	    "configured incident.io timeout reached (1.5s)");
	ck_assert_int_eq(t->verdict(r->integrations[0].conf, &resp, &err),
	    NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "Post \"<redacted>\": Operation timed out");
	config_unref(cfg);
}
END_TEST

Suite *
newer_incidentio_suite(void)
{
	Suite	*s = suite_create("newer_incidentio");
	TCase	*tc = tcase_create("request");

	tcase_add_test(tc, payload_firing_max_alerts);
	tcase_add_test(tc, payload_resolved);
	tcase_add_test(tc, payload_common_annotations);
	tcase_add_test(tc, payload_size_limit);
	tcase_add_test(tc, files);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, config_ok);
	tcase_add_test(tc, verdict);
	tcase_add_test(tc, verdict_transport);
	suite_add_tcase(s, tc);
	return s;
}

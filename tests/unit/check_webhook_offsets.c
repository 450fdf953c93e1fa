/*
 * webhook: times keep the UTC offset the client posted them with, byte
 * for byte as the real Alertmanager 0.25 sent them
 * (tests/data/webhook/offsets: alerts.json posted, am-0.25.body recorded
 * by capture.py).  The alerts go through the API's own decoder, so the
 * offsets are the ones POST /api/v2/alerts keeps.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/api_json.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "routing/labels.h"

#define ODIR	"tests/data/webhook/offsets"

static char *
slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	err;

	buf_init(&b, BUF_NOCAP);
	ck_assert_msg(buf_read_file(&b, path, &err) == 0, "%s", err.msg);
	return buf_detach(&b, len);
}

static struct config *
load_config(void)
{
	const char	*yml = "route:\n  receiver: hook\n  group_by: "
			    "[alertname]\nreceivers:\n- name: hook\n"
			    "  webhook_configs:\n"
			    "  - url: 'http://127.0.0.1:9/hook'\n";
	struct ad_errs	 errs;
	struct config	*cfg;

	ad_errs_init(&errs);
	cfg = config_load_bytes("offsets.yml", yml, strlen(yml), ".", NULL,
	    &errs, NULL);
	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
	return cfg;
}

/* alerts.json as the API stores it: a missing endsAt is now + 5m. */
static size_t
load_alerts(ad_time_t now, struct alert **out)
{
	struct api_postable_alerts	 pa;
	struct api_json_err		 jerr = { 0 };
	size_t				 len, i;
	char				*body;

	body = slurp(ODIR "/alerts.json", &len);
	ck_assert_int_eq(api_json_decode_alerts(body, len, 0, &pa, &jerr), 0);
	for (i = 0; i < pa.n; i++) {
		struct api_postable_alert	*p = &pa.v[i];
		bool				 timeout;

		timeout = p->ends_at == AD_TIME_ZERO;
		out[i] = alert_new(p->labels, p->annotations,
		    p->generator_url, p->starts_at, timeout ?
		    now + 300 * AD_SEC : p->ends_at, now, timeout);
		p->labels = p->annotations = NULL;
		out[i]->starts_off = p->starts_off;
		out[i]->ends_off = timeout ? 0 : p->ends_off;
	}
	len = pa.n;
	api_postable_alerts_release(&pa);
	free(body);
	return len;
}

START_TEST(offsets_as_alertmanager)
{
	struct config			*cfg = load_config();
	const struct config_receiver	*r = config_receiver(cfg, "hook");
	const struct config_integration	*ci = &r->integrations[0];
	struct alert			*alerts[8];
	struct notify_ctx		 ctx;
	struct notify_req		 req;
	struct labels_builder		 lb;
	struct ad_err			 err;
	ad_time_t			 now = ad_now();
	size_t				 n, i;
	char				*want;

	n = load_alerts(now, alerts);
	ck_assert_uint_eq(n, 5);
	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "Offsets");
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.receiver = "hook";
	ctx.group_key = "{}:{alertname=\"Offsets\"}";
	ctx.group_labels = labels_builder_finish(&lb);
	ctx.alerts = alerts;
	ctx.n_alerts = n;
	ctx.external_url = "http://am.example:9093";
	ctx.now = now;
	ctx.idx = ci->idx;
	notify_req_init(&req);
	ck_assert_int_eq(ci->type->prepare(ci->conf, &ctx, &req, &err), 0);
	want = slurp(ODIR "/am-0.25.body", NULL);
	ck_assert_str_eq(buf_str(&req.body), want);
	free(want);
	notify_req_release(&req);
	labels_unref(ctx.group_labels);
	labels_builder_release(&lb);
	for (i = 0; i < n; i++)
		alert_unref(alerts[i]);
	config_unref(cfg);
}
END_TEST

Suite *
webhook_offsets_suite(void)
{
	Suite	*s = suite_create("webhook_offsets");
	TCase	*tc = tcase_create("offsets");

	tcase_add_test(tc, offsets_as_alertmanager);
	suite_add_tcase(s, tc);
	return s;
}

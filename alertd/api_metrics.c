/*
 * GET /metrics (alertd/metrics.c renders every registered collector) and
 * the collectors for what the API layer and the wiring own, with
 * Alertmanager 0.25's names and help texts: alerts received and invalid
 * per API version (v1 always 0: it is gone), alerts by state, and the
 * config coordinator's hash and reload gauges.
 */
#include "alertd/api.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/metrics.h"
#include "alertd/store.h"
#include "config/config.h"

static void
get_metrics(struct api_req *rq, struct api_resp *resp)
{
	(void)rq;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(&resp->body);
}

const struct api_route api_metrics_routes[] = {
	{ "GET", "/metrics", get_metrics, 0 },
	{ NULL, NULL, NULL, 0 }
};

static void
collect_received(struct metrics_writer *w, struct alertd *ad)
{
	static const char *const l[4][5] = {
		{ "status", "firing", "version", "v1", NULL },
		{ "status", "firing", "version", "v2", NULL },
		{ "status", "resolved", "version", "v1", NULL },
		{ "status", "resolved", "version", "v2", NULL },
	};

	metrics_family(w, "alertmanager_alerts_invalid_total",
	    "The total number of received alerts that were invalid.",
	    METRIC_COUNTER);
	metrics_sample1(w, "version", "v1", 0);
	metrics_sample1(w, "version", "v2",
	    (double)atomic_load(&ad->alerts_invalid));
	metrics_family(w, "alertmanager_alerts_received_total",
	    "The total number of received alerts.", METRIC_COUNTER);
	metrics_sample(w, l[0], 0);
	metrics_sample(w, l[1], (double)atomic_load(&ad->alerts_firing));
	metrics_sample(w, l[2], 0);
	metrics_sample(w, l[3], (double)atomic_load(&ad->alerts_resolved));
}

/* provider/mem's count(state): unresolved alerts by their status now. */
static void
collect_states(struct metrics_writer *w, struct alertd *ad)
{
	struct alert_status	  st;
	struct alert		**v;
	double			  n[3] = { 0, 0, 0 };
	ad_time_t		  now = ad_now();
	size_t			  i, k;

	k = store_list(ad->alerts, &v);
	for (i = 0; i < k; i++) {
		if (alert_resolved_at(v[i], now))
			continue;
		alert_status_init(&st);
		alertd_status(ad, v[i], now, &st);
		n[st.state]++;
		alert_status_release(&st);
	}
	store_list_free(v, k);
	metrics_family(w, "alertmanager_alerts", "How many alerts by state.",
	    METRIC_GAUGE);
	metrics_sample1(w, "state", "active", n[ALERT_STATE_ACTIVE]);
	metrics_sample1(w, "state", "suppressed", n[ALERT_STATE_SUPPRESSED]);
	metrics_sample1(w, "state", "unprocessed",
	    n[ALERT_STATE_UNPROCESSED]);
}

static void
collect_config(struct metrics_writer *w, struct alertd *ad)
{
	struct config	*cfg = alertd_config(ad);

	metrics_family(w, "alertmanager_config_hash",
	    "Hash of the currently loaded alertmanager configuration.",
	    METRIC_GAUGE);
	if (cfg != NULL)
		metrics_sample(w, NULL, config_hash(cfg));
	config_unref(cfg);
	metrics_family(w,
	    "alertmanager_config_last_reload_success_timestamp_seconds",
	    "Timestamp of the last successful configuration reload.",
	    METRIC_GAUGE);
	metrics_sample(w, NULL,
	    (double)atomic_load(&ad->reload_success_at) / AD_SEC);
	metrics_family(w, "alertmanager_config_last_reload_successful",
	    "Whether the last configuration reload attempt was successful.",
	    METRIC_GAUGE);
	metrics_sample(w, NULL, atomic_load(&ad->reload_ok) ? 1 : 0);
}

static void
collect(struct metrics_writer *w, void *arg)
{
	collect_received(w, arg);
	collect_states(w, arg);
	collect_config(w, arg);
}

void
api_metrics_register(struct alertd *ad)
{
	metrics_register(collect, ad);
}

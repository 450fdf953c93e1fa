/*
 * GET /metrics (alertd/metrics.c renders every registered collector) and
 * the collectors of what the API, the wiring, the silences, the
 * notification log and the notify thread keep, with Alertmanager 0.25's
 * names, types, labels and help texts (cmd/alertmanager, api, config
 * coordinator, provider/mem, types, notify, nflog, silence).  The
 * dispatcher's families are in alertd/dispatcher.c.
 *
 * Quirks kept on purpose, as 0.25 prints them:
 *   - alertmanager_notifications_failed_total has no `reason` label (added
 *     in 0.26): 0.25's rules divide it by alertmanager_notifications_total
 *     one-to-one, which an extra label would silently break.
 *   - Only the handlers of the plain router are instrumented
 *     (alertmanager_http_*{handler}): /api/v2 is not, as in Alertmanager;
 *     /api/v1 handlers are named without their prefix ("/alerts").
 *   - alertmanager_http_requests_in_flight and ..._concurrency_limit_
 *     exceeded_total carry a constant method="get".
 *   - Receivers and integrations count only receivers some route uses.
 */
#include "alertd/api.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/metrics.h"
#include "alertd/store.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nflog.h"
#include "notifiers/notify.h"
#include "silences/silence.h"
#include "silences/silence_store.h"

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

/* ------------------------------------------------------ HTTP metrics -- */

#define HTTP_SERIES_MAX		64
#define HTTP_HANDLER_MAX	48

/* Alertmanager's buckets (cmd/alertmanager/main.go). */
static const double http_duration_buckets[] = {
	.05, .1, .25, .5, .75, 1, 2, 5, 20, 60
};
/* prometheus.ExponentialBuckets(100, 10, 7) */
static const double http_size_buckets[] = {
	100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8
};

struct http_series {
	char			handler[HTTP_HANDLER_MAX];
	char			method[8];	/* lower case, as promhttp */
	struct metric_hist	duration;
	struct metric_hist	size;
};

struct api_http_metrics {
	pthread_mutex_t		mu;		/* serialises insertions */
	_Atomic size_t		n;		/* published series */
	struct http_series	s[HTTP_SERIES_MAX];
	atomic_long		get_inflight;
	struct metric_counter	get_limited;
};

/*
 * The handler label: the route as registered in Alertmanager's router.
 * alertd's /api/v1/x routes are Alertmanager's v1 router's /x, and a
 * captured segment "{}" is its ":sid".
 */
static void
http_handler_name(const char *route, char *out, size_t len)
{
	const char	*p;
	size_t		 n;

	if (strncmp(route, "/api/v1/", 8) == 0)
		route += 7;
	p = strstr(route, "{}");
	n = p != NULL ? (size_t)(p - route) : strlen(route);
	snprintf(out, len, "%.*s%s", (int)n, route, p != NULL ? ":sid" : "");
}

/* promhttp's sanitizeMethod: lower case. */
static void
http_method_name(const char *method, char out[8])
{
	size_t	i;

	for (i = 0; i < 7 && method[i] != '\0'; i++)
		out[i] = (char)(method[i] >= 'A' && method[i] <= 'Z' ?
		    method[i] - 'A' + 'a' : method[i]);
	out[i] = '\0';
}

static struct http_series *
http_series_find(struct api_http_metrics *m, size_t n, const char *handler,
    const char *method)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(m->s[i].handler, handler) == 0 &&
		    strcmp(m->s[i].method, method) == 0)
			return &m->s[i];
	return NULL;
}

/* The series of (handler, method), created on first use; NULL when full. */
static struct http_series *
http_series_get(struct api_http_metrics *m, const char *handler,
    const char *method)
{
	struct http_series	*s;
	size_t			 n;

	n = atomic_load_explicit(&m->n, memory_order_acquire);
	s = http_series_find(m, n, handler, method);
	if (s != NULL)
		return s;
	pthread_mutex_lock(&m->mu);
	n = atomic_load_explicit(&m->n, memory_order_relaxed);
	s = http_series_find(m, n, handler, method);
	if (s == NULL && n < HTTP_SERIES_MAX) {
		s = &m->s[n];
		snprintf(s->handler, sizeof(s->handler), "%s", handler);
		snprintf(s->method, sizeof(s->method), "%s", method);
		metric_hist_init(&s->duration, http_duration_buckets,
		    sizeof(http_duration_buckets) / sizeof(double));
		metric_hist_init(&s->size, http_size_buckets,
		    sizeof(http_size_buckets) / sizeof(double));
		atomic_store_explicit(&m->n, n + 1, memory_order_release);
	}
	pthread_mutex_unlock(&m->mu);
	return s;
}

void
api_metrics_http(struct alertd *ad, const char *route, const char *method,
    ad_dur_t took, size_t bytes)
{
	struct http_series	*s;
	char			 handler[HTTP_HANDLER_MAX], meth[8];

	if (ad->http_metrics == NULL)
		return;
	http_handler_name(route, handler, sizeof(handler));
	http_method_name(method, meth);
	s = http_series_get(ad->http_metrics, handler, meth);
	if (s == NULL)
		return;
	metric_hist_observe(&s->duration, (double)took / AD_SEC);
	metric_hist_observe(&s->size, (double)bytes);
}

void
api_metrics_get_inflight(struct alertd *ad, int delta)
{
	if (ad->http_metrics != NULL)
		atomic_fetch_add(&ad->http_metrics->get_inflight, delta);
}

void
api_metrics_get_limited(struct alertd *ad)
{
	if (ad->http_metrics != NULL)
		metric_counter_inc(&ad->http_metrics->get_limited);
}

static void
collect_http(struct metrics_writer *w, struct api_http_metrics *m)
{
	size_t	n = atomic_load_explicit(&m->n, memory_order_acquire), i;

	metrics_family(w, "alertmanager_http_concurrency_limit_exceeded_total",
	    "Total number of times an HTTP request failed because the "
	    "concurrency limit was reached.", METRIC_COUNTER);
	metrics_sample1(w, "method", "get",
	    (double)metric_counter_get(&m->get_limited));
	metrics_family(w, "alertmanager_http_requests_in_flight",
	    "Current number of HTTP requests being processed.", METRIC_GAUGE);
	metrics_sample1(w, "method", "get",
	    (double)atomic_load(&m->get_inflight));
	metrics_family(w, "alertmanager_http_request_duration_seconds",
	    "Histogram of latencies for HTTP requests.", METRIC_HISTOGRAM);
	for (i = 0; i < n; i++)
		metrics_sample_hist(w, (const char *const[]){ "handler",
		    m->s[i].handler, "method", m->s[i].method, NULL },
		    &m->s[i].duration);
	metrics_family(w, "alertmanager_http_response_size_bytes",
	    "Histogram of response size for HTTP requests.", METRIC_HISTOGRAM);
	for (i = 0; i < n; i++)
		metrics_sample_hist(w, (const char *const[]){ "handler",
		    m->s[i].handler, "method", m->s[i].method, NULL },
		    &m->s[i].size);
}

/* ------------------------------------------------- API and the wiring -- */

static void
collect_received(struct metrics_writer *w, struct alertd *ad)
{
	static const char *const l[4][5] = {
		{ "status", "firing", "version", "v1", NULL },
		{ "status", "firing", "version", "v2", NULL },
		{ "status", "resolved", "version", "v1", NULL },
		{ "status", "resolved", "version", "v2", NULL },
	};

	/* v1 is answered with 410 Gone: its counters stay 0. */
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

static void
sample_states(struct metrics_writer *w, const double n[3])
{
	metrics_sample1(w, "state", "active", n[ALERT_STATE_ACTIVE]);
	metrics_sample1(w, "state", "suppressed", n[ALERT_STATE_SUPPRESSED]);
	metrics_sample1(w, "state", "unprocessed",
	    n[ALERT_STATE_UNPROCESSED]);
}

/*
 * provider/mem's count(state): unresolved alerts by their status now;
 * the marker's count: every stored alert, resolved or not.
 */
static void
collect_states(struct metrics_writer *w, struct alertd *ad)
{
	struct alert_status	  st;
	struct alert		**v;
	double			  live[3] = { 0, 0, 0 };
	double			  marked[3] = { 0, 0, 0 };
	ad_time_t		  now = ad_now();
	size_t			  i, k;

	k = store_list(ad->alerts, &v);
	for (i = 0; i < k; i++) {
		alert_status_init(&st);
		alertd_status(ad, v[i], now, &st);
		marked[st.state]++;
		if (!alert_resolved_at(v[i], now))
			live[st.state]++;
		alert_status_release(&st);
	}
	store_list_free(v, k);
	metrics_family(w, "alertmanager_alerts", "How many alerts by state.",
	    METRIC_GAUGE);
	sample_states(w, live);
	metrics_family(w, "alertmanager_marked_alerts", "How many alerts by "
	    "state are currently marked in the Alertmanager regardless of "
	    "their expiry.", METRIC_GAUGE);
	sample_states(w, marked);
}

static void
route_receivers(const struct config_route *r, const char ***v, size_t *n,
    size_t *alloc)
{
	size_t	i;

	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 16;
		*v = xreallocarray(*v, *alloc, sizeof(**v));
	}
	(*v)[(*n)++] = r->receiver != NULL ? r->receiver : "";
	for (i = 0; i < r->n_routes; i++)
		route_receivers(r->routes[i], v, n, alloc);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * cmd/alertmanager: the receivers some route uses (the others are
 * skipped, "not referenced by any route") and their integrations.
 */
static void
count_receivers(const struct config *cfg, size_t *recv, size_t *integ)
{
	const char	**used = NULL, *name;
	size_t		  n = 0, alloc = 0, i;

	*recv = *integ = 0;
	if (cfg->route != NULL)
		route_receivers(cfg->route, &used, &n, &alloc);
	if (n > 0)
		qsort(used, n, sizeof(*used), cmp_str);
	for (i = 0; i < cfg->n_receivers; i++) {
		name = cfg->receivers[i]->name;
		if (n == 0 || bsearch(&name, used, n, sizeof(*used),
		    cmp_str) == NULL)
			continue;
		(*recv)++;
		*integ += cfg->receivers[i]->n_integrations;
	}
	free(used);
}

static void
collect_config(struct metrics_writer *w, struct alertd *ad)
{
	struct config	*cfg = alertd_config(ad);
	size_t		 recv = 0, integ = 0;

	metrics_family(w, "alertmanager_config_hash",
	    "Hash of the currently loaded alertmanager configuration.",
	    METRIC_GAUGE);
	if (cfg != NULL) {
		metrics_sample(w, NULL, config_hash(cfg));
		count_receivers(cfg, &recv, &integ);
	}
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
	metrics_family(w, "alertmanager_receivers",
	    "Number of configured receivers.", METRIC_GAUGE);
	metrics_sample(w, NULL, (double)recv);
	metrics_family(w, "alertmanager_integrations",
	    "Number of configured integrations.", METRIC_GAUGE);
	metrics_sample(w, NULL, (double)integ);
}

#if defined(__x86_64__)
#define GOARCH	"amd64"
#elif defined(__aarch64__)
#define GOARCH	"arm64"
#elif defined(__i386__)
#define GOARCH	"386"
#elif defined(__arm__)
#define GOARCH	"arm"
#else
#define GOARCH	"unknown"
#endif

/* version.NewCollector("alertmanager"), with /api/v2/status's values. */
static void
collect_build(struct metrics_writer *w, struct alertd *ad)
{
	static const char *const l[] = {
		"branch", "alertd", "goarch", GOARCH, "goos", "linux",
		"goversion", "none (C)", "revision", "alertd-" ALERTD_VERSION,
		"version", ALERTD_AM_VERSION, NULL
	};

	metrics_family(w, "alertmanager_build_info", "A metric with a "
	    "constant '1' value labeled by version, revision, branch, "
	    "goversion from which alertmanager was built, and the goos and "
	    "goarch for the build.", METRIC_GAUGE);
	metrics_sample(w, l, 1);
	metrics_family(w, "alertmanager_cluster_enabled",
	    "Indicates whether the clustering is enabled or not.",
	    METRIC_GAUGE);
	metrics_sample(w, NULL, ad->cluster.enabled ? 1 : 0);
}

/* -------------------------------------------------- notify and nflog -- */

static void
collect_notify(struct metrics_writer *w, struct notify *n)
{
	struct notify_metrics	m[NOTIFY_METRICS_MAX];
	uint64_t		failed;
	size_t			k, i, j;

	k = notify_metrics_get(n, m, NOTIFY_METRICS_MAX);
	metrics_family(w, "alertmanager_notifications_total",
	    "The total number of attempted notifications.", METRIC_COUNTER);
	for (i = 0; i < k; i++)
		metrics_sample1(w, "integration", m[i].integration,
		    (double)m[i].notifications);
	metrics_family(w, "alertmanager_notifications_failed_total",
	    "The total number of failed notifications.", METRIC_COUNTER);
	for (i = 0; i < k; i++) {
		for (failed = 0, j = 0; j < NOTIFY_REASON_MAX; j++)
			failed += m[i].failed[j];
		metrics_sample1(w, "integration", m[i].integration,
		    (double)failed);
	}
	metrics_family(w, "alertmanager_notification_requests_total",
	    "The total number of attempted notification requests.",
	    METRIC_COUNTER);
	for (i = 0; i < k; i++)
		metrics_sample1(w, "integration", m[i].integration,
		    (double)m[i].requests);
	metrics_family(w, "alertmanager_notification_requests_failed_total",
	    "The total number of failed notification requests.",
	    METRIC_COUNTER);
	for (i = 0; i < k; i++)
		metrics_sample1(w, "integration", m[i].integration,
		    (double)m[i].requests_failed);
	metrics_family(w, "alertmanager_notification_latency_seconds",
	    "The latency of notifications in seconds.", METRIC_HISTOGRAM);
	for (i = 0; i < k; i++)
		metrics_sample_buckets(w, (const char *const[]){ "integration",
		    m[i].integration, NULL }, notify_latency_buckets,
		    m[i].latency_le, NOTIFY_LATENCY_BUCKETS, m[i].latency_count,
		    m[i].latency_sum);
}

static void
counter(struct metrics_writer *w, const char *name, const char *help,
    uint64_t v)
{
	metrics_family(w, name, help, METRIC_COUNTER);
	metrics_sample(w, NULL, (double)v);
}

static void
collect_nflog(struct metrics_writer *w, struct nflog *nf)
{
	struct nflog_metrics	m;

	nflog_metrics_get(nf, &m);
	metrics_family(w, "alertmanager_nflog_gc_duration_seconds",
	    "Duration of the last notification log garbage collection cycle.",
	    METRIC_SUMMARY);
	metrics_sample_summary(w, NULL, m.gc_count, m.gc_sum);
	counter(w, "alertmanager_nflog_gossip_messages_propagated_total",
	    "Number of received gossip messages that have been further "
	    "gossiped.", m.propagated);
	counter(w, "alertmanager_nflog_queries_total",
	    "Number of notification log queries were received.", m.queries);
	metrics_family(w, "alertmanager_nflog_query_duration_seconds",
	    "Duration of notification log query evaluation.",
	    METRIC_HISTOGRAM);
	metrics_sample_buckets(w, NULL, nflog_query_buckets, m.query_le,
	    NFLOG_QUERY_BUCKETS, m.query_count, m.query_sum);
	counter(w, "alertmanager_nflog_query_errors_total",
	    "Number notification log received queries that failed.",
	    m.query_errors);
	metrics_family(w, "alertmanager_nflog_snapshot_duration_seconds",
	    "Duration of the last notification log snapshot.", METRIC_SUMMARY);
	metrics_sample_summary(w, NULL, m.snapshot_count, m.snapshot_sum);
	metrics_family(w, "alertmanager_nflog_snapshot_size_bytes",
	    "Size of the last notification log snapshot in bytes.",
	    METRIC_GAUGE);
	metrics_sample(w, NULL, (double)m.snapshot_size);
}

/* ----------------------------------------------------------- silences -- */

static void
collect_silences(struct metrics_writer *w, struct silence_store *ss)
{
	struct silence_store_metrics	m;
	int				st;

	silence_store_metrics(ss, ad_now(), &m);
	metrics_family(w, "alertmanager_silences",
	    "How many silences by state.", METRIC_GAUGE);
	for (st = 0; st < SILENCE_NSTATES; st++)
		metrics_sample1(w, "state", silence_state_str(st),
		    (double)m.silences[st]);
	metrics_family(w, "alertmanager_silences_gc_duration_seconds",
	    "Duration of the last silence garbage collection cycle.",
	    METRIC_SUMMARY);
	metrics_sample_summary(w, NULL, m.gc_duration_count,
	    (double)m.gc_duration_sum_ns / AD_SEC);
	counter(w, "alertmanager_silences_gossip_messages_propagated_total",
	    "Number of received gossip messages that have been further "
	    "gossiped.", m.gossip_messages_propagated_total);
	counter(w, "alertmanager_silences_queries_total",
	    "How many silence queries were received.", m.queries_total);
	metrics_family(w, "alertmanager_silences_query_duration_seconds",
	    "Duration of silence query evaluation.", METRIC_HISTOGRAM);
	metrics_sample_buckets(w, NULL, silence_query_buckets,
	    m.query_duration_buckets, SILENCE_QUERY_NBUCKETS,
	    m.query_duration_count, (double)m.query_duration_sum_ns / AD_SEC);
	counter(w, "alertmanager_silences_query_errors_total",
	    "How many silence received queries did not succeed.",
	    m.query_errors_total);
	metrics_family(w, "alertmanager_silences_snapshot_duration_seconds",
	    "Duration of the last silence snapshot.", METRIC_SUMMARY);
	metrics_sample_summary(w, NULL, m.snapshot_duration_count,
	    (double)m.snapshot_duration_sum_ns / AD_SEC);
	metrics_family(w, "alertmanager_silences_snapshot_size_bytes",
	    "Size of the last silence snapshot in bytes.", METRIC_GAUGE);
	metrics_sample(w, NULL, (double)m.snapshot_size_bytes);
}

/* ------------------------------------------------------- registration -- */

static void
collect(struct metrics_writer *w, void *arg)
{
	struct alertd	*ad = arg;

	collect_received(w, ad);
	collect_states(w, ad);
	collect_config(w, ad);
	collect_build(w, ad);
	if (ad->http_metrics != NULL)
		collect_http(w, ad->http_metrics);
	if (ad->notify != NULL)
		collect_notify(w, ad->notify);
	if (ad->nflog != NULL)
		collect_nflog(w, ad->nflog);
	if (ad->silences != NULL)
		collect_silences(w, ad->silences);
}

static void
http_metrics_free(void *arg)
{
	struct alertd	*ad = arg;

	if (ad->http_metrics == NULL)
		return;
	pthread_mutex_destroy(&ad->http_metrics->mu);
	free(ad->http_metrics);
	ad->http_metrics = NULL;
}

void
api_metrics_register(struct alertd *ad)
{
	ad->http_metrics = xcalloc(1, sizeof(*ad->http_metrics));
	pthread_mutex_init(&ad->http_metrics->mu, NULL);
	alertd_on_stop(ad, http_metrics_free, ad);
	metrics_register(collect, ad);
}

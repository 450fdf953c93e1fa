/*
 * The routing service of the daemon (see dispatcher.h): one generation
 * (route tree, inhibitor, dispatcher) per loaded config, wired to the
 * alert store, the pipeline and the API hooks.  Reload follows
 * Alertmanager's main.go: stop the old inhibitor and dispatcher, start
 * new ones that re-subscribe to every stored alert.  Unlike Go, the new
 * inhibitor is fed before the new dispatcher, so the first flushes after
 * a reload already see every inhibiting alert.
 */
#include "alertd/dispatcher.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api_groups.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/metrics.h"
#include "alertd/store.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/pipeline.h"
#include "routing/dispatch.h"
#include "routing/inhibit.h"
#include "routing/labels.h"
#include "routing/route.h"

struct gen {
	atomic_uint		 refs;
	struct dispatcher	*svc;
	struct config		*cfg;		/* a reference */
	struct route_tree	*tree;
	struct inhibit		*ih;
	struct dispatch		*d;
	int			 sub_ih, sub_d;	/* store subscriptions, -1 */
};

struct dispatcher {
	struct alertd	*ad;
	struct pipeline	*p;
	pthread_mutex_t	 mu;		/* guards cur, retired (leaf) */
	struct gen	*cur;
	/* Processing totals of the stopped dispatchers: Alertmanager's
	 * summary outlives a reload. */
	uint64_t	 retired_alerts, retired_ns;
};

/* The generation whose dispatcher thread is submitting (for the muter). */
static _Thread_local struct gen *submitting;

static void
gen_unref(struct gen *g)
{
	if (g == NULL ||
	    atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) != 1)
		return;
	dispatch_free(g->d);
	inhibit_free(g->ih);
	route_tree_free(g->tree);
	config_unref(g->cfg);
	free(g);
}

/* A reference to the current generation, or NULL before the first load. */
static struct gen *
gen_get(struct dispatcher *svc)
{
	struct gen	*g;

	pthread_mutex_lock(&svc->mu);
	g = svc->cur;
	if (g != NULL)
		atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&svc->mu);
	return g;
}

/* Dispatcher thread: a flush leaves for the pipeline. */
static void
gen_submit(void *arg, struct notify_flush *f)
{
	struct gen	*g = arg;

	f->cfg = config_ref(g->cfg);
	submitting = g;
	pipeline_submit(g->svc->p, f);
	submitting = NULL;
}

static struct gen *
gen_new(struct dispatcher *svc, struct config *cfg)
{
	struct dispatch_hooks	 hooks = { gen_submit, NULL };
	struct gen		*g;

	g = xcalloc(1, sizeof(*g));
	atomic_init(&g->refs, 1);
	g->svc = svc;
	g->cfg = config_ref(cfg);
	g->tree = route_build(cfg);
	g->ih = inhibit_new(cfg->inhibit_rules, cfg->n_inhibit_rules);
	hooks.arg = g;
	g->d = dispatch_new(g->tree, &hooks, ad_now());
	g->sub_ih = g->sub_d = -1;
	return g;
}

static void
on_put_inhibit(void *arg, struct alert *a, bool existing)
{
	(void)existing;
	inhibit_put(arg, a);
}

static void
on_put_dispatch(void *arg, struct alert *a, bool existing)
{
	(void)existing;
	dispatch_post_alert(arg, a);
}

static int
gen_start(struct gen *g, struct ad_err *err)
{
	struct store	*s = g->svc->ad->alerts;

	/* Every stored alert is replayed to each, inhibitor first. */
	g->sub_ih = store_subscribe(s, on_put_inhibit, g->ih, true);
	g->sub_d = store_subscribe(s, on_put_dispatch, g->d, true);
	return dispatch_start(g->d, err);
}

static void
gen_stop(struct gen *g)
{
	struct store	*s = g->svc->ad->alerts;

	if (g->sub_d != -1)
		store_unsubscribe(s, g->sub_d);
	if (g->sub_ih != -1)
		store_unsubscribe(s, g->sub_ih);
	g->sub_d = g->sub_ih = -1;
	dispatch_stop(g->d);
}


/* ------------------------------------------------------------- hooks */

static int
hook_reload(void *arg, struct config *cfg, struct ad_errs *errs)
{
	struct dispatcher	*svc = arg;
	struct dispatch_stats	 st = { 0 };
	struct gen		*g, *old;
	struct ad_err		 err;

	g = gen_new(svc, cfg);
	pthread_mutex_lock(&svc->mu);
	old = svc->cur;
	pthread_mutex_unlock(&svc->mu);
	if (old != NULL) {
		gen_stop(old);
		dispatch_stats(old->d, &st);	/* final: its thread stopped */
	}
	pthread_mutex_lock(&svc->mu);
	svc->retired_alerts += st.alerts;
	svc->retired_ns += st.processing_ns;
	svc->cur = g;
	pthread_mutex_unlock(&svc->mu);
	gen_unref(old);
	if (gen_start(g, &err) == -1) {
		ad_errs_add(errs, &err);
		return -1;
	}
	return 0;
}

static void
hook_receivers(void *arg, const struct config *cfg, const struct labels *ls,
    alertd_emit_fn emit, void *ctx)
{
	struct gen		 *g = gen_get(arg);
	struct route_tree	 *tmp = NULL, *t;
	const struct route	**rs;
	size_t			  i, n;

	/* A request that started before a reload asks about its config. */
	if (g != NULL && g->cfg == cfg)
		t = g->tree;
	else
		t = tmp = route_tree_new(cfg->route);
	rs = xcalloc(route_tree_len(t), sizeof(*rs));
	n = route_match(t, ls, rs);
	for (i = 0; i < n; i++)
		emit(ctx, rs[i]->receiver);
	free(rs);
	route_tree_free(tmp);
	gen_unref(g);
}

static void
hook_status(void *arg, const struct alert *a, ad_time_t now,
    struct alert_status *st)
{
	struct gen	*g = gen_get(arg);
	uint64_t	 by;
	char		 fp[FP_STR_MAX];

	if (g == NULL)
		return;
	if (inhibit_mutes(g->ih, a->labels, now, &by))
		alertd_strs_add(&st->inhibited_by, fp_format(by, fp));
	gen_unref(g);
}

static int
hook_groups(void *arg, const struct api_alerts_query *q, struct buf *out,
    struct ad_err *err)
{
	struct dispatcher	*svc = arg;
	struct gen		*g = gen_get(svc);
	int			 rc;

	if (g == NULL)
		return api_groups_json(svc->ad, NULL, q, ad_now(), out, err);
	rc = api_groups_json(svc->ad, g->d, q, ad_now(), out, err);
	gen_unref(g);
	return rc;
}

static void
hook_stop(void *arg)
{
	struct gen	*g = gen_get(arg);

	if (g != NULL)
		gen_stop(g);
	gen_unref(g);
}

bool
dispatcher_inhibited(void *arg, const struct alert *a, ad_time_t now)
{
	struct gen	*g = submitting;
	bool		 m;

	if (g != NULL)
		return inhibit_muter(g->ih, a, now);
	g = gen_get(arg);
	m = g != NULL && inhibit_muter(g->ih, a, now);
	gen_unref(g);
	return m;
}

static void
collect(struct metrics_writer *w, void *arg)
{
	struct dispatcher	*svc = arg;
	struct dispatch_stats	 st;
	struct gen		*g;
	uint64_t		 alerts, ns;
	bool			 same;

	/* Retry when a reload retired g meanwhile (no double count). */
	do {
		memset(&st, 0, sizeof(st));
		g = gen_get(svc);
		if (g != NULL)
			dispatch_stats(g->d, &st);
		pthread_mutex_lock(&svc->mu);
		same = svc->cur == g;
		alerts = svc->retired_alerts + st.alerts;
		ns = svc->retired_ns + st.processing_ns;
		pthread_mutex_unlock(&svc->mu);
		gen_unref(g);
	} while (!same);
	metrics_family(w, "alertmanager_dispatcher_aggregation_groups",
	    "Number of active aggregation groups", METRIC_GAUGE);
	metrics_sample(w, NULL, (double)st.groups);
	/* A summary without objectives: _sum and _count. */
	metrics_family(w,
	    "alertmanager_dispatcher_alert_processing_duration_seconds",
	    "Summary of latencies for the processing of alerts.",
	    METRIC_SUMMARY);
	metrics_sample_summary(w, NULL, alerts, (double)ns / AD_SEC);
}

struct dispatcher *
dispatcher_new(struct alertd *ad, struct pipeline *p)
{
	struct dispatcher	*svc;

	svc = xcalloc(1, sizeof(*svc));
	svc->ad = ad;
	svc->p = p;
	pthread_mutex_init(&svc->mu, NULL);
	alertd_on_reload(ad, hook_reload, svc);
	alertd_set_receivers(ad, hook_receivers, svc);
	alertd_add_status(ad, hook_status, svc);
	alertd_set_groups(ad, hook_groups, svc);
	alertd_on_stop(ad, hook_stop, svc);
	metrics_register(collect, svc);
	return svc;
}

void
dispatcher_free(struct dispatcher *svc)
{
	struct gen	*g;

	if (svc == NULL)
		return;
	pthread_mutex_lock(&svc->mu);
	g = svc->cur;
	svc->cur = NULL;
	pthread_mutex_unlock(&svc->mu);
	if (g != NULL)
		gen_stop(g);
	gen_unref(g);
	pthread_mutex_destroy(&svc->mu);
	free(svc);
}

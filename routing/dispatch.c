/*
 * The dispatcher: Alertmanager 0.25's dispatch.Dispatcher (run,
 * processAlert, Groups, the 30 s cleanup of empty groups) over the
 * aggregation groups of aggr.c, with one timer heap instead of one
 * goroutine and timer per group.
 *
 * Input is a mutex-protected vector that the thread swaps out whole, so
 * a post costs a lock and an append, and the thread handles thousands of
 * alerts per wakeup.  A flush's done callback only posts to that queue;
 * the queue is refcounted so that a callback arriving after a reload (the
 * dispatcher is gone) finds it closed and drops the message.
 *
 * Unlike Alertmanager, a batch of alerts that arrives together is routed
 * completely before any timer runs, so a group flushed "at once" holds
 * the whole batch (in Go that is a race between goroutines).
 */
#include "routing/dispatch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/pipeline.h"
#include "routing/aggr.h"
#include "routing/fpmap.h"
#include "routing/labels.h"
#include "routing/route.h"

/* Messages handled per hold of the groups lock (API readers wait less). */
#define DISPATCH_BATCH	1024

struct inbox;

/* The done callback's argument: one per flush in flight. */
struct flush_token {
	struct inbox	*ib;		/* a reference */
	struct aggr	*ag;
};

struct dmsg {
	struct alert		*alert;		/* an update, or */
	struct flush_token	*tok;		/* a flush that ended */
	bool			 ok;
};

struct inbox {
	atomic_uint	 refs;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct dmsg	*v;
	size_t		 n, alloc;
	bool		 closed;
	bool		 waiting;	/* the thread sleeps on cv */
	bool		 stop;
};

struct dispatch {
	const struct route_tree	 *tree;
	struct dispatch_hooks	  hooks;
	struct inbox		 *ib;
	pthread_mutex_t		  mu;		/* groups, for other threads */
	struct fpmap		 *groups;	/* per route idx: fp -> aggr */
	size_t			  n_groups;
	struct aggr_heap	  heap;
	ad_time_t		  next_cleanup;
	const struct route	**matched;	/* scratch for route_match */
	struct dmsg		 *work;		/* swapped with the inbox */
	size_t			  work_alloc;
	struct notify_flush	**out;		/* flushes to submit */
	size_t			  n_out, out_alloc;
	struct dispatch_stats	  st;
	pthread_t		  thread;
	bool			  running;
};

/* --------------------------------------------------------------- inbox */

static struct inbox *
inbox_new(void)
{
	struct inbox		*ib;
	pthread_condattr_t	 ca;

	ib = xcalloc(1, sizeof(*ib));
	atomic_init(&ib->refs, 1);
	pthread_mutex_init(&ib->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ib->cv, &ca);
	pthread_condattr_destroy(&ca);
	return ib;
}

static void
dmsg_drop(struct dmsg *m);

static void
inbox_unref(struct inbox *ib)
{
	size_t	i;

	if (atomic_fetch_sub_explicit(&ib->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < ib->n; i++)
		dmsg_drop(&ib->v[i]);
	free(ib->v);
	pthread_cond_destroy(&ib->cv);
	pthread_mutex_destroy(&ib->mu);
	free(ib);
}

static void
dmsg_drop(struct dmsg *m)
{
	alert_unref(m->alert);
	if (m->tok != NULL) {
		inbox_unref(m->tok->ib);
		free(m->tok);
	}
}

/* Posts m; if the inbox is closed, drops it.  Never waits on the thread. */
static void
inbox_post(struct inbox *ib, struct dmsg m)
{
	bool	wake;

	pthread_mutex_lock(&ib->mu);
	if (ib->closed) {
		pthread_mutex_unlock(&ib->mu);
		dmsg_drop(&m);
		return;
	}
	if (ib->n == ib->alloc) {
		ib->alloc = ib->alloc != 0 ? ib->alloc * 2 : 256;
		ib->v = xreallocarray(ib->v, ib->alloc, sizeof(*ib->v));
	}
	ib->v[ib->n++] = m;
	wake = ib->waiting;
	ib->waiting = false;
	pthread_mutex_unlock(&ib->mu);
	if (wake)
		pthread_cond_signal(&ib->cv);
}

static void
inbox_close(struct inbox *ib)
{
	struct dmsg	*v;
	size_t		 i, n;

	pthread_mutex_lock(&ib->mu);
	ib->closed = true;
	v = ib->v;
	n = ib->n;
	ib->v = NULL;
	ib->n = ib->alloc = 0;
	pthread_mutex_unlock(&ib->mu);
	for (i = 0; i < n; i++)
		dmsg_drop(&v[i]);
	free(v);
}

/* ------------------------------------------------------------ lifetime */

struct dispatch *
dispatch_new(const struct route_tree *tree, const struct dispatch_hooks *hooks,
    ad_time_t now)
{
	struct dispatch	*d;
	size_t		 i, n = route_tree_len(tree);

	d = xcalloc(1, sizeof(*d));
	d->tree = tree;
	d->hooks = *hooks;
	d->ib = inbox_new();
	pthread_mutex_init(&d->mu, NULL);
	d->groups = xcalloc(n, sizeof(*d->groups));
	for (i = 0; i < n; i++)
		fpmap_init(&d->groups[i]);
	aggr_heap_init(&d->heap);
	d->next_cleanup = now + DISPATCH_CLEANUP_INTERVAL;
	d->matched = xcalloc(n, sizeof(*d->matched));
	return d;
}

void
dispatch_free(struct dispatch *d)
{
	size_t	i, j;

	if (d == NULL)
		return;
	dispatch_stop(d);
	inbox_close(d->ib);
	inbox_unref(d->ib);
	aggr_heap_release(&d->heap);
	for (i = 0; i < route_tree_len(d->tree); i++) {
		for (j = 0; j < fpmap_cap(&d->groups[i]); j++)
			aggr_free(fpmap_val(&d->groups[i], j));
		fpmap_release(&d->groups[i]);
	}
	for (i = 0; i < d->n_out; i++)
		aggr_flush_free(d->out[i]);
	free(d->out);
	free(d->groups);
	free(d->matched);
	free(d->work);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

void
dispatch_post_alert(struct dispatch *d, struct alert *a)
{
	struct dmsg	m = { .alert = alert_ref(a) };

	inbox_post(d->ib, m);
}

static void
flush_done_cb(void *arg, bool ok)
{
	struct flush_token	*tok = arg;
	struct dmsg		 m = { .tok = tok, .ok = ok };

	inbox_post(tok->ib, m);
}

/* ------------------------------------------------------- state machine */

/* types.Alert.String(): name[fp7][active|resolved]. */
static void
alert_str(const struct alert *a, ad_time_t now, struct buf *b)
{
	const char	*name = labels_get(a->labels, "alertname");
	char		 fp[FP_STR_MAX];

	buf_addf(b, "%s[%.7s][%s]", name != NULL ? name : "",
	    fp_format(a->fp, fp), alert_resolved_at(a, now) ? "resolved" :
	    "active");
}

static void
log_received(const struct alert *a, ad_time_t now)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	alert_str(a, now, &b);
	log_debugkv("Received alert", "alert", buf_str(&b), NULL);
	buf_release(&b);
}

static void
log_flushing(const struct notify_flush *f)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, BUF_NOCAP);
	buf_addch(&b, '[');
	for (i = 0; i < f->n_alerts; i++) {
		if (i > 0)
			buf_addch(&b, ' ');
		alert_str(f->alerts[i], f->now, &b);
	}
	buf_addch(&b, ']');
	log_debugkv("flushing", "aggrGroup", f->group_key, "alerts",
	    buf_str(&b), NULL);
	buf_release(&b);
}

static void
out_add(struct dispatch *d, struct aggr *ag, struct notify_flush *f)
{
	struct flush_token	*tok;

	if (f == NULL)
		return;
	if (log_enabled(LOG_DEBUG))
		log_flushing(f);
	tok = xcalloc(1, sizeof(*tok));
	tok->ib = d->ib;
	atomic_fetch_add_explicit(&d->ib->refs, 1, memory_order_relaxed);
	tok->ag = ag;
	f->done = flush_done_cb;
	f->arg = tok;
	if (d->n_out == d->out_alloc) {
		d->out_alloc = d->out_alloc != 0 ? d->out_alloc * 2 : 64;
		d->out = xreallocarray(d->out, d->out_alloc, sizeof(*d->out));
	}
	d->out[d->n_out++] = f;
}

/* Dispatcher.processAlert for every route the alert matches.  Locked. */
static void
route_alert(struct dispatch *d, struct alert *a, ad_time_t now)
{
	const struct route	*r;
	struct aggr		*ag;
	uint64_t		 fp;
	size_t			 i, n;

	if (log_enabled(LOG_DEBUG))
		log_received(a, now);
	n = route_match(d->tree, a->labels, d->matched);
	for (i = 0; i < n; i++) {
		r = d->matched[i];
		fp = route_group_fp(r, a->labels);
		ag = fpmap_get(&d->groups[r->idx], fp);
		if (ag == NULL) {
			ag = aggr_new(r, route_group_labels(r, a->labels), fp,
			    now);
			fpmap_put(&d->groups[r->idx], fp, ag);
			d->n_groups++;
			aggr_insert(ag, a, now);
			aggr_heap_update(&d->heap, ag);
		} else if (aggr_insert(ag, a, now))
			aggr_heap_update(&d->heap, ag);
	}
	d->st.alerts++;
}

/* A flush ended.  Locked. */
static void
flush_ended(struct dispatch *d, struct flush_token *tok, bool ok,
    ad_time_t now)
{
	struct aggr	*ag = tok->ag;

	inbox_unref(tok->ib);
	free(tok);
	if (!ok)
		d->st.flushes_failed++;
	if (aggr_flush_done(ag, ok))
		out_add(d, ag, aggr_tick(ag, now));
	aggr_heap_update(&d->heap, ag);
}

static size_t
take_input(struct dispatch *d)
{
	struct inbox	*ib = d->ib;
	struct dmsg	*v;
	size_t		 n, alloc;

	pthread_mutex_lock(&ib->mu);
	v = ib->v;
	n = ib->n;
	alloc = ib->alloc;
	ib->v = d->work;
	ib->alloc = d->work_alloc;
	ib->n = 0;
	pthread_mutex_unlock(&ib->mu);
	d->work = v;
	d->work_alloc = alloc;
	return n;
}

static void
process_input(struct dispatch *d, ad_time_t now)
{
	struct dmsg	*m;
	size_t		 i, n;
	int64_t		 t0;

	n = take_input(d);
	if (n == 0)
		return;
	t0 = ad_mono();
	pthread_mutex_lock(&d->mu);
	for (i = 0; i < n; i++) {
		if (i > 0 && i % DISPATCH_BATCH == 0) {
			pthread_mutex_unlock(&d->mu);
			pthread_mutex_lock(&d->mu);
		}
		m = &d->work[i];
		if (m->alert != NULL) {
			route_alert(d, m->alert, now);
			alert_unref(m->alert);
		} else
			flush_ended(d, m->tok, m->ok, now);
	}
	pthread_mutex_unlock(&d->mu);
	d->st.processing_ns += (uint64_t)(ad_mono() - t0);
}

static void
run_timers(struct dispatch *d, ad_time_t now)
{
	struct aggr	*ag;

	for (;;) {
		ag = aggr_heap_top(&d->heap);
		if (ag == NULL || aggr_next(ag) > now)
			break;
		out_add(d, ag, aggr_tick(ag, now));
		aggr_heap_update(&d->heap, ag);
	}
}

/* The 30 s maintenance of Dispatcher.run: drop empty groups. */
static void
cleanup(struct dispatch *d, ad_time_t now)
{
	struct fpmap	*m;
	struct aggr	*ag, **dead = NULL;
	size_t		 i, j, n = 0;

	if (now < d->next_cleanup)
		return;
	d->next_cleanup = now + DISPATCH_CLEANUP_INTERVAL;
	pthread_mutex_lock(&d->mu);
	for (i = 0; i < route_tree_len(d->tree); i++) {
		m = &d->groups[i];
		for (j = 0; j < fpmap_cap(m); j++) {
			ag = fpmap_val(m, j);
			if (ag == NULL || !aggr_empty(ag) || aggr_in_flight(ag))
				continue;
			dead = xreallocarray(dead, n + 1, sizeof(*dead));
			dead[n++] = ag;
		}
	}
	for (i = 0; i < n; i++) {
		fpmap_del(&d->groups[aggr_route(dead[i])->idx],
		    aggr_fp(dead[i]));
		aggr_heap_remove(&d->heap, dead[i]);
		d->n_groups--;
	}
	pthread_mutex_unlock(&d->mu);
	for (i = 0; i < n; i++)
		aggr_free(dead[i]);
	free(dead);
}

void
dispatch_step(struct dispatch *d, ad_time_t now)
{
	size_t	i, n;

	process_input(d, now);
	run_timers(d, now);
	cleanup(d, now);
	/* Submitting may complete a flush at once: that only posts. */
	n = d->n_out;
	d->n_out = 0;
	for (i = 0; i < n; i++) {
		d->st.flushes++;
		d->hooks.submit(d->hooks.arg, d->out[i]);
	}
}

ad_time_t
dispatch_next_wakeup(const struct dispatch *d)
{
	struct aggr	*ag = aggr_heap_top(&d->heap);
	ad_time_t	 t = d->next_cleanup;

	if (ag != NULL && aggr_next(ag) < t)
		t = aggr_next(ag);
	return t;
}

bool
dispatch_pending(struct dispatch *d)
{
	bool	pending;

	pthread_mutex_lock(&d->ib->mu);
	pending = d->ib->n > 0;
	pthread_mutex_unlock(&d->ib->mu);
	return pending;
}

void
dispatch_stats(struct dispatch *d, struct dispatch_stats *st)
{
	pthread_mutex_lock(&d->mu);
	*st = d->st;
	st->groups = d->n_groups;
	pthread_mutex_unlock(&d->mu);
	pthread_mutex_lock(&d->ib->mu);
	st->queued = d->ib->n;
	pthread_mutex_unlock(&d->ib->mu);
}

/* -------------------------------------------------------------- thread */

/* Sleeps until input arrives, the next timer, or stop.  false: stop. */
static bool
wait_for_work(struct dispatch *d)
{
	struct inbox	*ib = d->ib;
	struct timespec	 ts;
	ad_time_t	 next;
	int64_t		 until;
	bool		 go = true;

	pthread_mutex_lock(&ib->mu);
	while (!ib->stop && ib->n == 0) {
		next = dispatch_next_wakeup(d);
		if (next != AGGR_NEVER && next <= ad_now())
			break;
		ib->waiting = true;
		if (next == AGGR_NEVER) {
			pthread_cond_wait(&ib->cv, &ib->mu);
			continue;
		}
		until = ad_mono() + (next - ad_now());
		ts.tv_sec = until / AD_SEC;
		ts.tv_nsec = until % AD_SEC;
		if (pthread_cond_timedwait(&ib->cv, &ib->mu, &ts) == ETIMEDOUT)
			break;
	}
	ib->waiting = false;
	if (ib->stop)
		go = false;
	pthread_mutex_unlock(&ib->mu);
	return go;
}

static void *
dispatch_main(void *arg)
{
	struct dispatch	*d = arg;

	log_set_component("dispatcher");
	log_debug("dispatcher started");
	while (wait_for_work(d))
		dispatch_step(d, ad_now());
	log_debug("dispatcher stopped");
	return NULL;
}

int
dispatch_start(struct dispatch *d, struct ad_err *err)
{
	int	rc;

	rc = pthread_create(&d->thread, NULL, dispatch_main, d);
	if (rc != 0)
		return ad_err_set(err, AD_EINTERNAL,
		    "cannot start the dispatcher thread: %s", strerror(rc));
	d->running = true;
	return 0;
}

void
dispatch_stop(struct dispatch *d)
{
	if (!d->running)
		return;
	pthread_mutex_lock(&d->ib->mu);
	d->ib->stop = true;
	pthread_mutex_unlock(&d->ib->mu);
	pthread_cond_signal(&d->ib->cv);
	pthread_join(d->thread, NULL);
	d->running = false;
	inbox_close(d->ib);
}

/* ----------------------------------------------------------------- API */

static void
group_copy(struct dispatch_group *g, struct aggr *ag)
{
	size_t	i;

	g->route = aggr_route(ag);
	g->receiver = g->route->receiver;
	g->labels = labels_ref(aggr_labels(ag));
	g->alerts = xcalloc(aggr_len(ag) + 1, sizeof(*g->alerts));
	g->n_alerts = aggr_alerts(ag, g->alerts);
	for (i = 0; i < g->n_alerts; i++)
		alert_ref(g->alerts[i]);
}

size_t
dispatch_groups_get(struct dispatch *d,
    bool (*route_ok)(void *arg, const struct route *r), void *arg,
    struct dispatch_group **out)
{
	struct dispatch_group	*v;
	struct fpmap		*m;
	struct aggr		*ag;
	bool			*ok;
	size_t			 i, j, n = 0, nr = route_tree_len(d->tree);

	/* The filter runs before the lock: routes never change. */
	ok = xcalloc(nr, sizeof(*ok));
	for (i = 0; i < nr; i++)
		ok[i] = route_ok == NULL ||
		    route_ok(arg, route_tree_get(d->tree, i));
	pthread_mutex_lock(&d->mu);
	v = xcalloc(d->n_groups + 1, sizeof(*v));
	for (i = 0; i < nr; i++) {
		m = &d->groups[i];
		for (j = 0; ok[i] && j < fpmap_cap(m); j++) {
			ag = fpmap_val(m, j);
			if (ag != NULL)
				group_copy(&v[n++], ag);
		}
	}
	pthread_mutex_unlock(&d->mu);
	free(ok);
	*out = v;
	return n;
}

void
dispatch_groups_free(struct dispatch_group *v, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		labels_unref(v[i].labels);
		for (j = 0; j < v[i].n_alerts; j++)
			alert_unref(v[i].alerts[j]);
		free(v[i].alerts);
	}
	free(v);
}

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
#include "routing/inbox.h"
#include "routing/labels.h"
#include "routing/route.h"

/* Messages handled per hold of the groups lock (API readers wait less). */
#define DISPATCH_BATCH	1024

/*
 * While alerts keep coming, the thread naps this long between steps
 * instead of being woken by each post (see inbox.h).  Only alerts wait
 * for the nap: an alert that may flush a group at once, a flush
 * completion and the timers do not.
 */
#define DISPATCH_NAP	(1 * AD_MS)

/* Message kinds. */
#define MSG_ALERT	1	/* ptr: struct alert (a reference) */
#define MSG_DONE	2	/* ptr: struct flush_token; flag: ok */

/* The done callback's argument: one per flush in flight. */
struct flush_token {
	struct inbox	*ib;		/* a reference */
	struct aggr	*ag;
	unsigned	 shard;
};

struct dispatch {
	const struct route_tree	 *tree;
	struct dispatch_hooks	  hooks;
	struct inbox		 *ib;
	atomic_bool		  stop;
	pthread_mutex_t		  mu;		/* groups, for other threads */
	struct fpmap		 *groups;	/* per route idx: fp -> aggr */
	size_t			  n_groups;
	struct aggr_heap	  heap;
	ad_time_t		  next_cleanup;
	const struct route	**matched;	/* scratch for route_match */
	struct inbox_msg	 *work;		/* swapped with inbox shards */
	size_t			  work_alloc;
	struct notify_flush	**out;		/* flushes to submit */
	size_t			  n_out, out_alloc;
	ad_dur_t		  min_wait;	/* least group_wait */
	bool			  busy;		/* the last step had input */
	/* Counters: written by the dispatcher thread, read by anyone. */
	atomic_uint_fast64_t	  n_alerts, n_flushes, n_failed, proc_ns;
	pthread_t		  thread;
	bool			  running;
};

static void
msg_drop(struct inbox_msg *m)
{
	struct flush_token	*tok;

	if (m->kind == MSG_ALERT) {
		alert_unref(m->ptr);
		return;
	}
	tok = m->ptr;
	inbox_unref(tok->ib);
	free(tok);
}

/* Updates of one alert stay in order: they share a shard. */
static unsigned
shard_of(uint64_t fp)
{
	return (unsigned)(fp ^ fp >> 32);
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
	d->ib = inbox_new(msg_drop);
	atomic_init(&d->stop, false);
	atomic_init(&d->n_alerts, 0);
	atomic_init(&d->n_flushes, 0);
	atomic_init(&d->n_failed, 0);
	atomic_init(&d->proc_ns, 0);
	pthread_mutex_init(&d->mu, NULL);
	d->groups = xcalloc(n, sizeof(*d->groups));
	for (i = 0; i < n; i++)
		fpmap_init(&d->groups[i]);
	aggr_heap_init(&d->heap);
	d->next_cleanup = now + DISPATCH_CLEANUP_INTERVAL;
	d->matched = xcalloc(n, sizeof(*d->matched));
	d->min_wait = INT64_MAX;
	for (i = 0; i < n; i++)
		if (route_tree_get(tree, i)->group_wait < d->min_wait)
			d->min_wait = route_tree_get(tree, i)->group_wait;
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

/* t + dur < now, without overflow (t may be Go's zero time). */
static bool
waited(ad_time_t t, ad_dur_t dur, ad_time_t now)
{
	if (dur > 0 && t > INT64_MAX - dur)
		return false;
	return t + dur < now;
}

void
dispatch_post_alert(struct dispatch *d, struct alert *a)
{
	struct inbox_msg	m = { alert_ref(a), MSG_ALERT, false };
	bool			urgent;

	/*
	 * aggr_insert flushes a group at once only for an alert older than
	 * the group's group_wait: such an alert does not wait for a nap.
	 */
	urgent = waited(a->starts_at, d->min_wait, ad_now());
	inbox_post(d->ib, shard_of(a->fp), m, urgent);
}

static void
flush_done_cb(void *arg, bool ok)
{
	struct flush_token	*tok = arg;
	struct inbox_msg	 m = { tok, MSG_DONE, ok };

	inbox_post(tok->ib, tok->shard, m, true);
}

/* ------------------------------------------------------- state machine */

/* types.Alert.String(): name[fp7][active|resolved]. */
static void
alert_str(const struct alert *a, ad_time_t now, struct buf *b)
{
	const char	*name = labels_get(alert_labels(a), "alertname");
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
	tok->ib = inbox_ref(d->ib);
	tok->ag = ag;
	tok->shard = shard_of(aggr_fp(ag));
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
	n = route_match(d->tree, alert_labels(a), d->matched);
	for (i = 0; i < n; i++) {
		r = d->matched[i];
		fp = route_group_fp(r, alert_labels(a));
		ag = fpmap_get(&d->groups[r->idx], fp);
		if (ag == NULL) {
			ag = aggr_new(r, route_group_labels(r,
			    alert_labels(a)), fp, now);
			fpmap_put(&d->groups[r->idx], fp, ag);
			d->n_groups++;
			aggr_insert(ag, a, now);
			aggr_heap_update(&d->heap, ag);
		} else if (aggr_insert(ag, a, now))
			aggr_heap_update(&d->heap, ag);
	}
	atomic_fetch_add_explicit(&d->n_alerts, 1, memory_order_relaxed);
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
		atomic_fetch_add_explicit(&d->n_failed, 1, memory_order_relaxed);
	if (aggr_flush_done(ag, ok))
		out_add(d, ag, aggr_tick(ag, now));
	aggr_heap_update(&d->heap, ag);
}

static void
process_input(struct dispatch *d, ad_time_t now)
{
	struct inbox_msg	*m;
	size_t			 i, n, done = 0;
	unsigned		 sh;
	int64_t			 t0 = 0;

	for (sh = 0; sh < INBOX_SHARDS; sh++) {
		n = inbox_take(d->ib, sh, &d->work, &d->work_alloc);
		if (n == 0)
			continue;
		if (t0 == 0)
			t0 = ad_mono();
		pthread_mutex_lock(&d->mu);
		for (i = 0; i < n; i++, done++) {
			if (done > 0 && done % DISPATCH_BATCH == 0) {
				pthread_mutex_unlock(&d->mu);
				pthread_mutex_lock(&d->mu);
			}
			m = &d->work[i];
			if (m->kind == MSG_ALERT) {
				route_alert(d, m->ptr, now);
				alert_unref(m->ptr);
			} else
				flush_ended(d, m->ptr, m->flag, now);
		}
		pthread_mutex_unlock(&d->mu);
	}
	d->busy = done > 0;
	if (t0 != 0)
		atomic_fetch_add_explicit(&d->proc_ns,
		    (uint64_t)(ad_mono() - t0), memory_order_relaxed);
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
	struct aggr	*ag, **dead;
	size_t		 i, j, n = 0;

	if (now < d->next_cleanup)
		return;
	d->next_cleanup = now + DISPATCH_CLEANUP_INTERVAL;
	pthread_mutex_lock(&d->mu);
	dead = xcalloc(d->n_groups + 1, sizeof(*dead));
	for (i = 0; i < route_tree_len(d->tree); i++) {
		m = &d->groups[i];
		for (j = 0; j < fpmap_cap(m); j++) {
			ag = fpmap_val(m, j);
			if (ag == NULL || !aggr_empty(ag) || aggr_in_flight(ag))
				continue;
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
		atomic_fetch_add_explicit(&d->n_flushes, 1,
		    memory_order_relaxed);
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
	return inbox_pending(d->ib);
}

void
dispatch_stats(struct dispatch *d, struct dispatch_stats *st)
{
	pthread_mutex_lock(&d->mu);
	st->groups = d->n_groups;
	pthread_mutex_unlock(&d->mu);
	st->alerts = atomic_load_explicit(&d->n_alerts, memory_order_relaxed);
	st->flushes = atomic_load_explicit(&d->n_flushes,
	    memory_order_relaxed);
	st->flushes_failed = atomic_load_explicit(&d->n_failed,
	    memory_order_relaxed);
	st->processing_ns = atomic_load_explicit(&d->proc_ns,
	    memory_order_relaxed);
	st->queued = inbox_len(d->ib);
}

/* -------------------------------------------------------------- thread */

/*
 * Sleeps until input arrives, the next timer, or stop.  false: stop.
 * After a step that had input, more is likely on its way: nap, and take
 * what came meanwhile at once.
 */
static bool
wait_for_work(struct dispatch *d)
{
	ad_time_t	next, now;
	int64_t		until = INT64_MAX, mono;

	if (atomic_load(&d->stop))
		return false;
	if (inbox_pending(d->ib))
		return true;
	next = dispatch_next_wakeup(d);
	now = ad_now();
	mono = ad_mono();
	if (next != AGGR_NEVER) {
		if (next <= now)
			return true;
		until = mono + (next - now);
	}
	if (d->busy)
		inbox_nap(d->ib, until < mono + DISPATCH_NAP ? until :
		    mono + DISPATCH_NAP);
	else
		inbox_wait(d->ib, until);
	return !atomic_load(&d->stop);
}

static void *
dispatch_main(void *arg)
{
	struct dispatch	*d = arg;

	log_set_component("dispatcher");
	pthread_setname_np(pthread_self(), "dispatcher");
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
	atomic_store(&d->stop, true);
	inbox_wake(d->ib);
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

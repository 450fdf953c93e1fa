/*
 * Aggregation groups: dispatch.aggrGroup of Alertmanager 0.25 (insert,
 * run, flush) and store.Alerts, as a state machine (see aggr.h), plus
 * the dispatcher's timer heap.
 *
 * Quirks kept on purpose: an inserted alert only advances the first
 * flush while the group has never flushed; the timer is re-armed before
 * the flush, so a slow notification does not shift the cadence; resolved
 * alerts stay until a flush that contained them succeeded.
 */
#include "routing/aggr.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "notifiers/pipeline.h"
#include "routing/fpmap.h"
#include "routing/labels.h"
#include "routing/route.h"

/* What a flush in flight sent, to clean up after it. */
struct aggr_sent {
	uint64_t	 fp;
	ad_time_t	 updated_at;
	bool		 resolved;
};

struct aggr {
	const struct route	*route;
	struct labels		*labels;
	uint64_t		 fp;
	char			*key;
	struct fpmap		 alerts;	/* fp -> struct alert * */
	ad_time_t		 next;
	bool			 has_flushed;
	bool			 in_flight;
	bool			 tick_waiting;	/* fell due while in flight */
	ad_time_t		 tick_due;	/* when it fell due */
	struct aggr_sent	*sent;
	size_t			 n_sent;
	size_t			 heap_idx;	/* SIZE_MAX: not in a heap */
};

struct aggr *
aggr_new(const struct route *r, struct labels *group_labels, uint64_t fp,
    ad_time_t now)
{
	struct aggr	*ag;
	struct buf	 b;

	ag = xcalloc(1, sizeof(*ag));
	ag->route = r;
	ag->labels = group_labels;
	ag->fp = fp;
	buf_init(&b, BUF_NOCAP);
	route_group_key(r, group_labels, &b);
	ag->key = buf_detach(&b, NULL);
	fpmap_init(&ag->alerts);
	ag->next = now + r->group_wait;
	ag->heap_idx = SIZE_MAX;
	return ag;
}

void
aggr_free(struct aggr *ag)
{
	size_t	i;

	if (ag == NULL)
		return;
	for (i = 0; i < fpmap_cap(&ag->alerts); i++)
		alert_unref(fpmap_val(&ag->alerts, i));
	fpmap_release(&ag->alerts);
	labels_unref(ag->labels);
	free(ag->key);
	free(ag->sent);
	free(ag);
}

const struct route *
aggr_route(const struct aggr *ag)
{
	return ag->route;
}

struct labels *
aggr_labels(const struct aggr *ag)
{
	return ag->labels;
}

uint64_t
aggr_fp(const struct aggr *ag)
{
	return ag->fp;
}

const char *
aggr_key(const struct aggr *ag)
{
	return ag->key;
}

size_t
aggr_len(const struct aggr *ag)
{
	return fpmap_len(&ag->alerts);
}

bool
aggr_empty(const struct aggr *ag)
{
	return fpmap_len(&ag->alerts) == 0;
}

bool
aggr_in_flight(const struct aggr *ag)
{
	return ag->in_flight;
}

bool
aggr_has_flushed(const struct aggr *ag)
{
	return ag->has_flushed;
}

ad_time_t
aggr_next(const struct aggr *ag)
{
	return ag->next;
}

/* t + d < now, without overflow (t may be Go's zero time). */
static bool
waited(ad_time_t t, ad_dur_t d, ad_time_t now)
{
	if (d > 0 && t > INT64_MAX - d)
		return false;
	return t + d < now;
}

bool
aggr_insert(struct aggr *ag, struct alert *a, ad_time_t now)
{
	struct alert	*old;

	old = fpmap_put(&ag->alerts, a->fp, alert_ref(a));
	alert_unref(old);
	/* aggrGroup.insert: StartsAt.Add(GroupWait).Before(time.Now()) */
	if (!ag->has_flushed && waited(a->starts_at, ag->route->group_wait,
	    now) && ag->next > now) {
		ag->next = now;
		return true;
	}
	return false;
}

size_t
aggr_alerts(const struct aggr *ag, struct alert **out)
{
	size_t	i, n = 0;

	for (i = 0; i < fpmap_cap(&ag->alerts); i++)
		if (fpmap_val(&ag->alerts, i) != NULL)
			out[n++] = fpmap_val(&ag->alerts, i);
	return n;
}

int
aggr_labels_cmp(const struct labels *a, const struct labels *b)
{
	uint32_t	i = 0, j = 0;
	int		c;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	/*
	 * Before() walks the sorted union of both sets' names: the first
	 * name on which they differ decides, and the set that lacks it
	 * sorts first.
	 */
	while (i < a->n && j < b->n) {
		c = strcmp(a->v[i].name, b->v[j].name);
		if (c < 0)
			return 1;
		if (c > 0)
			return -1;
		c = strcmp(a->v[i].value, b->v[j].value);
		if (c != 0)
			return c < 0 ? -1 : 1;
		i++;
		j++;
	}
	return 0;
}

/* AlertSlice.Less on pre-looked-up job and instance values. */
static int
alert_cmp_keys(const char *const ka[2], const struct labels *la,
    const char *const kb[2], const struct labels *lb)
{
	size_t	k;
	int	c;

	for (k = 0; k < 2; k++) {
		if (ka[k] == NULL && kb[k] == NULL)
			continue;
		if (ka[k] == NULL)
			return 1;
		if (kb[k] == NULL)
			return -1;
		c = strcmp(ka[k], kb[k]);
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
	return aggr_labels_cmp(la, lb);
}

int
aggr_alert_cmp(const struct alert *a, const struct alert *b)
{
	const char	*ka[2], *kb[2];

	ka[0] = labels_get(a->labels, "job");
	ka[1] = labels_get(a->labels, "instance");
	kb[0] = labels_get(b->labels, "job");
	kb[1] = labels_get(b->labels, "instance");
	return alert_cmp_keys(ka, a->labels, kb, b->labels);
}

/* An alert with its sort keys looked up once. */
struct sort_item {
	struct alert	*a;
	const char	*k[2];		/* job, instance */
};

static int
sort_item_cmp(const void *x, const void *y)
{
	const struct sort_item *a = x, *b = y;

	return alert_cmp_keys(a->k, a->a->labels, b->k, b->a->labels);
}

static void
sort_alerts(struct alert **v, size_t n)
{
	struct sort_item	*it;
	size_t			 i;

	if (n < 2)
		return;
	it = xcalloc(n, sizeof(*it));
	for (i = 0; i < n; i++) {
		it[i].a = v[i];
		it[i].k[0] = labels_get(v[i]->labels, "job");
		it[i].k[1] = labels_get(v[i]->labels, "instance");
	}
	qsort(it, n, sizeof(*it), sort_item_cmp);
	for (i = 0; i < n; i++)
		v[i] = it[i].a;
	free(it);
}

/* The alert as flushed: a firing alert goes out with a zero endsAt (its
 * startsAt keeps the client's UTC offset, as Go's time.Time does). */
static struct alert *
flush_copy(struct alert *a, ad_time_t now)
{
	struct alert	*c;

	if (alert_resolved_at(a, now))
		return alert_ref(a);
	c = alert_new(labels_ref(a->labels), labels_ref(a->annotations),
	    a->generator_url, a->starts_at, AD_TIME_ZERO, a->updated_at,
	    a->timeout);
	c->starts_off = a->starts_off;
	return c;
}

static struct notify_flush *
aggr_build_flush(struct aggr *ag, ad_time_t flush_now, ad_time_t now)
{
	const struct route	*r = ag->route;
	struct notify_flush	*f;
	size_t			 i, n;
	ad_dur_t		 timeout;

	f = xcalloc(1, sizeof(*f));
	n = fpmap_len(&ag->alerts);
	f->alerts = xcalloc(n, sizeof(*f->alerts));
	n = aggr_alerts(ag, f->alerts);
	sort_alerts(f->alerts, n);
	ag->sent = xreallocarray(ag->sent, n, sizeof(*ag->sent));
	for (i = 0; i < n; i++) {
		f->alerts[i] = flush_copy(f->alerts[i], now);
		ag->sent[i].fp = f->alerts[i]->fp;
		ag->sent[i].updated_at = f->alerts[i]->updated_at;
		ag->sent[i].resolved = f->alerts[i]->ends_at != AD_TIME_ZERO;
	}
	ag->n_sent = n;
	f->n_alerts = n;
	f->receiver = r->receiver;
	f->group_key = xstrdup(ag->key);
	f->group_labels = labels_ref(ag->labels);
	f->repeat_interval = r->repeat_interval;
	f->mute_time_intervals = r->mute_time_intervals;
	f->n_mute_time_intervals = r->n_mute_time_intervals;
	f->active_time_intervals = r->active_time_intervals;
	f->n_active_time_intervals = r->n_active_time_intervals;
	f->now = flush_now;
	timeout = r->group_interval < AGGR_MIN_TIMEOUT ? AGGR_MIN_TIMEOUT :
	    r->group_interval;
	f->deadline = now + timeout;
	return f;
}

struct notify_flush *
aggr_tick(struct aggr *ag, ad_time_t now)
{
	ad_time_t	flush_now = now;

	if (ag->in_flight) {
		/* Go's timer channel holds the tick until the loop is back. */
		ag->tick_waiting = true;
		ag->tick_due = ag->next;
		ag->next = AGGR_NEVER;
		return NULL;
	}
	if (ag->tick_waiting) {
		flush_now = ag->tick_due;
		ag->tick_waiting = false;
	}
	ag->next = now + ag->route->group_interval;
	ag->has_flushed = true;
	if (aggr_empty(ag))
		return NULL;
	ag->in_flight = true;
	return aggr_build_flush(ag, flush_now, now);
}

bool
aggr_flush_done(struct aggr *ag, bool ok)
{
	struct alert	*cur;
	size_t		 i;

	ag->in_flight = false;
	for (i = 0; ok && i < ag->n_sent; i++) {
		if (!ag->sent[i].resolved)
			continue;
		cur = fpmap_get(&ag->alerts, ag->sent[i].fp);
		if (cur == NULL || cur->updated_at != ag->sent[i].updated_at)
			continue;
		fpmap_del(&ag->alerts, ag->sent[i].fp);
		alert_unref(cur);
	}
	ag->n_sent = 0;
	return ag->tick_waiting;
}

void
aggr_flush_free(struct notify_flush *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_alerts; i++)
		alert_unref(f->alerts[i]);
	free(f->alerts);
	free(f->group_key);
	labels_unref(f->group_labels);
	free(f);
}

/* ---------------------------------------------------------- timer heap */

void
aggr_heap_init(struct aggr_heap *h)
{
	h->v = NULL;
	h->n = h->alloc = 0;
}

void
aggr_heap_release(struct aggr_heap *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		h->v[i]->heap_idx = SIZE_MAX;
	free(h->v);
	aggr_heap_init(h);
}

static void
heap_set(struct aggr_heap *h, size_t i, struct aggr *ag)
{
	h->v[i] = ag;
	ag->heap_idx = i;
}

static void
heap_up(struct aggr_heap *h, size_t i)
{
	struct aggr	*ag = h->v[i];
	size_t		 p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (h->v[p]->next <= ag->next)
			break;
		heap_set(h, i, h->v[p]);
		i = p;
	}
	heap_set(h, i, ag);
}

static void
heap_down(struct aggr_heap *h, size_t i)
{
	struct aggr	*ag = h->v[i];
	size_t		 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->next < h->v[c]->next)
			c++;
		if (ag->next <= h->v[c]->next)
			break;
		heap_set(h, i, h->v[c]);
		i = c;
	}
	heap_set(h, i, ag);
}

void
aggr_heap_remove(struct aggr_heap *h, struct aggr *ag)
{
	size_t		 i = ag->heap_idx;
	struct aggr	*last;

	if (i == SIZE_MAX)
		return;
	ag->heap_idx = SIZE_MAX;
	last = h->v[--h->n];
	if (i == h->n)
		return;
	heap_set(h, i, last);
	heap_up(h, i);
	heap_down(h, last->heap_idx);
}

void
aggr_heap_update(struct aggr_heap *h, struct aggr *ag)
{
	if (ag->next == AGGR_NEVER) {
		aggr_heap_remove(h, ag);
		return;
	}
	if (ag->heap_idx == SIZE_MAX) {
		if (h->n == h->alloc) {
			h->alloc = h->alloc != 0 ? h->alloc * 2 : 64;
			h->v = xreallocarray(h->v, h->alloc, sizeof(*h->v));
		}
		heap_set(h, h->n, ag);
		h->n++;
		heap_up(h, h->n - 1);
		return;
	}
	heap_up(h, ag->heap_idx);
	heap_down(h, ag->heap_idx);
}

struct aggr *
aggr_heap_top(const struct aggr_heap *h)
{
	return h->n > 0 ? h->v[0] : NULL;
}

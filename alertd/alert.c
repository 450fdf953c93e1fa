/*
 * Alerts: creation, refcounting and Alertmanager's merge rules
 * (types.Alert.Merge and provider/mem's overlap test).
 */
#include "alertd/alert.h"

#include <stdlib.h>

#include "alertd/alert_memo.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"

static struct alert *
alert_alloc(struct labels *labels, struct labels *annotations,
    const char *generator_url, uint64_t fp, ad_time_t starts_at,
    ad_time_t ends_at, ad_time_t updated_at, bool timeout)
{
	struct alert	*a;

	a = xcalloc(1, sizeof(*a));
	atomic_init(&a->refs, 1);
	a->labels = labels;
	a->annotations = annotations != NULL ? annotations : labels_empty();
	a->generator_url = xstrdup(generator_url != NULL ? generator_url : "");
	a->fp = fp;
	a->starts_at = starts_at;
	a->ends_at = ends_at;
	a->updated_at = updated_at;
	a->timeout = timeout;
	return a;
}

struct alert *
alert_new(struct labels *labels, struct labels *annotations,
    const char *generator_url, ad_time_t starts_at, ad_time_t ends_at,
    ad_time_t updated_at, bool timeout)
{
	return alert_alloc(labels, annotations, generator_url,
	    labels_fingerprint(labels), starts_at, ends_at, updated_at,
	    timeout);
}

struct alert *
alert_ref(struct alert *a)
{
	atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
	return a;
}

void
alert_unref(struct alert *a)
{
	if (a == NULL)
		return;
	if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) != 1)
		return;
	labels_unref(a->labels);
	labels_unref(a->annotations);
	free(a->generator_url);
	alert_memo_free(atomic_load_explicit(&a->memo, memory_order_relaxed));
	free(a);
}

bool
alert_resolved_at(const struct alert *a, ad_time_t ts)
{
	if (a->ends_at == AD_TIME_ZERO)
		return false;
	return a->ends_at <= ts;
}

/* Go's t.After(u) and t.Before(u) with the zero time as the earliest. */
#define AFTER(t, u)	((t) > (u))
#define BEFORE(t, u)	((t) < (u))

struct alert *
alert_merge(const struct alert *a, const struct alert *o)
{
	struct alert	*res;
	ad_time_t	 now;

	/* Let o always be the younger alert. */
	if (BEFORE(o->updated_at, a->updated_at))
		return alert_merge(o, a);
	/* Same labels, same fingerprint: no need to hash them again. */
	res = alert_alloc(labels_ref(o->labels), labels_ref(o->annotations),
	    o->generator_url, o->fp, o->starts_at, o->ends_at, o->updated_at,
	    o->timeout);
	res->starts_off = o->starts_off;
	res->ends_off = o->ends_off;
	if (BEFORE(a->starts_at, o->starts_at)) {
		res->starts_at = a->starts_at;
		res->starts_off = a->starts_off;
	}
	/* Alertmanager evaluates Resolved() against the wall clock here. */
	now = ad_now();
	if (alert_resolved_at(o, now)) {
		if (alert_resolved_at(a, now) &&
		    AFTER(a->ends_at, o->ends_at)) {
			res->ends_at = a->ends_at;
			res->ends_off = a->ends_off;
		}
	} else {
		if (AFTER(a->ends_at, o->ends_at) && !a->timeout) {
			res->ends_at = a->ends_at;
			res->ends_off = a->ends_off;
		}
	}
	return res;
}

bool
alert_overlaps(const struct alert *old, const struct alert *b)
{
	return (AFTER(b->ends_at, old->starts_at) &&
	    BEFORE(b->ends_at, old->ends_at)) ||
	    (AFTER(b->starts_at, old->starts_at) &&
	    BEFORE(b->starts_at, old->ends_at));
}

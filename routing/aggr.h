/*
 * aggr: an aggregation group (Alertmanager's dispatch.aggrGroup): the
 * alerts of one route that share the same group labels, and the group's
 * timer, as a pure state machine driven by an explicit `now`.
 *
 * Timing, as Alertmanager 0.25:
 *  - a new group's timer fires group_wait after its creation, or at once
 *    if an inserted alert started more than group_wait ago and the group
 *    has not flushed yet;
 *  - when the timer fires (aggr_tick) it is re-armed to group_interval
 *    first, then the whole group is flushed: every alert, sorted as
 *    types.AlertSlice sorts them, firing ones with a zero endsAt; an
 *    empty group sends nothing;
 *  - a flush is asynchronous here: while it is in flight the group's
 *    timer is parked (aggr_next() == AGGR_NEVER); a tick that falls due
 *    meanwhile waits and runs as soon as the flush completes, as Go's
 *    buffered timer channel delivers it late;
 *  - after a successful flush, alerts that were resolved in it leave the
 *    group unless they were updated since (UpdatedAt compared).
 * repeat_interval is the pipeline's business (its dedup stage).
 *
 * A group holds a reference to each of its alerts.  Thread: the
 * dispatcher's; readers on other threads (the API) need the dispatcher's
 * lock around every call.
 */
#ifndef ALERTD_ROUTING_AGGR_H
#define ALERTD_ROUTING_AGGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct alert;
struct labels;
struct notify_flush;
struct route;

#define AGGR_NEVER	INT64_MAX

/* Alertmanager's notify.MinTimeout: the least time a flush is given. */
#define AGGR_MIN_TIMEOUT	(10 * AD_SEC)

struct aggr;

/*
 * A new empty group for route r, created at now: its timer fires at
 * now + group_wait.  Takes ownership of group_labels; fp is their
 * fingerprint.  r must outlive the group.
 */
struct aggr	*aggr_new(const struct route *r, struct labels *group_labels,
		    uint64_t fp, ad_time_t now);
void		 aggr_free(struct aggr *ag);		/* NULL is fine */

const struct route *aggr_route(const struct aggr *ag);
struct labels	*aggr_labels(const struct aggr *ag);	/* borrowed */
uint64_t	 aggr_fp(const struct aggr *ag);
const char	*aggr_key(const struct aggr *ag);	/* group key */
size_t		 aggr_len(const struct aggr *ag);
bool		 aggr_empty(const struct aggr *ag);
bool		 aggr_in_flight(const struct aggr *ag);
bool		 aggr_has_flushed(const struct aggr *ag);
/* When the timer fires next, or AGGR_NEVER while a flush is in flight. */
ad_time_t	 aggr_next(const struct aggr *ag);

/*
 * store.Alerts.Set, then aggrGroup.insert's check: replaces the alert
 * with the same fingerprint (takes a reference to a).  Returns true if
 * the timer moved (the caller re-sorts its timer heap).
 */
bool		 aggr_insert(struct aggr *ag, struct alert *a, ad_time_t now);

/*
 * The timer fired; now is the current time.  Returns the flush to hand
 * to the pipeline (owned by the caller, who sets cfg, done and arg), or
 * NULL when there is nothing to send (the group is empty, or a flush is
 * in flight: then the tick waits for aggr_flush_done).
 */
struct notify_flush *aggr_tick(struct aggr *ag, ad_time_t now);

/*
 * The in-flight flush ended (ok: every integration succeeded).  Returns
 * true when a tick fell due meanwhile: the caller calls aggr_tick now.
 */
bool		 aggr_flush_done(struct aggr *ag, bool ok);

/*
 * The group's alerts, unsorted, borrowed (valid until the group changes):
 * out must have room for aggr_len() entries.  Returns how many.
 */
size_t		 aggr_alerts(const struct aggr *ag, struct alert **out);

/* types.AlertSlice.Less as a qsort comparator (job, instance, labels). */
int		 aggr_alert_cmp(const struct alert *a, const struct alert *b);
/* model.LabelSet.Before as a comparator (size first, then labels). */
int		 aggr_labels_cmp(const struct labels *a,
		    const struct labels *b);

/* Frees a flush that was never handed over (tests, shutdown). */
void		 aggr_flush_free(struct notify_flush *f);

/*
 * A min-heap of groups by aggr_next(): the dispatcher's timers.  A group
 * is in at most one heap; groups whose next is AGGR_NEVER are kept out.
 */
struct aggr_heap {
	struct aggr	**v;
	size_t		  n, alloc;
};

void		 aggr_heap_init(struct aggr_heap *h);
void		 aggr_heap_release(struct aggr_heap *h);	/* not the groups */
/* Puts ag where aggr_next(ag) says: inserts, moves or removes it. */
void		 aggr_heap_update(struct aggr_heap *h, struct aggr *ag);
void		 aggr_heap_remove(struct aggr_heap *h, struct aggr *ag);
/* The group that fires first, or NULL. */
struct aggr	*aggr_heap_top(const struct aggr_heap *h);

#endif

/*
 * dispatch: the dispatcher (Alertmanager's dispatch.Dispatcher): routes
 * every alert update to its aggregation groups, runs the groups' timers
 * and hands each flush to the notification pipeline.
 *
 * One dispatcher serves one config generation.  A reload stops it and
 * starts a new one on the new route tree, which re-subscribes to the
 * alert store and so rebuilds every group from the stored alerts (an
 * alert older than group_wait then flushes at once; the notification
 * log keeps that from repeating anything): Alertmanager does the same.
 *
 * It is a pure state machine driven by an explicit `now`
 * (dispatch_step), wrapped in a thin thread (dispatch_start/stop) that
 * sleeps until the next timer or message.  Input arrives through a
 * queue that never blocks the poster: alert updates from the store's
 * subscription (dispatch_post_alert, called on HTTP threads) and flush
 * completions (the pipeline's done callback, on the notify thread).
 * Flushes leave through hooks->submit, called on the dispatcher thread
 * without any dispatcher lock held.
 *
 * Empty groups are removed every DISPATCH_CLEANUP_INTERVAL, as
 * Alertmanager's 30 s maintenance ticker does (so a group that emptied
 * less than that ago is reused, already flushed: no group_wait).
 *
 * Threads: dispatch_post_alert and dispatch_groups_* from any thread;
 * dispatch_step and dispatch_next_wakeup on the dispatcher thread only
 * (or, in tests, on the test's only thread).
 */
#ifndef ALERTD_ROUTING_DISPATCH_H
#define ALERTD_ROUTING_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_err;
struct alert;
struct labels;
struct notify_flush;
struct route;
struct route_tree;

#define DISPATCH_CLEANUP_INTERVAL	(30 * AD_SEC)

struct dispatch_hooks {
	/*
	 * Hands a flush to the pipeline; takes ownership of f.  The
	 * dispatcher has filled everything but f->cfg, which the hook sets
	 * (a config reference: the hook knows the generation).  f->done
	 * must be called exactly once, from any thread, even when the flush
	 * is dropped.  Dispatcher thread; must not block.
	 */
	void	(*submit)(void *arg, struct notify_flush *f);
	void	*arg;
};

struct dispatch_stats {
	size_t		groups;		/* alertmanager_dispatcher_aggregation_groups */
	uint64_t	alerts;		/* alert updates routed */
	uint64_t	flushes;	/* flushes handed to the pipeline */
	uint64_t	flushes_failed;
	uint64_t	processing_ns;	/* ..._alert_processing_duration_seconds */
	size_t		queued;		/* messages waiting */
};

struct dispatch;

/*
 * A dispatcher for tree (borrowed: it must outlive the dispatcher),
 * created at now (the cleanup ticker starts then).  Hooks are copied.
 */
struct dispatch	*dispatch_new(const struct route_tree *tree,
		    const struct dispatch_hooks *hooks, ad_time_t now);
/* Stops the thread if running, drops queued input, frees every group. */
void		 dispatch_free(struct dispatch *d);	/* NULL is fine */

/* Starts the dispatcher thread (log component "dispatcher"). */
int		 dispatch_start(struct dispatch *d, struct ad_err *err);
/*
 * Stops the thread and closes the queue: later posts and flush
 * completions are dropped (in-flight flushes go on in the pipeline).
 * The groups stay readable until dispatch_free.
 */
void		 dispatch_stop(struct dispatch *d);

/*
 * An alert update (the store subscription's callback): queued, never
 * blocks on the dispatcher.  Takes a new reference to a.  Any thread.
 */
void		 dispatch_post_alert(struct dispatch *d, struct alert *a);

/*
 * The state machine: processes the queued input and the timers due at
 * now, then submits the resulting flushes.  Dispatcher thread.
 */
void		 dispatch_step(struct dispatch *d, ad_time_t now);
/* When dispatch_step must run next (timers only), or AGGR_NEVER. */
ad_time_t	 dispatch_next_wakeup(const struct dispatch *d);
/* Is input waiting? */
bool		 dispatch_pending(struct dispatch *d);

void		 dispatch_stats(struct dispatch *d, struct dispatch_stats *st);

/*
 * For GET /api/v2/alerts/groups (Dispatcher.Groups): a copy of the
 * groups whose route passes route_ok (NULL: every group), taken under
 * the dispatcher's lock for as long as copying references takes.  The
 * view holds references to labels and alerts; route pointers and the
 * receiver names are the tree's and the config's, so the caller keeps
 * the generation alive while it uses them.  Any thread.
 */
struct dispatch_group {
	const struct route	 *route;
	const char		 *receiver;
	struct labels		 *labels;	/* reference */
	struct alert		**alerts;	/* references, unsorted */
	size_t			  n_alerts;
};

size_t		 dispatch_groups_get(struct dispatch *d,
		    bool (*route_ok)(void *arg, const struct route *r),
		    void *arg, struct dispatch_group **out);
void		 dispatch_groups_free(struct dispatch_group *v, size_t n);

#endif

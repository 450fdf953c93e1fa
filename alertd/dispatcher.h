/*
 * dispatcher: the daemon's routing service.  It owns, per config
 * generation, the route tree, the inhibitor and the dispatcher
 * (routing/), feeds them from the alert store, hands flushes to the
 * notification pipeline, and answers the API's routing questions.
 *
 * As Alertmanager's main.go does on every (re)load: the old inhibitor
 * and dispatcher stop, new ones start on the new config and subscribe
 * to the store, which replays every stored alert to them (groups are
 * rebuilt; the notification log keeps that from sending duplicates).
 *
 * Hooks registered on struct alertd (see alertd.h):
 *   reload     builds and starts the generation for each loaded config;
 *   receivers  route matching on the current tree (GET /api/v2/alerts);
 *   status     inhibitedBy, computed afresh (inhibit_mutes);
 *   groups     GET /api/v2/alerts/groups from the live groups;
 *   stop       stops the dispatcher at shutdown.
 * dispatcher_inhibited is the pipeline's `inhibited` muter (struct
 * notify_muters, arg: the service): main.c installs it with the
 * silences' muter.
 *
 * A generation is refcounted: API requests hold it while they read its
 * tree or groups, so a reload never frees what a request uses.
 * Thread: hooks on whichever thread alertd runs them; see alertd.h.
 */
#ifndef ALERTD_ALERTD_DISPATCHER_H
#define ALERTD_ALERTD_DISPATCHER_H

#include <stdbool.h>

#include "alertd/timeutil.h"

struct alert;
struct alertd;
struct dispatcher;
struct pipeline;

/*
 * Creates the service and registers its hooks on ad; flushes go to p
 * (both borrowed; they outlive the service).  Main thread, at startup,
 * before the first config load.
 */
struct dispatcher *dispatcher_new(struct alertd *ad, struct pipeline *p);
/*
 * Frees the service.  Call after the stop hook ran and after the notify
 * thread stopped (pipeline.h's shutdown order).  NULL is fine.
 */
void		 dispatcher_free(struct dispatcher *svc);

/*
 * Inhibitor.Mutes for the pipeline's inhibition stage: arg is the
 * service.  Dispatcher thread (also safe on any other).
 */
bool		 dispatcher_inhibited(void *arg, const struct alert *a,
		    ad_time_t now);

#endif

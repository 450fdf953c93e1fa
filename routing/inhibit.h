/*
 * inhibit: inhibition rules (Alertmanager's inhibit.Inhibitor).
 *
 * An alert matching a rule's target side is muted while an alert
 * matching its source side is firing and both carry the same values for
 * every label in `equal` (a label missing from both counts as equal: it
 * reads as "").  An alert that matches both sides of a rule is not
 * inhibited by another alert that also matches both sides.  Rules are
 * tried in config order; the first that mutes wins.
 *
 * Each rule keeps a cache of the alerts matching its source side, fed by
 * the alert store's subscription (inhibit_put), indexed by the values of
 * its `equal` labels so that a check looks only at the candidates that
 * can match.  Resolved alerts are skipped at check time and dropped from
 * the caches every INHIBIT_GC_INTERVAL (Alertmanager's 15 minutes).
 *
 * One inhibitor serves one config generation and borrows its rules (the
 * config must outlive it); a reload builds a new one and feeds it every
 * stored alert again.
 *
 * Thread: any.  inhibit_put takes a short write lock (no I/O, no call
 * out); inhibit_mutes a read lock.
 */
#ifndef ALERTD_ROUTING_INHIBIT_H
#define ALERTD_ROUTING_INHIBIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct alert;
struct config_inhibit_rule;
struct labels;

#define INHIBIT_GC_INTERVAL	(15 * AD_MIN)

struct inhibit;

/* An inhibitor for rules[0..n) (borrowed), as struct config holds them. */
struct inhibit	*inhibit_new(struct config_inhibit_rule *const *rules,
		    size_t n);
void		 inhibit_free(struct inhibit *ih);	/* NULL is fine */

/*
 * An alert update (the store subscription's callback): cached by every
 * rule whose source side it matches, replacing the previous version.
 * Takes new references as needed.  Also runs the periodic GC.
 */
void		 inhibit_put(struct inhibit *ih, struct alert *a);

/*
 * Inhibitor.Mutes: is an alert with labels ls inhibited at now?  If so
 * and by is not NULL, *by is the fingerprint of an inhibiting alert
 * (Alertmanager reports exactly one: status.inhibitedBy has one entry).
 * Computed afresh on every call.
 */
bool		 inhibit_mutes(struct inhibit *ih, const struct labels *ls,
		    ad_time_t now, uint64_t *by);

/* The pipeline's `inhibited` muter (struct notify_muters); arg is ih. */
bool		 inhibit_muter(void *arg, const struct alert *a, ad_time_t now);

/* Drops cached alerts resolved at now. */
void		 inhibit_gc(struct inhibit *ih, ad_time_t now);

/* How many alerts the rules cache (tests, metrics). */
size_t		 inhibit_cached(struct inhibit *ih);

#endif

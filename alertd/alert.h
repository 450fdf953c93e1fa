/*
 * alert: one alert as Alertmanager's types.Alert holds it.
 *
 * An alert is immutable once created and shared by reference between the
 * store, the dispatcher's aggregation groups, the inhibitor and the API
 * (alert_ref / alert_unref are atomic).  An update builds a new alert
 * (alert_merge) and replaces the old one where it was stored.
 *
 * Times are ad_time_t (ns since the epoch; AD_TIME_ZERO is Go's zero
 * time).  ends_at is set for every stored alert: the API fills it with
 * now + resolve_timeout when the client sent none, and marks the alert
 * "timeout" (Alertmanager's Alert.Timeout).  Thread: any.
 */
#ifndef ALERTD_ALERTD_ALERT_H
#define ALERTD_ALERTD_ALERT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct alert_memo;
struct labels;

struct alert {
	atomic_uint	 refs;
	struct labels	*labels;
	struct labels	*annotations;
	char		*generator_url;		/* never NULL ("" when unset) */
	uint64_t	 fp;			/* labels_fingerprint(labels) */
	ad_time_t	 starts_at;
	ad_time_t	 ends_at;
	ad_time_t	 updated_at;
	bool		 timeout;
	/*
	 * UTC offsets (seconds east) of starts_at and ends_at as the client
	 * wrote them: Go's time.Time keeps its zone, and Alertmanager's API
	 * prints "2020-01-01T00:00:00.000+02:00" back.  0 prints as "Z".
	 */
	int32_t		 starts_off;
	int32_t		 ends_off;
	/*
	 * What the API derived from the alert (alertd/alert_memo.h): a
	 * cache, built lazily, freed with the alert; NULL until then.
	 */
	_Atomic(struct alert_memo *) memo;
};

/*
 * Takes ownership of labels and annotations (also of NULL annotations,
 * meaning the empty set); copies generator_url (NULL means "").
 * Computes the fingerprint.  refs = 1.
 */
struct alert	*alert_new(struct labels *labels, struct labels *annotations,
		    const char *generator_url, ad_time_t starts_at,
		    ad_time_t ends_at, ad_time_t updated_at, bool timeout);
struct alert	*alert_ref(struct alert *a);
void		 alert_unref(struct alert *a);		/* NULL is fine */

/* model.Alert.ResolvedAt: ends_at is set and not after ts. */
bool		 alert_resolved_at(const struct alert *a, ad_time_t ts);

/*
 * types.Alert.Merge: the younger (by updated_at) alert's fields, the
 * earliest starts_at, and the later ends_at where Alertmanager takes it
 * (both resolved: latest wins; firing: a later non-timeout end wins).
 * A time taken from an alert keeps its UTC offset.  Returns a new alert.
 */
struct alert	*alert_merge(const struct alert *a, const struct alert *b);

/*
 * provider/mem's rule for merging a new alert b into the stored a: their
 * activity ranges overlap (b ends inside a, or b starts inside a).
 */
bool		 alert_overlaps(const struct alert *old, const struct alert *b);

#endif

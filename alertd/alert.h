/*
 * alert: one alert as Alertmanager's types.Alert holds it.
 *
 * An alert is immutable once created and shared by reference between the
 * store, the dispatcher's aggregation groups, the inhibitor and the API
 * (alert_ref / alert_unref are atomic).  An update builds a new alert
 * (alert_merge) and replaces the old one where it was stored.  Read its
 * label sets and generatorURL through alert_labels, alert_annotations
 * and alert_generator_url.
 *
 * Two forms behind the same accessors: alert_new makes a loose alert
 * (the sets it was given, by reference, and a copy of the URL), and the
 * store keeps packed ones (alert_pack): one allocation holding the
 * header, both sets packed (labels.h: names and recurring values shared,
 * the rest inline) and the URL as the annotations' hidden extra value.
 * A packed alert of a benchmark alert with 8 labels and 2 annotations is
 * about 190 bytes, most of it the text unique to the alert.
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
#include "routing/labels.h"

struct alert_memo;

/* struct alert.owner.flags */
#define ALERT_PACKED	0x01
#define ALERT_TIMEOUT	0x02
#define ALERT_POOLED	0x04		/* the block is pool_alloc'ed */
#define ALERT_OFFS	0x08		/* packed: offsets after the head */

struct alert {
	struct labels_owner owner;	/* refs; flags; aux: annotations */
	uint64_t	 fp;			/* labels_fingerprint(labels) */
	ad_time_t	 starts_at;
	ad_time_t	 ends_at;
	ad_time_t	 updated_at;
	/*
	 * What the API derived from the alert (alertd/alert_memo.h): a
	 * cache, built lazily, freed with the alert; NULL until then.
	 * Never copied with the alert (alert_copy starts it empty).
	 */
	_Atomic(struct alert_memo *) memo;
	/*
	 * Loose: struct alert_loose_.  Packed: with ALERT_OFFS the UTC
	 * offsets (int32_t[2], alert_starts_off), then the sets and their
	 * text.  Most clients send UTC times: a packed alert keeps room for
	 * its offsets only when one of them is not 0.
	 */
};

struct alert_loose_ {
	struct labels	*labels;
	struct labels	*annotations;
	int32_t		 offs[2];
	char		 url[];
};

/* Where the offsets are, or NULL (a packed alert without them). */
static inline int32_t *
alert_offs_(const struct alert *a)
{
	if (!(a->owner.flags & ALERT_PACKED))
		return ((struct alert_loose_ *)(uintptr_t)(a + 1))->offs;
	if (a->owner.flags & ALERT_OFFS)
		return (int32_t *)(uintptr_t)(a + 1);
	return NULL;
}

/*
 * The UTC offsets (seconds east) of starts_at and ends_at as the client
 * wrote them: Go's time.Time keeps its zone, and Alertmanager's API
 * prints "2020-01-01T00:00:00.000+02:00" back.  0 prints as "Z".
 */
static inline int32_t
alert_starts_off(const struct alert *a)
{
	const int32_t	*o = alert_offs_(a);

	return o != NULL ? o[0] : 0;
}

static inline int32_t
alert_ends_off(const struct alert *a)
{
	const int32_t	*o = alert_offs_(a);

	return o != NULL ? o[1] : 0;
}

/*
 * Sets the offsets of an alert not yet published.  A loose alert has
 * room for any; a packed one only if it was packed with offsets (or
 * both are 0): alert_copy keeps the room of the alert copied.
 */
void		 alert_set_offs(struct alert *a, int32_t starts_off,
		    int32_t ends_off);

/* The alert's labels (borrowed; labels_ref keeps the alert alive). */
static inline struct labels *
alert_labels(const struct alert *a)
{
	if (a->owner.flags & ALERT_PACKED)
		return (struct labels *)(uintptr_t)((const char *)(a + 1) +
		    ((a->owner.flags & ALERT_OFFS) ? 2 * sizeof(int32_t) : 0));
	return ((const struct alert_loose_ *)(const void *)(a + 1))->labels;
}

/* The annotations (borrowed, as alert_labels). */
static inline struct labels *
alert_annotations(const struct alert *a)
{
	if (a->owner.flags & ALERT_PACKED)
		return (struct labels *)(uintptr_t)((const char *)a +
		    a->owner.aux);
	return ((const struct alert_loose_ *)(const void *)(a + 1))->
	    annotations;
}

/* The generatorURL, never NULL ("" when unset). */
const char	*alert_generator_url(const struct alert *a);

/*
 * template.Data's CommonLabels (annotations false) or CommonAnnotations
 * of alerts[0..n): the pairs of the first alert whose value every other
 * alert has, a missing name counting as "" as in Go's map lookup (an
 * empty annotation value stays common when others lack it).  A new set
 * (labels_unref it); the empty set when n is 0.
 */
struct labels	*alert_common(struct alert *const *alerts, size_t n,
		    bool annotations);

/* Alertmanager's Alert.Timeout: ends_at was filled in by the API. */
static inline bool
alert_timeout(const struct alert *a)
{
	return (a->owner.flags & ALERT_TIMEOUT) != 0;
}

/*
 * Takes ownership of labels and annotations (also of NULL annotations,
 * meaning the empty set); copies generator_url (NULL means "").
 * Computes the fingerprint.  refs = 1.  The alert is loose.
 */
struct alert	*alert_new(struct labels *labels, struct labels *annotations,
		    const char *generator_url, ad_time_t starts_at,
		    ad_time_t ends_at, ad_time_t updated_at, bool timeout);
struct alert	*alert_ref(struct alert *a);
void		 alert_unref(struct alert *a);		/* NULL is fine */

/*
 * The packed form of a (takes ownership of a; returns a itself when it is
 * packed already, or cannot be packed).  hint: an alert that a likely
 * resembles (the one it replaces): its shapes are reused when they fit,
 * so that a re-sent alert costs no interning.  Use before publishing.
 */
struct alert	*alert_pack(struct alert *a, const struct alert *hint);

/*
 * A copy of a that the caller may change before publishing it (times,
 * offsets, alert_set_timeout): same labels, annotations and URL.
 */
struct alert	*alert_copy(const struct alert *a);
void		 alert_set_timeout(struct alert *a, bool timeout);

/* model.Alert.ResolvedAt: ends_at is set and not after ts. */
bool		 alert_resolved_at(const struct alert *a, ad_time_t ts);

/*
 * types.Alert.Merge: the younger (by updated_at) alert's fields, the
 * earliest starts_at, and the later ends_at where Alertmanager takes it
 * (both resolved: latest wins; firing: a later non-timeout end wins).
 * A time taken from an alert keeps its UTC offset.  Returns a new alert,
 * packed whenever it can be (the other alert is the packing hint).
 */
struct alert	*alert_merge(const struct alert *a, const struct alert *b);

/*
 * provider/mem's rule for merging a new alert b into the stored a: their
 * activity ranges overlap (b ends inside a, or b starts inside a).
 */
bool		 alert_overlaps(const struct alert *old, const struct alert *b);

#endif

/*
 * Alerts: creation, packing, refcounting and Alertmanager's merge rules
 * (types.Alert.Merge and provider/mem's overlap test).
 *
 * A packed alert is one block:
 *
 *	struct alert | labels set | annotations set | inline strings
 *
 * both sets 4-byte aligned, the annotations' offset in owner.aux, and
 * the generatorURL the annotations' extra value (labels.h).
 */
#include "alertd/alert.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert_memo.h"
#include "alertd/pool.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"

#define ALIGN4(n)	(((n) + 3) & ~(size_t)3)

_Static_assert(sizeof(struct alert) == 48, "alert head");

static struct alert_loose_ *
loose(const struct alert *a)
{
	return (struct alert_loose_ *)(uintptr_t)(a + 1);
}

static void
alert_free(struct labels_owner *o)
{
	struct alert	*a = (struct alert *)(void *)o;

	if (a->owner.flags & ALERT_PACKED) {
		labels_embedded_release(alert_labels(a));
		labels_embedded_release(alert_annotations(a));
	} else {
		labels_unref(loose(a)->labels);
		labels_unref(loose(a)->annotations);
	}
	alert_memo_free(atomic_load_explicit(&a->memo, memory_order_relaxed));
	if (a->owner.flags & ALERT_POOLED)
		pool_free(a);
	else
		free(a);
}

static pthread_once_t	once = PTHREAD_ONCE_INIT;

/* labels_unref on an alert's set may free the alert: tell labels.c how. */
static void
register_owner(void)
{
	labels_owner_register(LABELS_OWNER_ALERT, alert_free);
}

/*
 * A block of size bytes.  Packed alerts live long (in the store): they
 * come from the pool, away from the HTTP threads' request buffers.
 */
static struct alert *
alert_block(size_t size, uint8_t flags)
{
	struct alert	*a;

	pthread_once(&once, register_owner);
	if ((flags & ALERT_PACKED) && size <= POOL_MAX) {
		a = pool_alloc(size);
		flags |= ALERT_POOLED;
	} else
		a = xmalloc(size);
	atomic_init(&a->owner.refs, 1);
	a->owner.type = LABELS_OWNER_ALERT;
	a->owner.flags = flags;
	a->owner.aux = 0;
	atomic_init(&a->memo, NULL);
	return a;
}

/* The header fields but the owner's. */
static void
copy_head(struct alert *dst, const struct alert *src)
{
	dst->fp = src->fp;
	dst->starts_at = src->starts_at;
	dst->ends_at = src->ends_at;
	dst->updated_at = src->updated_at;
	alert_set_timeout(dst, alert_timeout(src));
}

void
alert_set_offs(struct alert *a, int32_t starts_off, int32_t ends_off)
{
	int32_t	*o = alert_offs_(a);

	if (o == NULL) {
		if (starts_off != 0 || ends_off != 0)
			abort();	/* packed without room: a bug */
		return;
	}
	o[0] = starts_off;
	o[1] = ends_off;
}

struct alert *
alert_new(struct labels *labels, struct labels *annotations,
    const char *generator_url, ad_time_t starts_at, ad_time_t ends_at,
    ad_time_t updated_at, bool timeout)
{
	struct alert	*a;
	const char	*url = generator_url != NULL ? generator_url : "";
	size_t		 ulen = strlen(url);

	a = alert_block(sizeof(*a) + sizeof(struct alert_loose_) + ulen + 1,
	    timeout ? ALERT_TIMEOUT : 0);
	loose(a)->labels = labels;
	loose(a)->annotations = annotations != NULL ? annotations :
	    labels_empty();
	memcpy(loose(a)->url, url, ulen + 1);
	a->fp = labels_fingerprint(labels);
	a->starts_at = starts_at;
	a->ends_at = ends_at;
	a->updated_at = updated_at;
	loose(a)->offs[0] = loose(a)->offs[1] = 0;
	return a;
}

struct alert *
alert_ref(struct alert *a)
{
	atomic_fetch_add_explicit(&a->owner.refs, 1, memory_order_relaxed);
	return a;
}

void
alert_unref(struct alert *a)
{
	if (a != NULL && labels_owner_unref(&a->owner))
		alert_free(&a->owner);
}

const char *
alert_generator_url(const struct alert *a)
{
	const char	*v;

	if (!(a->owner.flags & ALERT_PACKED))
		return loose(a)->url;
	v = labels_extra(alert_annotations(a));
	return v != NULL ? v : "";
}

void
alert_set_timeout(struct alert *a, bool timeout)
{
	if (timeout)
		a->owner.flags |= ALERT_TIMEOUT;
	else
		a->owner.flags &= (uint8_t)~ALERT_TIMEOUT;
}

/* Block layout of a packed alert (see the top comment). */
struct layout {
	bool	wide;
	size_t	ann_off, str_off, total;
};

static void
lay_out(struct layout *l, const struct labels_pack *pl,
    const struct labels_pack *pa, size_t head)
{
	l->wide = false;
	for (;;) {
		l->ann_off = head + ALIGN4(labels_pack_size(pl, l->wide));
		l->str_off = l->ann_off + ALIGN4(labels_pack_size(pa, l->wide));
		l->total = l->str_off + pl->bytes + pa->bytes;
		/* 16-bit offsets reach the end from either set. */
		if (l->wide || l->total <= UINT16_MAX)
			return;
		l->wide = true;
	}
}

/*
 * A packed alert with src's content and head, and the offsets soff and
 * eoff, or NULL if it cannot be.
 */
static struct alert *
build_packed(const struct alert *src, const struct alert *hint,
    int32_t soff, int32_t eoff)
{
	struct labels_pack	 pl, pa;
	struct layout		 l;
	struct labels		*hl = NULL, *ha = NULL;
	struct alert		*a;
	const char		*url = alert_generator_url(src);
	size_t			 head = sizeof(*a);

	if (soff != 0 || eoff != 0)
		head += 2 * sizeof(int32_t);

	if (hint != NULL && (hint->owner.flags & ALERT_PACKED)) {
		hl = alert_labels(hint);
		ha = alert_annotations(hint);
	}
	if (labels_pack_plan(&pl, alert_labels(src), NULL, hl,
	    LABELS_SHARE_LABELS) == -1)
		return NULL;
	if (labels_pack_plan(&pa, alert_annotations(src),
	    url[0] != '\0' ? url : NULL, ha, LABELS_SHARE_ANNOTATIONS) == -1) {
		labels_pack_release(&pl);
		return NULL;
	}
	lay_out(&l, &pl, &pa, head);
	if (l.ann_off > UINT16_MAX) {
		labels_pack_release(&pl);
		labels_pack_release(&pa);
		return NULL;
	}
	a = alert_block(l.total, (uint8_t)(ALERT_PACKED |
	    (head > sizeof(*a) ? ALERT_OFFS : 0)));
	copy_head(a, src);
	alert_set_offs(a, soff, eoff);
	a->owner.aux = (uint16_t)l.ann_off;
	labels_pack_write(&pl, (struct labels *)(void *)((char *)a + head),
	    (uint16_t)head, l.wide, (char *)a + l.str_off);
	labels_pack_write(&pa, (struct labels *)(void *)((char *)a + l.ann_off),
	    (uint16_t)l.ann_off, l.wide, (char *)a + l.str_off + pl.bytes);
	return a;
}

struct alert *
alert_pack(struct alert *a, const struct alert *hint)
{
	struct alert	*p;

	if (a->owner.flags & ALERT_PACKED)
		return a;
	p = build_packed(a, hint, alert_starts_off(a), alert_ends_off(a));
	if (p == NULL)
		return a;
	alert_unref(a);
	return p;
}

struct alert *
alert_copy(const struct alert *a)
{
	struct alert	*c;
	const char	*end, *e;
	size_t		 size;

	if (!(a->owner.flags & ALERT_PACKED)) {
		c = alert_new(labels_ref(loose(a)->labels),
		    labels_ref(loose(a)->annotations), loose(a)->url,
		    a->starts_at, a->ends_at, a->updated_at, false);
		copy_head(c, a);
		alert_set_offs(c, alert_starts_off(a), alert_ends_off(a));
		return c;
	}
	end = labels_pack_end(alert_labels(a));
	e = labels_pack_end(alert_annotations(a));
	if (e > end)
		end = e;
	size = (size_t)(end - (const char *)a);
	c = alert_block(size, ALERT_PACKED);
	memcpy((char *)c + sizeof(c->owner), (const char *)a +
	    sizeof(a->owner), size - sizeof(a->owner));
	c->owner.flags = (uint8_t)((a->owner.flags & ~ALERT_POOLED) |
	    (c->owner.flags & ALERT_POOLED));
	c->owner.aux = a->owner.aux;
	atomic_init(&c->memo, NULL);
	labels_pack_copied(alert_labels(c));
	labels_pack_copied(alert_annotations(c));
	return c;
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

/* A loose alert over a's sets (references to them keep a alive). */
static struct alert *
loose_of(const struct alert *a)
{
	struct alert	*c;

	c = alert_new(labels_ref(alert_labels(a)),
	    labels_ref(alert_annotations(a)), alert_generator_url(a),
	    a->starts_at, a->ends_at, a->updated_at, false);
	copy_head(c, a);
	return c;
}

struct alert *
alert_merge(const struct alert *a, const struct alert *o)
{
	struct alert	*res = NULL;
	ad_time_t	 now, starts, ends;
	int32_t		 soff, eoff;

	/* Let o always be the younger alert. */
	if (BEFORE(o->updated_at, a->updated_at))
		return alert_merge(o, a);
	starts = o->starts_at;
	soff = alert_starts_off(o);
	ends = o->ends_at;
	eoff = alert_ends_off(o);
	if (BEFORE(a->starts_at, o->starts_at)) {
		starts = a->starts_at;
		soff = alert_starts_off(a);
	}
	/* Alertmanager evaluates Resolved() against the wall clock here. */
	now = ad_now();
	if (alert_resolved_at(o, now)) {
		if (alert_resolved_at(a, now) &&
		    AFTER(a->ends_at, o->ends_at)) {
			ends = a->ends_at;
			eoff = alert_ends_off(a);
		}
	} else {
		if (AFTER(a->ends_at, o->ends_at) && !alert_timeout(a)) {
			ends = a->ends_at;
			eoff = alert_ends_off(a);
		}
	}
	/*
	 * o's content and head; the same labels, so the same fingerprint.
	 * A packed o is copied as is when it has room for the offsets.
	 */
	if (!(o->owner.flags & ALERT_PACKED) || (alert_offs_(o) == NULL &&
	    (soff != 0 || eoff != 0)))
		res = build_packed(o, a, soff, eoff);
	if (res == NULL && alert_offs_(o) == NULL && (soff != 0 || eoff != 0))
		res = loose_of(o);
	if (res == NULL)
		res = alert_copy(o);
	res->starts_at = starts;
	res->ends_at = ends;
	if (alert_offs_(res) != NULL || soff != 0 || eoff != 0)
		alert_set_offs(res, soff, eoff);
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

struct labels *
alert_common(struct alert *const *alerts, size_t n, bool annotations)
{
	struct labels_builder	 b;
	const struct labels	*first, *ls;
	const char		*name, *val, *o;
	struct labels		*out;
	uint32_t		 i;
	size_t			 j;

	if (n == 0)
		return labels_empty();
	first = annotations ? alert_annotations(alerts[0]) :
	    alert_labels(alerts[0]);
	labels_builder_init(&b);
	for (i = 0; i < labels_len(first); i++) {
		name = labels_name(first, i);
		val = labels_value(first, i);
		for (j = 1; j < n; j++) {
			ls = annotations ? alert_annotations(alerts[j]) :
			    alert_labels(alerts[j]);
			o = labels_get(ls, name);
			if (strcmp(o != NULL ? o : "", val) != 0)
				break;
		}
		if (j == n)
			labels_builder_adds(&b, name, val);
	}
	out = labels_builder_finish(&b);
	labels_builder_release(&b);
	return out;
}

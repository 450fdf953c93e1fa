/*
 * GET /api/v2/alerts/groups (see api_groups.h).  The dispatcher hands
 * over a copy of its groups (references) under its lock; filtering,
 * status, sorting and encoding happen here, outside of it.
 *
 * Kept from Alertmanager: an alert in two listed groups of the same
 * receiver lists that receiver twice; a group whose alerts are all
 * filtered out disappears; statuses are computed per request.
 */
#include "alertd/api_groups.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api.h"
#include "alertd/api_json.h"
#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "routing/aggr.h"
#include "routing/dispatch.h"
#include "routing/fpmap.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "routing/route.h"

/* An alert that passed the filters, with its status. */
struct shown {
	struct alert		*a;
	struct alert_status	 st;
};

struct shown_group {
	struct dispatch_group	*g;
	struct shown		*v;
	size_t			 n;
};

/* The receivers of one fingerprint (Groups' receivers map). */
struct rcv_list {
	const char	**v;
	size_t		  n;
};

static bool
route_ok(void *arg, const struct route *r)
{
	const struct api_alerts_query *q = arg;

	return q->receiver == NULL || matcher_matches(q->receiver, r->receiver);
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int
shown_cmp(const void *x, const void *y)
{
	return aggr_alert_cmp(((const struct shown *)x)->a,
	    ((const struct shown *)y)->a);
}

/* AlertGroups.Less: labels (LabelSet.Before), then receiver. */
static int
group_cmp(const void *x, const void *y)
{
	const struct shown_group *a = x, *b = y;

	if (labels_equal(a->g->labels, b->g->labels))
		return strcmp(a->g->receiver, b->g->receiver);
	return aggr_labels_cmp(a->g->labels, b->g->labels);
}

static void
rcv_add(struct fpmap *m, uint64_t fp, const char *name)
{
	struct rcv_list	*l = fpmap_get(m, fp);

	if (l == NULL) {
		l = xcalloc(1, sizeof(*l));
		fpmap_put(m, fp, l);
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = name;
}

/* Keeps the alerts of g that pass q. */
static void
filter_group(struct alertd *ad, const struct api_alerts_query *q,
    ad_time_t now, struct dispatch_group *g, struct shown_group *sg,
    struct fpmap *rcv)
{
	struct shown	*s;
	size_t		 i;

	sg->g = g;
	sg->v = xcalloc(g->n_alerts + 1, sizeof(*sg->v));
	for (i = 0; i < g->n_alerts; i++) {
		s = &sg->v[sg->n];
		alert_status_init(&s->st);
		if (!api_alerts_query_match(ad, q, g->alerts[i], now, &s->st)) {
			alert_status_release(&s->st);
			continue;
		}
		s->a = g->alerts[i];
		rcv_add(rcv, s->a->fp, g->receiver);
		sg->n++;
	}
	qsort(sg->v, sg->n, sizeof(*sg->v), shown_cmp);
}

/* A label set as go-openapi's producer writes a plain map (no HTML
 * escaping); names are in byte order already. */
static void
labels_noesc(struct buf *out, const struct labels *ls)
{
	uint32_t	i;

	buf_addch(out, '{');
	for (i = 0; i < labels_len(ls); i++) {
		if (i > 0)
			buf_addch(out, ',');
		api_json_string_noesc(out, labels_name(ls, i),
		    strlen(labels_name(ls, i)));
		buf_addch(out, ':');
		api_json_string_noesc(out, labels_value(ls, i),
		    strlen(labels_value(ls, i)));
	}
	buf_addch(out, '}');
}

static void
encode(struct buf *out, struct shown_group *sg, size_t n, struct fpmap *rcv)
{
	struct rcv_list	*l;
	size_t		 i, j;

	buf_addch(out, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		buf_addstr(out, "{\"alerts\":[");
		for (j = 0; j < sg[i].n; j++) {
			if (j > 0)
				buf_addch(out, ',');
			l = fpmap_get(rcv, sg[i].v[j].a->fp);
			api_json_alert(out, sg[i].v[j].a, &sg[i].v[j].st,
			    l->v, l->n);
		}
		buf_addstr(out, "],\"labels\":");
		labels_noesc(out, sg[i].g->labels);
		buf_addstr(out, ",\"receiver\":{\"name\":");
		api_json_string_noesc(out, sg[i].g->receiver,
		    strlen(sg[i].g->receiver));
		buf_addstr(out, "}}");
	}
	buf_addstr(out, "]\n");
}

static void
release(struct shown_group *sg, size_t n, struct fpmap *rcv)
{
	struct rcv_list	*l;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sg[i].n; j++)
			alert_status_release(&sg[i].v[j].st);
		free(sg[i].v);
	}
	free(sg);
	for (i = 0; i < fpmap_cap(rcv); i++) {
		l = fpmap_val(rcv, i);
		if (l == NULL)
			continue;
		free(l->v);
		free(l);
	}
	fpmap_release(rcv);
}

int
api_groups_json(struct alertd *ad, struct dispatch *d,
    const struct api_alerts_query *q, ad_time_t now, struct buf *out,
    struct ad_err *err)
{
	struct dispatch_group	*v = NULL;
	struct shown_group	*sg;
	struct rcv_list		*l;
	struct fpmap		 rcv;
	size_t			 i, n = 0, kept = 0;

	(void)err;
	if (d != NULL)
		n = dispatch_groups_get(d, route_ok, (void *)q, &v);
	fpmap_init(&rcv);
	sg = xcalloc(n + 1, sizeof(*sg));
	for (i = 0; i < n; i++) {
		filter_group(ad, q, now, &v[i], &sg[kept], &rcv);
		if (sg[kept].n > 0)
			kept++;
		else
			free(sg[kept].v);
		memset(&sg[kept], 0, sizeof(sg[kept]));
	}
	qsort(sg, kept, sizeof(*sg), group_cmp);
	for (i = 0; i < fpmap_cap(&rcv); i++) {
		l = fpmap_val(&rcv, i);
		if (l != NULL)
			qsort(l->v, l->n, sizeof(*l->v), str_cmp);
	}
	encode(out, sg, kept, &rcv);
	release(sg, kept, &rcv);
	if (v != NULL)
		dispatch_groups_free(v, n);
	return 0;
}

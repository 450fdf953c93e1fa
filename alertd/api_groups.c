/*
 * GET /api/v2/alerts/groups (see api_groups.h).  The dispatcher hands
 * over a copy of its groups (references) under its lock; filtering,
 * status, sorting and encoding happen here, outside of it.
 *
 * Kept from Alertmanager: an alert in two listed groups of the same
 * receiver lists that receiver twice; a group whose alerts are all
 * filtered out disappears; statuses are computed per request.
 *
 * Work per alert is kept small: its JSON and silence mark come from its
 * memo (alertd/alert_memo.h), its sort keys are looked up once, and its
 * receivers are its group's (encoded once per group) unless it is in
 * several listed groups, which a sort by fingerprint finds.
 */
#include "alertd/api_groups.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alert_memo.h"
#include "alertd/alert_sort.h"
#include "alertd/alertd.h"
#include "alertd/api.h"
#include "alertd/api_json.h"
#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "routing/aggr.h"
#include "routing/dispatch.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "routing/route.h"

/* An alert that passed the filters, with its status. */
struct shown {
	struct alert		*a;
	const struct alert_json	*j;		/* its memo's: sort keys */
	struct alert_status	 st;
	const char		*rcv;		/* receivers JSON */
	size_t			 rcv_len;
	size_t			 gi;		/* its group, once sorted */
};

struct shown_group {
	struct dispatch_group	*g;
	struct shown		*v;
	size_t			 n;
	char			*rcv;		/* {"name":receiver} */
	size_t			 rcv_len;
};

/* Receivers JSON of alerts listed in several groups (owned). */
struct frags {
	char	**v;
	size_t	  n;
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

/* strcmp on two sort keys, mostly decided by their first 8 bytes. */
static int
key_cmp(const struct alert_json *a, const struct alert_json *b, int k)
{
	int	c;

	if (a->key8[k] != b->key8[k])
		return a->key8[k] < b->key8[k] ? -1 : 1;
	if ((a->key8[k] & 0xff) == 0)
		return 0;	/* shorter than 8 bytes: equal */
	c = strcmp(a->key[k], b->key[k]);
	return c < 0 ? -1 : c > 0;
}

/*
 * types.AlertSlice.Less (as aggr_alert_cmp) on the keys the memo keeps:
 * job, then instance (an alert without one sorts after), then the label
 * sets (LabelSet.Before).
 */
static int
shown_cmp(const void *x, const void *y)
{
	const struct alert_json	*a = ((const struct shown *)x)->j;
	const struct alert_json	*b = ((const struct shown *)y)->j;
	int			 k, c;

	for (k = 0; k < 2; k++) {
		if (a->key[k] == NULL && b->key[k] == NULL)
			continue;
		if (a->key[k] == NULL)
			return 1;
		if (b->key[k] == NULL)
			return -1;
		c = key_cmp(a, b, k);
		if (c != 0)
			return c;
	}
	return aggr_labels_cmp(((const struct shown *)x)->a->labels,
	    ((const struct shown *)y)->a->labels);
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

/* Keeps the alerts of g that pass q, sorted. */
static void
filter_group(struct alertd *ad, const struct api_alerts_query *q,
    ad_time_t now, struct dispatch_group *g, struct shown_group *sg)
{
	struct shown	*s;
	struct buf	 b;
	size_t		 i;

	sg->g = g;
	sg->v = xcalloc(g->n_alerts + 1, sizeof(*sg->v));
	for (i = 0; i < g->n_alerts; i++) {
		alert_memo_prefetch(g->alerts, g->n_alerts, i,
		    q->filter.n > 0);
		s = &sg->v[sg->n];
		alert_status_init(&s->st);
		if (!api_alerts_query_match(ad, q, g->alerts[i], now, &s->st)) {
			alert_status_release(&s->st);
			continue;
		}
		s->a = g->alerts[i];
		s->j = api_json_memo(s->a);
		sg->n++;
	}
	qsort(sg->v, sg->n, sizeof(*sg->v), shown_cmp);
	buf_init(&b, BUF_NOCAP);
	api_json_receivers(&b, &g->receiver, 1);
	sg->rcv = buf_detach(&b, &sg->rcv_len);
}

/*
 * Groups' receivers map: an alert in several listed groups lists each
 * group's receiver, sorted.  k[0..n) are its entries (p: struct shown).
 */
static void
several(struct alert_fpkey *k, size_t n, struct shown_group *sg,
    struct frags *fr)
{
	const char	**names;
	struct shown	 *s;
	struct buf	  b;
	size_t		  i, len;
	char		 *frag;

	names = xcalloc(n, sizeof(*names));
	for (i = 0; i < n; i++) {
		s = k[i].p;
		names[i] = sg[s->gi].g->receiver;
	}
	qsort(names, n, sizeof(*names), str_cmp);
	buf_init(&b, BUF_NOCAP);
	api_json_receivers(&b, names, n);
	frag = buf_detach(&b, &len);
	fr->v = xreallocarray(fr->v, fr->n + 1, sizeof(*fr->v));
	fr->v[fr->n++] = frag;
	for (i = 0; i < n; i++) {
		s = k[i].p;
		s->rcv = frag;
		s->rcv_len = len;
	}
	free(names);
}

/*
 * Gives each alert its group's receiver, then finds those listed in more
 * than one group and gives them all of theirs.
 */
static void
receivers(struct shown_group *sg, size_t n, struct frags *fr)
{
	struct alert_fpkey	*k;
	struct shown		*s;
	size_t			 i, j, total = 0, m = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sg[i].n; j++) {
			s = &sg[i].v[j];
			s->gi = i;
			s->rcv = sg[i].rcv;
			s->rcv_len = sg[i].rcv_len;
		}
		total += sg[i].n;
	}
	if (n < 2)
		return;
	k = xcalloc(total + 1, sizeof(*k));
	for (i = 0; i < n; i++)
		for (j = 0; j < sg[i].n; j++)
			k[m++] = (struct alert_fpkey){ sg[i].v[j].a->fp,
			    &sg[i].v[j] };
	alert_sort_keys(k, m);
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && k[j].fp == k[i].fp; j++)
			;
		if (j - i > 1)
			several(k + i, j - i, sg, fr);
	}
	free(k);
}

/* A label set as go-openapi's producer writes a plain map (no HTML
 * escaping); names are in byte order already. */
static void
labels_noesc(struct buf *out, const struct labels *ls)
{
	uint32_t	i;

	buf_addch(out, '{');
	for (i = 0; i < ls->n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		api_json_string_noesc(out, ls->v[i].name, strlen(ls->v[i].name));
		buf_addch(out, ':');
		api_json_string_noesc(out, ls->v[i].value,
		    strlen(ls->v[i].value));
	}
	buf_addch(out, '}');
}

static void
encode_group(struct buf *out, const struct shown_group *sg)
{
	const struct shown	*s;
	size_t			 j;

	buf_addstr(out, "{\"alerts\":[");
	for (j = 0; j < sg->n; j++) {
		s = &sg->v[j];
		if (j + 4 < sg->n)
			__builtin_prefetch(sg->v[j + 4].j);
		if (j > 0)
			buf_addch(out, ',');
		api_json_alert_rcv(out, s->a, &s->st, s->rcv, s->rcv_len);
	}
	buf_addstr(out, "],\"labels\":");
	labels_noesc(out, sg->g->labels);
	buf_addstr(out, ",\"receiver\":{\"name\":");
	api_json_string_noesc(out, sg->g->receiver, strlen(sg->g->receiver));
	buf_addstr(out, "}}");
}

/* The answer can be megabytes: room for the rest once a group is out. */
static void
encode(struct buf *out, struct shown_group *sg, size_t n)
{
	size_t	i, total = 0, done = 0, start = buf_len(out);

	for (i = 0; i < n; i++)
		total += sg[i].n;
	buf_addch(out, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		encode_group(out, &sg[i]);
		done += sg[i].n;
		if (i == 0 && done > 0 && done < total)
			buf_reserve(out, (buf_len(out) - start) / done *
			    (total - done) / 8 * 9);
	}
	buf_addstr(out, "]\n");
}

static void
release(struct shown_group *sg, size_t n, struct frags *fr)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sg[i].n; j++)
			alert_status_release(&sg[i].v[j].st);
		free(sg[i].v);
		free(sg[i].rcv);
	}
	free(sg);
	for (i = 0; i < fr->n; i++)
		free(fr->v[i]);
	free(fr->v);
}

int
api_groups_json(struct alertd *ad, struct dispatch *d,
    const struct api_alerts_query *q, ad_time_t now, struct buf *out,
    struct ad_err *err)
{
	struct dispatch_group	*v = NULL;
	struct shown_group	*sg;
	struct frags		 fr = { NULL, 0 };
	size_t			 i, n = 0, kept = 0;

	(void)err;
	if (d != NULL)
		n = dispatch_groups_get(d, route_ok, (void *)q, &v);
	sg = xcalloc(n + 1, sizeof(*sg));
	for (i = 0; i < n; i++) {
		filter_group(ad, q, now, &v[i], &sg[kept]);
		if (sg[kept].n > 0)
			kept++;
		else {
			free(sg[kept].v);
			free(sg[kept].rcv);
		}
		memset(&sg[kept], 0, sizeof(sg[kept]));
	}
	qsort(sg, kept, sizeof(*sg), group_cmp);
	receivers(sg, kept, &fr);
	encode(out, sg, kept);
	release(sg, kept, &fr);
	if (v != NULL)
		dispatch_groups_free(v, n);
	return 0;
}

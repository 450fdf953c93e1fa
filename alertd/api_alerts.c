/*
 * /api/v2/alerts (POST, GET) and /api/v2/alerts/groups (GET, through the
 * dispatcher's hook): Alertmanager's postAlertsHandler, getAlertsHandler
 * and alertFilter.  Quirks kept on purpose:
 *   - a zero startsAt takes endsAt when that is set, else now; a zero
 *     endsAt becomes now + resolve_timeout and marks the alert "timeout";
 *     "0001-01-01T00:00:00Z" is zero, "" is 1970 (strfmt);
 *   - empty label values are dropped before validation;
 *   - the valid alerts of a batch are stored even when others are not,
 *     and the 400 lists every invalid alert's error joined by "; ";
 *   - the unprocessed parameter filters nothing (0.25 ignores it).
 * What a GET derives from an alert (its JSON, receivers per config,
 * silence mark) is kept on the alert (alertd/alert_memo.h), so a GET
 * over unchanged alerts, config and silences mostly copies bytes.
 * Extra (alertd): per-alert limits on labels, sizes and NUL bytes.
 */
#include "alertd/api.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alert_memo.h"
#include "alertd/alertd.h"
#include "alertd/api_json.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/store.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"
#include "routing/matcher.h"

/* ------------------------------------------------------------- filters -- */

int
api_alerts_query_parse(const struct api_req *rq, struct api_alerts_query *q,
    struct api_resp *resp)
{
	struct ad_err	 err;
	struct matcher	*m;
	struct buf	 msg;
	const char	*recv;
	size_t		 i;

	memset(q, 0, sizeof(*q));
	matchers_init(&q->filter);
	q->active = api_query_bool(rq, "active", true);
	q->silenced = api_query_bool(rq, "silenced", true);
	q->inhibited = api_query_bool(rq, "inhibited", true);
	q->unprocessed = api_query_bool(rq, "unprocessed", true);
	for (i = 0; i < rq->n_query; i++) {
		if (strcmp(rq->query[i].key, "filter") != 0)
			continue;
		m = matcher_parse(rq->query[i].value, &err);
		if (m == NULL) {
			api_reply_string(resp, 400, err.msg);
			api_alerts_query_release(q);
			return -1;
		}
		matchers_add(&q->filter, m);
	}
	recv = api_query_get(rq, "receiver");
	if (recv == NULL)
		return 0;
	q->receiver = matcher_new(MATCH_RE, "receiver", recv, &err);
	if (q->receiver != NULL)
		return 0;
	buf_init(&msg, BUF_NOCAP);
	buf_addf(&msg, "failed to parse receiver param: %s", err.msg);
	api_reply_string(resp, 400, buf_str(&msg));
	buf_release(&msg);
	api_alerts_query_release(q);
	return -1;
}

void
api_alerts_query_release(struct api_alerts_query *q)
{
	matchers_release(&q->filter);
	matcher_free(q->receiver);
	q->receiver = NULL;
}

/*
 * Alertmanager works out the status before it applies the label filter
 * (setAlertStatus updates its marker, which other endpoints read).  In
 * alertd the status is computed on demand and read by nobody else, so
 * an alert the labels exclude is left out first: same answer, less work.
 */
bool
api_alerts_query_match(struct alertd *ad, const struct api_alerts_query *q,
    const struct alert *a, ad_time_t now, struct alert_status *st)
{
	if (a->ends_at != AD_TIME_ZERO && a->ends_at < now)
		return false;
	if (!matchers_match(&q->filter, a->labels))
		return false;
	alertd_status(ad, a, now, st);
	if (!q->active && st->state == ALERT_STATE_ACTIVE)
		return false;
	if (!q->silenced && st->silenced_by.n > 0)
		return false;
	if (!q->inhibited && st->inhibited_by.n > 0)
		return false;
	return true;
}

bool
api_alerts_query_receivers(const struct api_alerts_query *q,
    char *const *names, size_t n)
{
	size_t	i;

	if (q->receiver == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (matcher_matches(q->receiver, names[i]))
			return true;
	return false;
}

/* ----------------------------------------------------------------- GET -- */

/* One GET /api/v2/alerts. */
struct get_ctx {
	struct alertd		*ad;
	struct config		*cfg;
	uint64_t		 gen;		/* alert_memo_cfg_gen(cfg) */
	ad_time_t		 now;
	struct buf		 rcv;		/* the alert's receivers: JSON,
						 * NUL, names (as alert_memo) */
	size_t			 rcv_json;
	size_t			 rcv_n;
	struct alertd_strs	 names;		/* scratch */
};

static void
emit_name(void *ctx, const char *name)
{
	alertd_strs_add(ctx, name);
}

/* Works out a's receivers under c->cfg into c->rcv and the memo. */
static void
receivers_route(struct get_ctx *c, const struct alert *a,
    struct alert_memo *m)
{
	char	*flat, *old;
	size_t	 i, len;

	alertd_strs_release(&c->names);
	alertd_receivers(c->ad, c->cfg, a->labels, emit_name, &c->names);
	api_json_receivers(&c->rcv, (const char *const *)c->names.v,
	    c->names.n);
	c->rcv_json = buf_len(&c->rcv);
	c->rcv_n = c->names.n;
	buf_add(&c->rcv, "", 1);
	for (i = 0; i < c->names.n; i++)
		buf_add(&c->rcv, c->names.v[i], strlen(c->names.v[i]) + 1);
	len = buf_len(&c->rcv);
	flat = xmemdup(buf_str(&c->rcv), len);
	alert_memo_lock(a);
	old = m->rcv;
	m->rcv = flat;
	m->rcv_len = len;
	m->rcv_json = (uint32_t)c->rcv_json;
	m->rcv_n = (uint32_t)c->rcv_n;
	m->rcv_gen = c->gen;
	alert_memo_unlock(a);
	free(old);
}

/* a's receivers into c->rcv: from its memo when made under this config. */
static void
receivers(struct get_ctx *c, const struct alert *a)
{
	struct alert_memo	*m = alert_memo_get(a);

	buf_reset(&c->rcv);
	alert_memo_lock(a);
	if (m->rcv_gen == c->gen) {
		buf_add(&c->rcv, m->rcv, m->rcv_len);
		c->rcv_json = m->rcv_json;
		c->rcv_n = m->rcv_n;
		alert_memo_unlock(a);
		return;
	}
	alert_memo_unlock(a);
	receivers_route(c, a, m);
}

/* api_alerts_query_receivers over c->rcv's names. */
static bool
receivers_match(const struct get_ctx *c, const struct api_alerts_query *q)
{
	const char	*p = buf_str(&c->rcv) + c->rcv_json + 1;
	size_t		 i;

	if (q->receiver == NULL)
		return true;
	for (i = 0; i < c->rcv_n; i++, p += strlen(p) + 1)
		if (matcher_matches(q->receiver, p))
			return true;
	return false;
}

/* Appends a (after a comma past the first) if it passes q. */
static void
get_one(struct get_ctx *c, const struct api_alerts_query *q,
    const struct alert *a, struct buf *out, size_t *k)
{
	struct alert_status	st;

	/* Cheap tests first; the order does not change the answer. */
	if (a->ends_at != AD_TIME_ZERO && a->ends_at < c->now)
		return;
	if (!matchers_match(&q->filter, a->labels))
		return;
	receivers(c, a);
	if (!receivers_match(c, q))
		return;
	alert_status_init(&st);
	if (api_alerts_query_match(c->ad, q, a, c->now, &st)) {
		if ((*k)++ > 0)
			buf_addch(out, ',');
		api_json_alert_rcv(out, a, &st, buf_str(&c->rcv),
		    c->rcv_json);
	}
	alert_status_release(&st);
}

/*
 * The answer can be megabytes: once RESERVE_AFTER alerts were seen, room
 * for the rest at the rate so far, so that it is not copied as it grows.
 */
#define RESERVE_AFTER	64

static void
reserve(struct buf *out, size_t left, size_t seen)
{
	buf_reserve(out, buf_len(out) / seen * left / 8 * 9);
}

static void
get_alerts(struct api_req *rq, struct api_resp *resp)
{
	struct api_alerts_query	  q;
	struct get_ctx		  c;
	struct alert		**v;
	size_t			  n, i, k = 0;

	if (api_alerts_query_parse(rq, &q, resp) == -1)
		return;
	memset(&c, 0, sizeof(c));
	c.ad = rq->ad;
	c.cfg = alertd_config(rq->ad);
	c.gen = alert_memo_cfg_gen(c.cfg);
	buf_init(&c.rcv, BUF_NOCAP);
	n = store_list(rq->ad->alerts, &v);
	c.now = ad_now();
	resp->content_type = "application/json";
	buf_addch(&resp->body, '[');
	for (i = 0; i < n; i++) {
		alert_memo_prefetch(v, n, i, q.filter.n > 0);
		get_one(&c, &q, v[i], &resp->body, &k);
		if (i + 1 == RESERVE_AFTER && k > 0)
			reserve(&resp->body, n - i - 1, i + 1);
	}
	buf_addstr(&resp->body, "]\n");
	store_list_free(v, n);
	buf_release(&c.rcv);
	alertd_strs_release(&c.names);
	config_unref(c.cfg);
	api_alerts_query_release(&q);
}

static void
get_groups(struct api_req *rq, struct api_resp *resp)
{
	struct api_alerts_query	 q;
	struct ad_err		 err;
	alertd_groups_fn	 fn;

	if (api_alerts_query_parse(rq, &q, resp) == -1)
		return;
	resp->content_type = "application/json";
	fn = (alertd_groups_fn)rq->ad->groups.fn;
	if (fn == NULL)
		buf_addstr(&resp->body, "[]\n");
	else if (fn(rq->ad->groups.arg, &q, &resp->body, &err) == -1)
		api_reply_string(resp, 500, err.msg);
	api_alerts_query_release(&q);
}

/* ---------------------------------------------------------------- POST -- */

/* postAlertsHandler's defaults; takes the labels and annotations of pa. */
static struct alert *
build(struct api_postable_alert *pa, ad_time_t now, ad_dur_t resolve)
{
	struct alert	*a;
	ad_time_t	 starts = pa->starts_at, ends = pa->ends_at;
	int32_t		 soff = pa->starts_off, eoff = pa->ends_off;
	bool		 timeout = false;

	if (starts == AD_TIME_ZERO) {
		starts = ends == AD_TIME_ZERO ? now : ends;
		soff = ends == AD_TIME_ZERO ? 0 : eoff;
	}
	if (ends == AD_TIME_ZERO) {
		timeout = true;
		ends = now + resolve;
		eoff = 0;
	}
	a = alert_new(labels_drop_empty(pa->labels), pa->annotations,
	    pa->generator_url, starts, ends, now, timeout);
	pa->labels = pa->annotations = NULL;
	a->starts_off = soff;
	a->ends_off = eoff;
	return a;
}

/* What check_set found in one label set. */
struct set_check {
	const char	*bad_name;	/* first invalid name, or NULL */
	const char	*too_long;	/* first name or value over max */
};

/*
 * model.LabelSet.Validate's name check and alertd's size limit in one
 * pass.  Values need no UTF-8 check: the decoder only makes valid UTF-8.
 */
static void
check_set(const struct labels *ls, size_t max, struct set_check *c)
{
	size_t	i, nlen;

	c->bad_name = c->too_long = NULL;
	for (i = 0; i < ls->n; i++) {
		nlen = strlen(ls->v[i].name);
		if (c->bad_name == NULL &&
		    !label_name_valid(ls->v[i].name, nlen))
			c->bad_name = ls->v[i].name;
		if (c->too_long == NULL && max > 0 && (nlen > max ||
		    strlen(ls->v[i].value) > max))
			c->too_long = ls->v[i].name;
	}
}

static int
fail_name(struct buf *msg, const char *what, const char *name)
{
	buf_addf(msg, "%s: invalid name ", what);
	buf_add_goquote(msg, name, strlen(name));
	return -1;
}

static int
fail_size(struct buf *msg, const char *what, const char *name, size_t max)
{
	buf_addf(msg, "%s ", what);
	buf_add_goquote(msg, name, strlen(name) > 64 ? 64 : strlen(name));
	buf_addf(msg, " is longer than %zu bytes (--api.max-%s-size)", max,
	    what);
	return -1;
}

/* model.Alert.Validate, then alertd's limits; -1 with msg appended. */
static int
validate(const struct alert *a, bool nul, const struct alertd_limits *lim,
    struct buf *msg)
{
	struct set_check	l, an;

	if (nul)
		return buf_addstr(msg, "invalid label set: label names, values "
		    "and annotations must not contain U+0000"), -1;
	if (a->starts_at == AD_TIME_ZERO)
		return buf_addstr(msg, "start time missing"), -1;
	if (a->ends_at != AD_TIME_ZERO && a->ends_at < a->starts_at)
		return buf_addstr(msg, "start time must be before end time"),
		    -1;
	check_set(a->labels, lim->max_label_size, &l);
	if (l.bad_name != NULL)
		return fail_name(msg, "invalid label set", l.bad_name);
	if (a->labels->n == 0)
		return buf_addstr(msg, "at least one label pair required"), -1;
	check_set(a->annotations, lim->max_annotation_size, &an);
	if (an.bad_name != NULL)
		return fail_name(msg, "invalid annotations", an.bad_name);
	if (lim->max_labels > 0 && a->labels->n > lim->max_labels)
		return buf_addf(msg, "too many labels: %u, the limit is %zu "
		    "(--api.max-labels-per-alert)", a->labels->n,
		    lim->max_labels), -1;
	if (l.too_long != NULL)
		return fail_size(msg, "label", l.too_long,
		    lim->max_label_size);
	if (an.too_long != NULL)
		return fail_size(msg, "annotation", an.too_long,
		    lim->max_annotation_size);
	return 0;
}

static ad_dur_t
resolve_timeout(struct alertd *ad)
{
	struct config	*cfg = alertd_config(ad);
	ad_dur_t	 d = 5 * AD_MIN;

	if (cfg != NULL)
		d = cfg->global.resolve_timeout;

	config_unref(cfg);
	return d;
}

static void
post_alerts(struct api_req *rq, struct api_resp *resp)
{
	struct alertd			*ad = rq->ad;
	struct api_postable_alerts	 pa;
	struct api_json_err		 jerr;
	struct alert			**ok, *a;
	struct buf			 errs;
	size_t				 i, n_ok = 0, mark;
	ad_time_t			 now;
	ad_dur_t			 resolve;

	if (api_json_decode_alerts(rq->body, rq->body_len,
	    ad->limits.max_alerts, &pa, &jerr) == -1) {
		log_debugkv("Failed to decode alerts", "path", rq->path,
		    "method", rq->method, "err", jerr.msg, (char *)NULL);
		api_reply_error(resp, jerr.status, jerr.code, jerr.msg);
		api_json_err_release(&jerr);
		return;
	}
	resolve = resolve_timeout(ad);
	now = ad_now();
	ok = xcalloc(pa.n + 1, sizeof(*ok));
	buf_init(&errs, BUF_NOCAP);
	for (i = 0; i < pa.n; i++) {
		a = build(&pa.v[i], now, resolve);
		atomic_fetch_add(a->ends_at > now ? &ad->alerts_firing :
		    &ad->alerts_resolved, 1);
		mark = buf_len(&errs);
		if (mark > 0)
			buf_addstr(&errs, "; ");
		if (validate(a, pa.v[i].nul_byte, &ad->limits, &errs) == -1) {
			atomic_fetch_add(&ad->alerts_invalid, 1);
			alert_unref(a);
			continue;
		}
		buf_setlen(&errs, mark);
		ok[n_ok++] = a;
	}
	store_put_many(ad->alerts, ok, n_ok);
	if (buf_len(&errs) > 0) {
		log_errorkv("Failed to validate alerts", "path", rq->path,
		    "method", rq->method, "err", buf_str(&errs), (char *)NULL);
		api_reply_string(resp, 400, buf_str(&errs));
	}
	buf_release(&errs);
	free(ok);
	api_postable_alerts_release(&pa);
}

const struct api_route api_alerts_routes[] = {
	{ "POST", "/api/v2/alerts", post_alerts, API_V2 | API_JSON },
	{ "GET", "/api/v2/alerts", get_alerts, API_V2 },
	{ "GET", "/api/v2/alerts/groups", get_groups, API_V2 },
	{ NULL, NULL, NULL, 0 }
};

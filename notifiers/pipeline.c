/*
 * The notification pipeline (see pipeline.h): Alertmanager's stages for
 * one flush.  The muting stages and the DedupStage run at submit time;
 * each integration with something new writes a write-ahead intent to the
 * notification log, and once it is on disk a notify job sends it (the
 * RetryStage); success records the entry (SetNotifiesStage) before the
 * flush reports done, failure abandons the intent.
 *
 * Alertmanager quirks kept: a stage that leaves no alert ends the flush
 * with success and the later stages do not run (MultiStage); an unknown
 * time interval name fails the flush ("time interval %s doesn't exist in
 * config"); with send_resolved false and no firing alert, the RetryStage
 * sends nothing yet the log records the notification; the log entry
 * holds every firing and resolved hash of the flush, also when the
 * integration truncates what it sends (max_alerts).
 */
#include "notifiers/pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nflog.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "routing/labels.h"
#include "routing/timeint.h"

struct pipeline {
	struct notify		*notify;
	struct nflog		*nflog;
	char			*external_url;
	struct notify_muters	 muters;
	ad_time_t		 (*now)(void);
	_Atomic size_t		 inflight;
};

struct pl_flush;

struct pl_integ {
	struct notify_job		 job;	/* first: the job's address */
	struct pl_flush			*fl;
	const struct config_integration	*ci;
	struct alert			**sent;	/* send_resolved false */
	size_t				 n_sent;
};

struct pl_flush {
	struct pipeline			*p;
	struct notify_flush		*f;
	const struct config_receiver	*recv;
	uint64_t			*firing, *resolved;	/* sorted */
	size_t				 n_firing, n_resolved;
	_Atomic size_t			 pending;
	_Atomic bool			 failed;
	size_t				 n_integ;
	struct pl_integ			 integ[];
};

/* ------------------------------------------------------------ xxhash --- */

#define XXP1	0x9E3779B185EBCA87ULL
#define XXP2	0xC2B2AE3D27D4EB4FULL
#define XXP3	0x165667B19E3779F9ULL
#define XXP4	0x85EBCA77C2B2AE63ULL
#define XXP5	0x27D4EB2F165667C5ULL

static uint64_t
rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t	v;

	memcpy(&v, p, 8);
	return v;		/* little endian (x86-64, aarch64) */
}

static uint64_t
xx_round(uint64_t acc, uint64_t in)
{
	acc += in * XXP2;
	return rotl(acc, 31) * XXP1;
}

static uint64_t
xx_merge(uint64_t acc, uint64_t v)
{
	acc ^= xx_round(0, v);
	return acc * XXP1 + XXP4;
}

/* XXH64 with seed 0, as github.com/cespare/xxhash.Sum64. */
uint64_t
pipeline_xxhash64(const void *data, size_t len)
{
	const unsigned char	*p = data, *end = p + len;
	uint64_t		 h, v1, v2, v3, v4;
	uint32_t		 w;

	if (len >= 32) {
		v1 = XXP1 + XXP2;
		v2 = XXP2;
		v3 = 0;
		v4 = (uint64_t)0 - XXP1;
		do {
			v1 = xx_round(v1, rd64(p));
			v2 = xx_round(v2, rd64(p + 8));
			v3 = xx_round(v3, rd64(p + 16));
			v4 = xx_round(v4, rd64(p + 24));
			p += 32;
		} while (end - p >= 32);
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = xx_merge(h, v1);
		h = xx_merge(h, v2);
		h = xx_merge(h, v3);
		h = xx_merge(h, v4);
	} else {
		h = XXP5;
	}
	h += len;
	for (; end - p >= 8; p += 8)
		h = rotl(h ^ xx_round(0, rd64(p)), 27) * XXP1 + XXP4;
	if (end - p >= 4) {
		memcpy(&w, p, 4);
		h = rotl(h ^ (uint64_t)w * XXP1, 23) * XXP2 + XXP3;
		p += 4;
	}
	for (; p < end; p++)
		h = rotl(h ^ *p * XXP5, 11) * XXP1;
	h ^= h >> 33;
	h *= XXP2;
	h ^= h >> 29;
	h *= XXP3;
	h ^= h >> 32;
	return h;
}

uint64_t
pipeline_alert_hash(const struct labels *ls)
{
	char		 stack[1024], *b = stack;
	size_t		 need = 0, off = 0, i, nl, vl;
	uint64_t	 h;

	for (i = 0; i < labels_len(ls); i++)
		need += strlen(labels_name(ls, i)) +
		    strlen(labels_value(ls, i)) + 2;
	if (need > sizeof(stack))
		b = xmalloc(need);
	for (i = 0; i < labels_len(ls); i++) {
		nl = strlen(labels_name(ls, i));
		vl = strlen(labels_value(ls, i));
		memcpy(b + off, labels_name(ls, i), nl);
		b[off + nl] = '\xff';
		memcpy(b + off + nl + 1, labels_value(ls, i), vl);
		b[off + nl + 1 + vl] = '\xff';
		off += nl + vl + 2;
	}
	h = off > 0 ? pipeline_xxhash64(b, off) : pipeline_xxhash64("", 0);
	if (b != stack)
		free(b);
	return h;
}

/* ------------------------------------------------------------- dedup --- */

/* Every element of sub (sorted) is in set (sorted). */
static bool
subset(const uint64_t *set, size_t n_set, const uint64_t *sub, size_t n_sub)
{
	size_t	i = 0, j = 0;

	for (; j < n_sub; j++) {
		while (i < n_set && set[i] < sub[j])
			i++;
		if (i == n_set || set[i] != sub[j])
			return false;
	}
	return true;
}

bool
pipeline_needs_update(const struct nflog_entry *e, const uint64_t *firing,
    size_t n_firing, const uint64_t *resolved, size_t n_resolved,
    bool send_resolved, ad_dur_t repeat, ad_time_t now)
{
	/* Nothing was notified yet: only if something fires (a group
	 * resolved before it was ever notified sends nothing). */
	if (e == NULL)
		return n_firing > 0;
	/* New firing alerts. */
	if (!subset(e->firing, e->n_firing, firing, n_firing))
		return true;
	/* All resolved: once, if something was notified as firing. */
	if (n_firing == 0)
		return e->n_firing > 0;
	/* New resolved alerts, for those who want them. */
	if (send_resolved && !subset(e->resolved, e->n_resolved, resolved,
	    n_resolved))
		return true;
	/* Nothing changed: repeat_interval. */
	return e->ts < now - repeat;
}

/* ------------------------------------------------------------- flush --- */

struct notify_flush *
notify_flush_new(void)
{
	return xcalloc(1, sizeof(struct notify_flush));
}

void
notify_flush_free(struct notify_flush *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_alerts; i++)
		alert_unref(f->alerts[i]);
	free(f->alerts);
	free(f->group_key);
	labels_unref(f->group_labels);
	config_unref(f->cfg);
	free(f);
}

static void
flush_end(struct pl_flush *fl)
{
	struct pipeline		*p = fl->p;
	struct notify_flush	*f = fl->f;
	bool			 ok = !atomic_load(&fl->failed);
	size_t			 i;

	for (i = 0; i < fl->n_integ; i++)
		free(fl->integ[i].sent);
	free(fl->firing);
	free(fl->resolved);
	free(fl);
	f->done(f->arg, ok);
	notify_flush_free(f);
	atomic_fetch_sub(&p->inflight, 1);
}

static void
integ_finished(struct pl_integ *in, bool ok)
{
	struct pl_flush	*fl = in->fl;

	if (!ok)
		atomic_store(&fl->failed, true);
	if (atomic_fetch_sub(&fl->pending, 1) == 1)
		flush_end(fl);
}

static void
integ_recorded(void *arg, int rc)
{
	struct pl_integ	*in = arg;

	integ_finished(in, rc == 0);
}

/* The context of in's notification: the alerts it sends are set. */
static void
integ_ctx(const struct pl_integ *in, struct notify_ctx *ctx)
{
	const struct pl_flush		*fl = in->fl;
	const struct notify_flush	*f = fl->f;

	memset(ctx, 0, sizeof(*ctx));
	ctx->alerts = f->alerts;
	ctx->n_alerts = f->n_alerts;
	if (!in->ci->send_resolved) {
		ctx->alerts = in->sent;
		ctx->n_alerts = in->n_sent;
	}
	ctx->cfg = f->cfg;
	ctx->tmpl = f->cfg->tmpl;
	ctx->receiver = fl->recv->name;
	ctx->group_key = f->group_key;
	ctx->group_labels = f->group_labels;
	ctx->external_url = fl->p->external_url;
	ctx->now = f->now;
	ctx->idx = in->ci->idx;
}

/* notify_req.body_fn: the body just before the request leaves. */
static void
integ_body(struct notify_job *job, struct notify_req *req)
{
	struct pl_integ		*in = (struct pl_integ *)job;
	struct notify_ctx	 ctx;

	integ_ctx(in, &ctx);
	in->ci->type->body(in->ci->conf, &ctx, &req->body);
}

static enum notify_prep
integ_prepare(struct notify_job *job, struct notify_req *req,
    struct ad_err *err)
{
	struct pl_integ		*in = (struct pl_integ *)job;
	struct pl_flush		*fl = in->fl;
	struct notify_flush	*f = fl->f;
	struct notify_ctx	 ctx;
	size_t			 i;

	if (!in->ci->send_resolved) {
		/* RetryStage: resolved alerts are not sent; none firing:
		 * nothing to send, yet a notification (logged) */
		if (fl->n_firing == 0)
			return NOTIFY_PREP_DONE;
		/* prepare runs again before a retry when the request asks
		 * (notify_req.reprepare) */
		free(in->sent);
		in->n_sent = 0;
		in->sent = xcalloc(f->n_alerts, sizeof(*in->sent));
		for (i = 0; i < f->n_alerts; i++)
			if (!alert_resolved_at(f->alerts[i], f->now))
				in->sent[in->n_sent++] = f->alerts[i];
	}
	integ_ctx(in, &ctx);
	if (in->ci->type->prepare == NULL) {
		ad_err_set(err, AD_EINTERNAL, "integration %s is not supported",
		    in->ci->type->name);
		return NOTIFY_PREP_FAIL;
	}
	/* the body waits for a connection, as it is built quickly */
	ctx.body_later = in->ci->type->body != NULL;
	if (in->ci->type->prepare(in->ci->conf, &ctx, req, err) == -1)
		return NOTIFY_PREP_FAIL;
	if (ctx.body_later)
		req->body_fn = integ_body;
	return NOTIFY_PREP_SEND;
}

static enum notify_verdict
integ_verdict(struct notify_job *job, const struct notify_resp *r,
    struct ad_err *err)
{
	struct pl_integ	*in = (struct pl_integ *)job;

	if (in->ci->type->verdict != NULL)
		return in->ci->type->verdict(in->ci->conf, r, err);
	return notifier_default_verdict(in->ci->conf, r, err);
}

static void
integ_receiver(const struct pl_integ *in, struct nflog_receiver *r)
{
	r->group_name = in->fl->recv->name;
	r->integration = in->ci->type->name;
	r->idx = in->ci->idx;
}

static void
integ_done(struct notify_job *job, const struct notify_result *res)
{
	struct pl_integ		*in = (struct pl_integ *)job;
	struct pl_flush		*fl = in->fl;
	struct nflog_receiver	 r;
	char			 n[32];

	integ_receiver(in, &r);
	if (!res->ok) {
		snprintf(n, sizeof(n), "%zu", fl->f->n_alerts);
		log_errorkv("Notify for alerts failed", "num_alerts", n,
		    "err", res->err != NULL ? res->err->msg : "", NULL);
		nflog_abandon(fl->p->nflog, fl->f->group_key, &r);
		integ_finished(in, false);
		return;
	}
	/* SetNotifiesStage: the entry lives 2 * repeat_interval */
	nflog_put(fl->p->nflog, fl->f->group_key, &r, fl->firing, fl->n_firing,
	    fl->resolved, fl->n_resolved, 2 * fl->f->repeat_interval,
	    integ_recorded, in);
}

/* The intent is on disk: the notification may leave. */
static void
integ_intended(void *arg, int rc)
{
	struct pl_integ		*in = arg;
	struct pl_flush		*fl = in->fl;
	struct nflog_receiver	 r;

	(void)rc;	/* a write error is logged; sending beats silence */
	if (notify_submit(fl->p->notify, &in->job) == 0)
		return;
	/* the notify thread is stopped: shutdown */
	integ_receiver(in, &r);
	nflog_abandon(fl->p->nflog, fl->f->group_key, &r);
	integ_finished(in, false);
}

static const struct notify_job_ops integ_ops = {
	integ_prepare, integ_verdict, integ_done
};

/* A flush with nothing to send still reports from the notify thread. */
static enum notify_prep
nop_prepare(struct notify_job *job, struct notify_req *req,
    struct ad_err *err)
{
	(void)job;
	(void)req;
	(void)err;
	return NOTIFY_PREP_SKIP;
}

static void
nop_done(struct notify_job *job, const struct notify_result *res)
{
	struct pl_integ	*in = (struct pl_integ *)job;

	(void)res;
	integ_finished(in, true);
}

static const struct notify_job_ops nop_ops = {
	nop_prepare, NULL, nop_done
};

/* ----------------------------------------------------------- muting --- */

/* Keeps the alerts that muted() lets through; unrefs the others. */
static void
mute_alerts(struct notify_flush *f,
    bool (*muted)(void *, const struct alert *, ad_time_t), void *arg)
{
	size_t	i, n = 0;

	for (i = 0; i < f->n_alerts; i++) {
		if (muted(arg, f->alerts[i], f->now))
			alert_unref(f->alerts[i]);
		else
			f->alerts[n++] = f->alerts[i];
	}
	f->n_alerts = n;
}

static void
drop_alerts(struct notify_flush *f)
{
	size_t	i;

	for (i = 0; i < f->n_alerts; i++)
		alert_unref(f->alerts[i]);
	f->n_alerts = 0;
}

/* inTimeIntervals: -1 (and a log line) for an unknown name. */
static int
in_time_intervals(const struct notify_flush *f, char **names, size_t n)
{
	const struct timeint	*ti;
	size_t			 i;

	for (i = 0; i < n; i++) {
		ti = config_time_interval(f->cfg, names[i]);
		if (ti == NULL) {
			log_errorkv("Notify for alerts failed", "err", "time "
			    "interval doesn't exist in config", "interval",
			    names[i], NULL);
			return -1;
		}
		if (timeint_contains(ti, f->now))
			return 1;
	}
	return 0;
}

/*
 * MuteStage(inhibit), TimeActiveStage, TimeMuteStage, MuteStage(silence):
 * returns -1 when the flush fails, else 0 with the survivors in f.
 */
static int
mute(struct pipeline *p, struct notify_flush *f)
{
	int	r;

	if (f->n_alerts > 0 && p->muters.inhibited != NULL)
		mute_alerts(f, p->muters.inhibited, p->muters.inhibited_arg);
	if (f->n_alerts > 0 && f->n_active_time_intervals > 0) {
		r = in_time_intervals(f, f->active_time_intervals,
		    f->n_active_time_intervals);
		if (r == -1)
			return -1;
		if (r == 0) {
			log_debug("Notifications not sent, route is not "
			    "within active time");
			drop_alerts(f);
		}
	}
	if (f->n_alerts > 0 && f->n_mute_time_intervals > 0) {
		r = in_time_intervals(f, f->mute_time_intervals,
		    f->n_mute_time_intervals);
		if (r == -1)
			return -1;
		if (r == 1) {
			log_debug("Notifications not sent, route is within "
			    "mute time");
			drop_alerts(f);
		}
	}
	if (f->n_alerts > 0 && p->muters.silenced != NULL)
		mute_alerts(f, p->muters.silenced, p->muters.silenced_arg);
	return 0;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The DedupStage's firing and resolved hash sets, sorted. */
struct hashes {
	uint64_t	*firing, *resolved;
	size_t		 n_firing, n_resolved;
};

static void
flush_hashes(const struct notify_flush *f, struct hashes *h)
{
	size_t		 i;
	uint64_t	 v;

	h->firing = xcalloc(f->n_alerts + 1, sizeof(*h->firing));
	h->resolved = xcalloc(f->n_alerts + 1, sizeof(*h->resolved));
	h->n_firing = h->n_resolved = 0;
	for (i = 0; i < f->n_alerts; i++) {
		v = pipeline_alert_hash(alert_labels(f->alerts[i]));
		if (alert_resolved_at(f->alerts[i], f->now))
			h->resolved[h->n_resolved++] = v;
		else
			h->firing[h->n_firing++] = v;
	}
	if (h->n_firing > 1)
		qsort(h->firing, h->n_firing, sizeof(*h->firing), u64_cmp);
	if (h->n_resolved > 1)
		qsort(h->resolved, h->n_resolved, sizeof(*h->resolved),
		    u64_cmp);
}

/*
 * DedupStage for each integration of recv: sets send[i]; returns how many
 * have something to notify.
 */
static size_t
dedup(struct pipeline *p, const struct notify_flush *f,
    const struct config_receiver *recv, const struct hashes *h, bool *send)
{
	struct nflog_entry	 e;
	struct nflog_receiver	 r;
	size_t			 i, n = 0;
	ad_time_t		 now = p->now();

	nflog_entry_init(&e);
	r.group_name = recv->name;
	for (i = 0; i < recv->n_integrations; i++) {
		r.integration = recv->integrations[i].type->name;
		r.idx = recv->integrations[i].idx;
		send[i] = pipeline_needs_update(nflog_get(p->nflog,
		    f->group_key, &r, &e) == 0 ? &e : NULL, h->firing,
		    h->n_firing, h->resolved, h->n_resolved,
		    recv->integrations[i].send_resolved, f->repeat_interval,
		    now);
		n += send[i];
	}
	nflog_entry_release(&e);
	return n;
}

/*
 * Flushes spread over the notify threads by group key.  An integration
 * with OAuth2 keeps to one thread, so that it fetches one token (as
 * Alertmanager's notifier has one token source).
 */
static uint64_t
integ_affinity(const struct config_integration *ci, const char *group_key)
{
	const struct notifier_conf	*base = ci->conf;
	uint64_t			 h = 0xcbf29ce484222325ULL;
	const char			*s;

	if (base->http != NULL && base->http->oauth2 != NULL)
		return 0;
	for (s = group_key; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h | 1;
}

static struct pl_flush *
flush_new(struct pipeline *p, struct notify_flush *f,
    const struct config_receiver *recv, size_t n_integ)
{
	struct pl_flush	*fl;

	fl = xcalloc(1, sizeof(*fl) + n_integ * sizeof(fl->integ[0]));
	fl->p = p;
	fl->f = f;
	fl->recv = recv;
	fl->n_integ = n_integ;
	atomic_init(&fl->pending, n_integ);
	atomic_init(&fl->failed, false);
	return fl;
}

/* Ends a flush on the notify thread: ok, or failed when !ok. */
static void
submit_nop(struct pipeline *p, struct notify_flush *f, bool ok)
{
	struct pl_flush	*fl = flush_new(p, f, NULL, 1);
	struct notify_job *job = &fl->integ[0].job;

	fl->integ[0].fl = fl;
	atomic_store(&fl->failed, !ok);
	notify_job_init(job, &nop_ops, "none", "", 0, AD_TIME_ZERO);
	if (notify_submit(p->notify, job) == -1)
		flush_end(fl);
}

void
pipeline_submit(struct pipeline *p, struct notify_flush *f)
{
	const struct config_receiver	*recv;
	struct pl_flush			*fl;
	struct hashes			 h;
	struct nflog_receiver		 r;
	bool				*send;
	size_t				 i, j, n;

	atomic_fetch_add(&p->inflight, 1);
	recv = config_receiver(f->cfg, f->receiver);
	if (recv == NULL) {
		log_errorkv("Notify for alerts failed", "err",
		    "stage for receiver missing", "receiver", f->receiver,
		    NULL);
		submit_nop(p, f, false);
		return;
	}
	if (mute(p, f) == -1) {
		submit_nop(p, f, false);
		return;
	}
	if (f->n_alerts == 0 || recv->n_integrations == 0) {
		submit_nop(p, f, true);
		return;
	}
	flush_hashes(f, &h);
	send = xcalloc(recv->n_integrations, sizeof(*send));
	n = dedup(p, f, recv, &h, send);
	if (n == 0) {
		free(h.firing);
		free(h.resolved);
		free(send);
		submit_nop(p, f, true);
		return;
	}
	fl = flush_new(p, f, recv, n);
	fl->firing = h.firing;
	fl->resolved = h.resolved;
	fl->n_firing = h.n_firing;
	fl->n_resolved = h.n_resolved;
	for (i = j = 0; i < recv->n_integrations; i++) {
		struct pl_integ	*in;

		if (!send[i])
			continue;
		in = &fl->integ[j++];
		in->fl = fl;
		in->ci = &recv->integrations[i];
		notify_job_init(&in->job, &integ_ops, in->ci->type->name,
		    recv->name, in->ci->idx, f->deadline);
		in->job.affinity = integ_affinity(in->ci, f->group_key);
	}
	free(send);
	/* write-ahead: each notification leaves once its intent is on disk
	 * (the callback may run here, for a memory-only log) */
	for (i = 0; i < n; i++) {
		integ_receiver(&fl->integ[i], &r);
		nflog_intend(p->nflog, f->group_key, &r, fl->firing,
		    fl->n_firing, fl->resolved, fl->n_resolved,
		    2 * f->repeat_interval, integ_intended, &fl->integ[i]);
	}
}

/* ------------------------------------------------------------ object --- */

struct pipeline *
pipeline_new(const struct pipeline_opts *opts)
{
	struct pipeline	*p = xcalloc(1, sizeof(*p));

	p->notify = opts->notify;
	p->nflog = opts->nflog;
	p->external_url = xstrdup(opts->external_url != NULL ?
	    opts->external_url : "");
	p->muters = opts->muters;
	p->now = opts->now != NULL ? opts->now : ad_now;
	return p;
}

void
pipeline_set_muters(struct pipeline *p, const struct notify_muters *m)
{
	p->muters = *m;
}

size_t
pipeline_inflight(struct pipeline *p)
{
	return atomic_load(&p->inflight);
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	if (atomic_load(&p->inflight) != 0)
		log_error("pipeline freed with %zu flushes in flight",
		    atomic_load(&p->inflight));
	free(p->external_url);
	free(p);
}

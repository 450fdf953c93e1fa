/*
 * The fixture of the check_integ1_*.c tests (see check_integ1_fixture.h).
 */
#include "check_integ1_fixture.h"

#include <check.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"

char *
i1_slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	err;

	buf_init(&b, BUF_NOCAP);
	ck_assert_msg(buf_read_file(&b, path, &err) == 0, "%s", err.msg);
	return buf_detach(&b, len);
}

struct config *
i1_config_text(const char *yml)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct ad_errs		 errs;
	struct config		*cfg;

	/* integrations without a sending half yet are left alone */
	o.require_senders = false;
	ad_errs_init(&errs);
	cfg = config_load_bytes("capture-a.yml", yml, strlen(yml), ".", &o,
	    &errs, NULL);
	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
	return cfg;
}

struct config *
i1_config(int port)
{
	char		*raw, *p, *at;
	struct config	*cfg;
	struct buf	 b;

	raw = i1_slurp(I1DIR "/capture-a.yml", NULL);
	buf_init(&b, BUF_NOCAP);
	for (p = raw; (at = strstr(p, "SINKPORT")) != NULL; p = at + 8) {
		buf_add(&b, p, (size_t)(at - p));
		buf_addf(&b, "%d", port);
	}
	buf_addstr(&b, p);
	free(raw);
	cfg = i1_config_text(buf_str(&b));
	buf_release(&b);
	return cfg;
}

static struct labels *
labels_of(json_t *obj)
{
	struct labels_builder	 b;
	struct labels		*ls;
	const char		*k;
	json_t			*v;

	labels_builder_init(&b);
	json_object_foreach(obj, k, v)
		labels_builder_adds(&b, k, json_string_value(v));
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

static ad_time_t
time_of(json_t *o, const char *key)
{
	json_t		*v = json_object_get(o, key);
	ad_time_t	 t;

	if (v == NULL)
		return AD_TIME_ZERO;
	ck_assert_int_eq(time_parse_rfc3339(json_string_value(v),
	    strlen(json_string_value(v)), &t), 0);
	return t;
}

size_t
i1_alerts(const char *file, const char *integ, ad_time_t now,
    struct alert **out)
{
	json_error_t	 je;
	json_t		*arr = json_load_file(file, 0, &je), *a;
	size_t		 i, n = 0;

	ck_assert_msg(arr != NULL, "%s", je.text);
	json_array_foreach(arr, i, a) {
		json_t		*ls = json_object_get(a, "labels");
		json_t		*an = json_object_get(a, "annotations");
		json_t		*gu = json_object_get(a, "generatorURL");
		ad_time_t	 ends = time_of(a, "endsAt");

		if (strcmp(json_string_value(json_object_get(ls, "integ")),
		    integ) != 0)
			continue;
		if (ends == AD_TIME_ZERO || ends > now)
			ends = AD_TIME_ZERO;
		out[n++] = alert_new(labels_of(ls), an != NULL ? labels_of(an) :
		    NULL, gu != NULL ? json_string_value(gu) : NULL,
		    time_of(a, "startsAt"), ends, now, false);
	}
	json_decref(arr);
	return n;
}

void
i1_notif_init(struct i1_notif *nf, struct config *cfg, const char *integ,
    unsigned idx, const char *file)
{
	struct labels_builder	lb;
	char			path[256];

	memset(nf, 0, sizeof(*nf));
	nf->cfg = cfg;
	nf->receiver = integ;
	nf->idx = idx;
	nf->now = ad_now();
	snprintf(path, sizeof(path), "%s/%s", I1DIR, file);
	nf->n = i1_alerts(path, integ, nf->now, nf->alerts);
	ck_assert_uint_gt(nf->n, 0);
	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "Disk<Full>");
	labels_builder_adds(&lb, "integ", integ);
	nf->group_labels = labels_builder_finish(&lb);
	labels_builder_release(&lb);
	snprintf(nf->group_key, sizeof(nf->group_key), "{}/{integ=\"%s\"}:"
	    "{alertname=\"Disk<Full>\", integ=\"%s\"}", integ, integ);
}

void
i1_notif_release(struct i1_notif *nf)
{
	size_t	i;

	for (i = 0; i < nf->n; i++)
		alert_unref(nf->alerts[i]);
	labels_unref(nf->group_labels);
}

const struct config_integration *
i1_integration(const struct i1_notif *nf)
{
	const struct config_receiver	*r = config_receiver(nf->cfg,
	    nf->receiver);
	size_t				 i;

	ck_assert_ptr_nonnull(r);
	for (i = 0; i < r->n_integrations; i++)
		if (r->integrations[i].idx == nf->idx)
			return &r->integrations[i];
	ck_abort_msg("no integration %u in %s", nf->idx, nf->receiver);
	return NULL;
}

static void
i1_ctx(const struct i1_notif *nf, struct notify_ctx *ctx,
    struct alert **sent, size_t *n_sent)
{
	const struct config_integration	*ci = i1_integration(nf);
	size_t				 i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = nf->cfg;
	ctx->tmpl = nf->cfg->tmpl;
	ctx->receiver = nf->receiver;
	ctx->group_key = nf->group_key;
	ctx->group_labels = nf->group_labels;
	ctx->external_url = I1_EXTURL;
	ctx->now = nf->now;
	ctx->idx = nf->idx;
	/* RetryStage: no resolved alerts unless send_resolved */
	*n_sent = 0;
	for (i = 0; i < nf->n; i++)
		if (ci->send_resolved ||
		    !alert_resolved_at(nf->alerts[i], nf->now))
			sent[(*n_sent)++] = nf->alerts[i];
	ctx->alerts = sent;
	ctx->n_alerts = *n_sent;
}

int
i1_prepare(const struct i1_notif *nf, struct notify_req *req,
    struct ad_err *err)
{
	const struct config_integration	*ci = i1_integration(nf);
	struct notify_ctx		 ctx;
	struct alert			*sent[8];
	size_t				 n_sent;

	i1_ctx(nf, &ctx, sent, &n_sent);
	ck_assert_ptr_nonnull(ci->type->prepare);
	return ci->type->prepare(ci->conf, &ctx, req, err);
}

/* The value of header name in req ("Name: value"), or NULL. */
static const char *
req_header(const struct notify_req *req, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < req->n_headers; i++)
		if (strncasecmp(req->headers[i], name, len) == 0 &&
		    req->headers[i][len] == ':')
			return req->headers[i] + len + 2;
	return NULL;
}

/* Long strings: Check's messages are short, so show where they differ. */
static void
i1_same(const char *base, const char *what, const char *got,
    const char *want)
{
	size_t	i = 0;

	if (strcmp(got, want) == 0)
		return;
	while (got[i] != '\0' && got[i] == want[i])
		i++;
	ck_abort_msg("%s: %s differs at byte %zu: ...%.80s... vs recorded "
	    "...%.80s...", base, what, i, got + i, want + i);
}

void
i1_check_recorded(const struct notify_req *req, const char *base)
{
	char		 path[512], *head, *body, *line, *save;
	const char	*host = NULL;
	char		 method[16], *target, *url;
	size_t		 body_len, n_hdr = 0;
	const char	*v;

	snprintf(path, sizeof(path), "%s.head", base);
	head = i1_slurp(path, NULL);
	snprintf(path, sizeof(path), "%s.body", base);
	body = i1_slurp(path, &body_len);
	line = strtok_r(head, "\r\n", &save);
	ck_assert_int_eq(sscanf(line, "%15s ", method), 1);
	target = strchr(line, ' ') + 1;
	*strrchr(target, ' ') = '\0';
	ck_assert_str_eq(req->method != NULL ? req->method : "POST", method);
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char	*colon = strchr(line, ':');

		ck_assert_ptr_nonnull(colon);
		if (strncasecmp(line, "Host:", 5) == 0) {
			host = colon + 2;
			continue;
		}
		if (strncasecmp(line, "User-Agent:", 11) == 0 ||
		    strncasecmp(line, "Content-Length:", 15) == 0)
			continue;
		v = req_header(req, line, (size_t)(colon - line));
		ck_assert_msg(v != NULL, "%s: missing %s", base, line);
		ck_assert_str_eq(v, colon + 2);
		n_hdr++;
	}
	ck_assert_uint_eq(req->n_headers, n_hdr);
	ck_assert_ptr_nonnull(host);
	/* i1_config(9) */
	if (strcmp(host, "127.0.0.1:SINKPORT") == 0)
		host = "127.0.0.1:9";
	if (asprintf(&url, "%s://%s%s", strncmp(host, "127.0.0.1:", 10) == 0 ?
	    "http" : "https", host, target) == -1)
		abort();
	i1_same(base, "url", req->url, url);
	free(url);
	if (buf_len(&req->body) != body_len ||
	    memcmp(buf_str(&req->body), body, body_len) != 0) {
		size_t	i = 0;

		while (i < body_len && i < buf_len(&req->body) &&
		    buf_str(&req->body)[i] == body[i])
			i++;
		ck_abort_msg("%s: body differs at byte %zu: ...%.60s... vs "
		    "recorded ...%.60s...", base, i, buf_str(&req->body) + i,
		    body + i);
	}
	free(head);
	free(body);
}

enum notify_verdict
i1_verdict(const struct config_integration *ci, long status,
    const char *body, struct ad_err *err)
{
	struct notify_resp	r;

	memset(&r, 0, sizeof(r));
	ad_err_clear(err);
	r.status = status;
	r.body = body != NULL ? body : "";
	r.body_len = strlen(r.body);
	r.url = "http://x/";
	if (status == 0) {
		r.curl_code = 7;
		r.curl_error = "Post \"http://x/\": connection refused";
	}
	if (ci->type->verdict != NULL)
		return ci->type->verdict(ci->conf, &r, err);
	return notifier_default_verdict(ci->conf, &r, err);
}

/* ------------------------------------------------ through notify --- */

struct i1_job {
	struct notify_job		 job;	/* first */
	const struct i1_notif		*nf;
	const struct config_integration	*ci;
	struct alert			*sent[8];
	size_t				 n_sent;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	bool				 done;
	struct i1_run			 res;
};

static enum notify_prep
job_prepare(struct notify_job *job, struct notify_req *req,
    struct ad_err *err)
{
	struct i1_job		*j = (struct i1_job *)job;
	struct notify_ctx	 ctx;

	i1_ctx(j->nf, &ctx, j->sent, &j->n_sent);
	if (j->ci->type->prepare(j->ci->conf, &ctx, req, err) == -1)
		return NOTIFY_PREP_FAIL;
	return NOTIFY_PREP_SEND;
}

static enum notify_verdict
job_verdict(struct notify_job *job, const struct notify_resp *r,
    struct ad_err *err)
{
	struct i1_job	*j = (struct i1_job *)job;

	if (j->ci->type->verdict != NULL)
		return j->ci->type->verdict(j->ci->conf, r, err);
	return notifier_default_verdict(j->ci->conf, r, err);
}

static void
job_done(struct notify_job *job, const struct notify_result *res)
{
	struct i1_job	*j = (struct i1_job *)job;

	pthread_mutex_lock(&j->mu);
	j->res.ok = res->ok;
	j->res.attempts = res->attempts;
	snprintf(j->res.msg, sizeof(j->res.msg), "%s", res->err != NULL ?
	    res->err->msg : "");
	j->done = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

static const struct notify_job_ops i1_ops = {
	job_prepare, job_verdict, job_done
};

void
i1_run(const struct i1_notif *nf, int timeout_ms, struct i1_run *out)
{
	struct notify_opts	 o;
	struct notify		*n;
	struct i1_job		*j = xcalloc(1, sizeof(*j));
	struct ad_err		 err;
	struct timespec		 ts;

	memset(&o, 0, sizeof(o));
	o.backoff.initial = 20 * AD_MS;
	o.backoff.max = 100 * AD_MS;
	o.backoff.multiplier = 1.5;
	o.backoff.jitter = 0;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, &err), 0);
	j->nf = nf;
	j->ci = i1_integration(nf);
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	notify_job_init(&j->job, &i1_ops, j->ci->type->name, nf->receiver,
	    nf->idx, ad_now() + (ad_time_t)timeout_ms * AD_MS);
	ck_assert_int_eq(notify_submit(n, &j->job), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000 + 5;
	pthread_mutex_lock(&j->mu);
	while (!j->done)
		ck_assert_int_eq(pthread_cond_timedwait(&j->cv, &j->mu, &ts),
		    0);
	pthread_mutex_unlock(&j->mu);
	notify_stop(n);
	notify_free(n);
	*out = j->res;
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

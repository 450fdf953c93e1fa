/*
 * The capture fixture for the integ2 senders' unit tests (see
 * check_integ2_fixture.h).
 */
#include "tests/unit/check_integ2_fixture.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "routing/labels.h"

char *
i2_slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	err;

	buf_init(&b, BUF_NOCAP);
	ck_assert_msg(buf_read_file(&b, path, &err) == 0, "%s", err.msg);
	return buf_detach(&b, len);
}

struct config *
i2_config(const char *yml)
{
	struct config_load_opts	 opts = config_load_opts_daemon();
	char		*raw, *p, *q;
	struct ad_errs	 errs;
	struct config	*cfg;
	struct buf	 b;

	if (strchr(yml, '\n') != NULL) {
		raw = xstrdup(yml);
	} else {
		buf_init(&b, BUF_NOCAP);
		buf_addf(&b, "%s/%s", I2DIR, yml);
		raw = i2_slurp(buf_str(&b), NULL);
		buf_release(&b);
	}
	buf_init(&b, BUF_NOCAP);
	for (p = raw; *p != '\0'; p = q) {
		q = strchr(p, '\n');
		q = q != NULL ? q + 1 : p + strlen(p);
		/* lines for the recording Alertmanager only */
		if (memmem(p, (size_t)(q - p), "HEREDIR", 7) != NULL)
			continue;
		for (; p < q; p++) {
			if ((size_t)(q - p) >= 8 && memcmp(p, "SINKPORT", 8) ==
			    0) {
				buf_addstr(&b, "9999");
				p += 7;
			} else {
				buf_addch(&b, *p);
			}
		}
	}
	free(raw);
	/* the daemon's options, but senders landing one by one */
	opts.require_senders = false;
	ad_errs_init(&errs);
	cfg = config_load_bytes("capture.yml", buf_str(&b), buf_len(&b),
	    I2DIR, &opts, &errs, NULL);
	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
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

/* The alerts of a group as the dispatcher flushes them (the files list
 * them in Alertmanager's order: job, then instance). */
static size_t
load_alerts(const char *phase, const char *alertname, ad_time_t now,
    struct alert **out, size_t max)
{
	json_error_t	 je;
	json_t		*arr, *a;
	size_t		 i, n = 0;
	bool		 first = strcmp(phase, "firing") == 0;

	arr = json_load_file(first ? I2DIR "/alerts1.json" :
	    I2DIR "/alerts2.json", 0, &je);
	ck_assert_msg(arr != NULL, "%s", je.text);
	json_array_foreach(arr, i, a) {
		json_t		*ls = json_object_get(a, "labels");
		json_t		*an = json_object_get(a, "annotations");
		json_t		*gu = json_object_get(a, "generatorURL");
		ad_time_t	 ends = time_of(a, "endsAt");

		if (strcmp(json_string_value(json_object_get(ls, "alertname")),
		    alertname) != 0)
			continue;
		ck_assert_uint_lt(n, max);
		if (ends == AD_TIME_ZERO || ends > now)
			ends = AD_TIME_ZERO;
		out[n++] = alert_new(labels_of(ls), an != NULL ? labels_of(an) :
		    NULL, gu != NULL ? json_string_value(gu) : NULL,
		    time_of(a, "startsAt"), ends, now, false);
	}
	json_decref(arr);
	return n;
}

static const struct config_integration *
find_integration(const struct config *cfg, const char *name, unsigned idx)
{
	const struct config_receiver	*r;
	size_t				 i;

	r = config_receiver(cfg, I2_RECEIVER);
	ck_assert_ptr_nonnull(r);
	for (i = 0; i < r->n_integrations; i++)
		if (strcmp(r->integrations[i].type->name, name) == 0 &&
		    r->integrations[i].idx == idx)
			return &r->integrations[i];
	ck_abort_msg("no %s[%u] in the config", name, idx);
	return NULL;
}

int
i2_prepare(const struct config *cfg, const char *name, unsigned idx,
    const char *group, const char *phase, struct notify_req *req,
    char *errmsg, size_t errlen)
{
	const struct config_integration	*ci;
	const char			*alertname;
	struct alert			*all[8], *sent[8];
	struct labels_builder		 lb;
	struct notify_ctx		 ctx;
	struct ad_err			 err;
	struct buf			 key;
	ad_time_t			 now = ad_now();
	size_t				 n, i, k = 0;
	int				 rc;

	ci = find_integration(cfg, name, idx);
	alertname = strcmp(group, "Disk") == 0 ? "Disk<Full>" : "Long";
	n = load_alerts(phase, alertname, now, all, 8);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++)
		if (ci->send_resolved || !alert_resolved_at(all[i], now))
			sent[k++] = all[i];
	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", alertname);
	labels_builder_adds(&lb, "job", labels_get(all[0]->labels, "job"));
	buf_init(&key, BUF_NOCAP);
	buf_addf(&key, "{}:{alertname=\"%s\", job=\"%s\"}", alertname,
	    labels_get(all[0]->labels, "job"));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.tmpl = cfg->tmpl;
	ctx.receiver = I2_RECEIVER;
	ctx.group_key = buf_str(&key);
	ctx.group_labels = labels_builder_finish(&lb);
	ctx.alerts = sent;
	ctx.n_alerts = k;
	ctx.external_url = "http://am.example:9093";
	ctx.now = now;
	ctx.idx = idx;
	notify_req_init(req);
	memset(&err, 0, sizeof(err));
	rc = ci->type->prepare(ci->conf, &ctx, req, &err);
	if (rc == -1 && errmsg != NULL)
		snprintf(errmsg, errlen, "%s", err.msg);
	for (i = 0; i < n; i++)
		alert_unref(all[i]);
	labels_unref(ctx.group_labels);
	labels_builder_release(&lb);
	buf_release(&key);
	return rc;
}

char *
i2_head_header(const char *head, const char *name)
{
	const char	*p = strstr(head, "\r\n");
	size_t		 n = strlen(name);

	while (p != NULL && p[2] != '\r' && p[2] != '\0') {
		const char	*line = p + 2, *end = strstr(line, "\r\n");

		if (end == NULL)
			break;
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			line += n + 1;
			while (*line == ' ')
				line++;
			return xstrndup(line, (size_t)(end - line));
		}
		p = end;
	}
	return NULL;
}

static const char *
req_header(const struct notify_req *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < req->n_headers; i++)
		if (strncasecmp(req->headers[i], name, n) == 0 &&
		    req->headers[i][n] == ':')
			return req->headers[i] + n + 2;
	return NULL;
}

void
i2_check_recorded(const struct notify_req *req, const char *integ,
    const char *tag, const char *base)
{
	struct buf	 path;
	char		*head, *body, *want, *sp;
	const char	*ua, *url;
	size_t		 len;

	buf_init(&path, BUF_NOCAP);
	buf_addf(&path, "%s/%s/%s/%s.head", I2DIR, integ, tag, base);
	head = i2_slurp(buf_str(&path), NULL);
	buf_reset(&path);
	buf_addf(&path, "%s/%s/%s/%s.body", I2DIR, integ, tag, base);
	body = i2_slurp(buf_str(&path), &len);
	buf_release(&path);

	/* request line: method and target */
	sp = strchr(head, ' ');
	ck_assert_ptr_nonnull(sp);
	want = xstrndup(head, (size_t)(sp - head));
	ck_assert_str_eq(req->method != NULL ? req->method : "POST", want);
	free(want);
	url = req->url;
	ck_assert_msg(strncmp(url, "http://127.0.0.1:9999/", 22) == 0, "%s",
	    url);
	ck_assert_msg(strncmp(sp + 1, url + 21, strlen(url + 21)) == 0 &&
	    sp[1 + strlen(url + 21)] == ' ', "%s: target %s, want %.*s", base,
	    url + 21, (int)(strchr(sp + 1, ' ') - sp - 1), sp + 1);

	want = i2_head_header(head, "Content-Type");
	ck_assert_ptr_nonnull(req_header(req, "Content-Type"));
	ck_assert_str_eq(req_header(req, "Content-Type"), want);
	free(want);
	want = i2_head_header(head, "User-Agent");
	ua = req_header(req, "User-Agent");
	ck_assert_str_eq(ua != NULL ? ua : "Alertmanager/0.25.0", want);
	free(want);

	ck_assert_msg(buf_len(&req->body) == len &&
	    memcmp(buf_str(&req->body), body, len) == 0,
	    "%s: body differs:\n got %s\nwant %s", base, buf_str(&req->body),
	    body);
	free(head);
	free(body);
}

void
i2_resp(struct notify_resp *r, long status, const char *body)
{
	memset(r, 0, sizeof(*r));
	r->status = status;
	r->body = body;
	r->body_len = strlen(body);
	r->url = "<redacted>";
}

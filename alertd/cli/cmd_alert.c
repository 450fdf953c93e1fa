/*
 * alert query, alert add: amtool 0.25's alert_query.go and alert_add.go.
 * Kept on purpose: a first argument that does not parse as a matcher
 * becomes alertname=<it> ("alert add foo=~bar" adds alertname="foo=~bar");
 * without -a/-s/-i/-u only active alerts are asked for; alert add sends
 * Go's zero time for an unset --start/--end, as amtool does.
 */
#include "alertd/cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/cli/gojson.h"
#include "alertd/cli/gotime.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "routing/matcher.h"

/* "filter=<m>" for each matcher, &-separated, escaped. */
static void
add_filters(struct buf *q, char *const *ms, size_t n, const char *first)
{
	size_t	i;
	char	*e;

	for (i = 0; i < n; i++) {
		e = client_escape(i == 0 && first != NULL ? first : ms[i]);
		buf_addf(q, "%sfilter=%s", buf_len(q) > 0 ? "&" : "", e);
		free(e);
	}
}

int
cmd_alert_query(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl;
	struct ad_err	 err = { 0 };
	struct buf	 q, out;
	char *const	*ms;
	char		*first = NULL, *path, *e;
	const char	*recv = args_get(ctx, "receiver");
	json_t		*alerts = NULL;
	size_t		 n;
	bool		 a = args_bool(ctx, "active"), s = args_bool(ctx,
			    "silenced"), i = args_bool(ctx, "inhibited"),
			    u = args_bool(ctx, "unprocessed");
	int		 rc = 1;

	ms = args_list(ctx, "matcher-groups", &n);
	if (n > 0)
		first = cli_fix_first(ms[0]);
	if (!a && !s && !i && !u)
		a = true;
	/* Go's url.Values.Encode sorts the keys. */
	buf_init(&q, BUF_NOCAP);
	buf_addf(&q, "active=%s", a ? "true" : "false");
	add_filters(&q, ms, n, first);
	buf_addf(&q, "&inhibited=%s", i ? "true" : "false");
	if (recv != NULL && *recv != '\0') {
		e = client_escape(recv);
		buf_addf(&q, "&receiver=%s", e);
		free(e);
	}
	buf_addf(&q, "&silenced=%s&unprocessed=%s", s ? "true" : "false",
	    u ? "true" : "false");
	path = xasprintf("/alerts?%s", buf_str(&q));
	buf_release(&q);
	buf_init(&out, BUF_NOCAP);
	cl = cli_client(c, &err);
	if (cl == NULL || client_do(cl, "GET", path, NULL, &alerts,
	    &err) == -1 || out_alerts(c, alerts, &out, &err) == -1) {
		rc = cli_error(c, &err);
	} else {
		cli_print(&out);
		rc = 0;
	}
	buf_release(&out);
	json_decref(alerts);
	client_free(cl);
	free(path);
	free(first);
	return rc;
}

/*
 * amtool's parseLabels: each argument a matcher of type "=", else
 * "labels must be specified as key=value pairs"; later names win.
 */
static json_t *
parse_labels(char *const *v, size_t n, const char *first,
    struct ad_err *err)
{
	json_t		*obj = json_object();
	struct matcher	*m;
	size_t		 i;

	for (i = 0; i < n; i++) {
		m = cli_parse_matcher(i == 0 && first != NULL ? first : v[i],
		    err);
		if (m == NULL)
			goto fail;
		if (matcher_type(m) != MATCH_EQ) {
			matcher_free(m);
			ad_err_set(err, AD_EINVAL,
			    "labels must be specified as key=value pairs");
			goto fail;
		}
		json_object_set_new(obj, matcher_name(m),
		    json_string(matcher_value(m)));
		matcher_free(m);
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

/* --start/--end as time.Parse(time.RFC3339), then strfmt's format. */
static int
add_time(struct buf *b, const char *key, const char *s, struct ad_err *err)
{
	struct gotime	t;

	if (s == NULL || *s == '\0')
		gotime_zero(&t);
	else if (gotime_parse(GOTIME_RFC3339, s, &t, err) == -1)
		return -1;
	buf_addf(b, "\"%s\":\"", key);
	gotime_format(b, &t, GOTIME_RFC3339_MILLIS);
	return buf_addch(b, '"');
}

static void
add_map(struct buf *b, json_t *map)
{
	char	*s = json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS);

	buf_addstr(b, s);
	free(s);
}

/* models.PostableAlert as Go marshals it (omitempty on annotations). */
static int
alert_body(struct buf *b, json_t *labels, json_t *annotations,
    struct args_ctx *ctx, struct ad_err *err)
{
	const char	*gen = args_get(ctx, "generator-url");

	buf_addstr(b, "[{");
	if (json_object_size(annotations) > 0) {
		buf_addstr(b, "\"annotations\":");
		add_map(b, annotations);
		buf_addch(b, ',');
	}
	if (add_time(b, "endsAt", args_get(ctx, "end"), err) == -1)
		return -1;
	buf_addch(b, ',');
	if (add_time(b, "startsAt", args_get(ctx, "start"), err) == -1)
		return -1;
	if (gen != NULL && *gen != '\0') {
		buf_addstr(b, ",\"generatorURL\":");
		gojson_string(b, gen, strlen(gen));
	}
	buf_addstr(b, ",\"labels\":");
	add_map(b, labels);
	return buf_addstr(b, "}]");
}

int
cmd_alert_add(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl = NULL;
	struct ad_err	 err = { 0 };
	struct buf	 body;
	char *const	*lv, *const *av;
	char		*first = NULL;
	json_t		*labels = NULL, *annotations = NULL, *l0;
	size_t		 nl, na;
	int		 rc = 1;

	lv = args_list(ctx, "labels", &nl);
	av = args_list(ctx, "annotation", &na);
	if (nl > 0) {
		l0 = parse_labels(lv, 1, NULL, NULL);
		if (l0 == NULL)
			first = xasprintf("alertname=%s", lv[0]);
		json_decref(l0);
	}
	buf_init(&body, BUF_NOCAP);
	labels = parse_labels(lv, nl, first, &err);
	if (labels != NULL)
		annotations = parse_labels(av, na, NULL, &err);
	if (annotations == NULL || alert_body(&body, labels, annotations, ctx,
	    &err) == -1)
		goto fail;
	cl = cli_client(c, &err);
	if (cl == NULL || client_do(cl, "POST", "/alerts", buf_str(&body),
	    NULL, &err) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = cli_error(c, &err);
out:
	client_free(cl);
	buf_release(&body);
	json_decref(labels);
	json_decref(annotations);
	free(first);
	return rc;
}

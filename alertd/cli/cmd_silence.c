/*
 * silence query, add, expire, update: amtool 0.25's silence_*.go.
 * Kept on purpose: the first non-matcher argument is the alertname;
 * query filters expired/active/--within/--created-by on the client;
 * add requires a comment unless require-comment is false, defaults the
 * author to the user name and the duration to 1h, and checks in amtool's
 * order (matchers, start, end or duration, start after end, comment).
 * Beyond amtool: add --preview lists the alerts the silence would match
 * (asking the server, so regexes match exactly as it matches them) and
 * creates the silence only when confirmed on a terminal; update -q prints
 * the IDs (amtool 0.25 prints Go pointers there).
 */
#include "alertd/cli/cli.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/cli/gojson.h"
#include "alertd/cli/gotime.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"
#include "routing/matcher.h"

static void
now_utc(struct gotime *t)
{
	ad_time_t	now = ad_now();

	gotime_utc(t, now / AD_SEC, (int32_t)(now % AD_SEC));
}

static void
add_dur(struct gotime *t, ad_dur_t d)
{
	int64_t	ns = (int64_t)t->nsec + d % AD_SEC;

	t->sec += d / AD_SEC + (ns >= AD_SEC ? 1 : ns < 0 ? -1 : 0);
	t->nsec = (int32_t)(ns >= AD_SEC ? ns - AD_SEC : ns < 0 ? ns + AD_SEC :
	    ns);
}

static int
silence_time(json_t *s, const char *key, struct gotime *t)
{
	const char	*v = json_string_value(json_object_get(s, key));

	if (v == NULL || gojson_parse_time(v, t, NULL) == -1) {
		gotime_zero(t);
		return -1;
	}
	return 0;
}

/* silence_query.go's client-side filter. */
static bool
keep_silence(json_t *s, bool expired, ad_dur_t within, const char *by)
{
	struct gotime	ends, now, lim;
	const char	*cb = json_string_value(json_object_get(s, "createdBy"));
	int		 c;

	silence_time(s, "endsAt", &ends);
	now_utc(&now);
	c = gotime_cmp(&ends, &now);
	if ((!expired && c < 0) || (expired && c > 0))
		return false;
	lim = now;
	add_dur(&lim, expired ? -within : within);
	if (within > 0 && !expired && gotime_cmp(&ends, &lim) > 0)
		return false;
	if (within > 0 && expired && gotime_cmp(&ends, &lim) < 0)
		return false;
	if (by != NULL && *by != '\0' && (cb == NULL || strcmp(cb, by) != 0))
		return false;
	return true;
}

static char *
filters_path(const char *base, char *const *ms, size_t n, const char *first)
{
	struct buf	 q;
	size_t		 i;
	char		*e;

	buf_init(&q, BUF_NOCAP);
	buf_addstr(&q, base);
	for (i = 0; i < n; i++) {
		e = client_escape(i == 0 && first != NULL ? first : ms[i]);
		buf_addf(&q, "%sfilter=%s", i == 0 ? "?" : "&", e);
		free(e);
	}
	return buf_detach(&q, NULL);
}

static int
print_silences(struct cli *c, json_t *list, bool quiet, struct ad_err *err)
{
	struct buf	out;
	size_t		i;
	json_t		*s;

	buf_init(&out, BUF_NOCAP);
	if (quiet) {
		json_array_foreach(list, i, s)
			buf_addf(&out, "%s\n", json_string_value(
			    json_object_get(s, "id")) ?: "");
	} else if (out_silences(c, list, &out, err) == -1) {
		buf_release(&out);
		ad_err_prefix(err, "error formatting silences");
		return -1;
	}
	cli_print(&out);
	buf_release(&out);
	return 0;
}

int
cmd_silence_query(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl;
	struct ad_err	 err = { 0 };
	char *const	*ms;
	char		*first = NULL, *path;
	json_t		*all = NULL, *keep = json_array(), *s;
	ad_dur_t	 within = 0;
	size_t		 n, i;
	int		 rc = 1;

	ms = args_list(ctx, "matcher-groups", &n);
	if (n > 0)
		first = cli_fix_first(ms[0]);
	if (args_get(ctx, "within") != NULL)
		(void)dur_parse_go(args_get(ctx, "within"), &within, NULL);
	path = filters_path("/silences", ms, n, first);
	cl = cli_client(c, &err);
	if (cl == NULL || client_do(cl, "GET", path, NULL, &all, &err) == -1)
		goto fail;
	json_array_foreach(all, i, s)
		if (keep_silence(s, args_bool(ctx, "expired"), within,
		    args_get(ctx, "created-by")))
			json_array_append(keep, s);
	if (print_silences(c, keep, args_bool(ctx, "quiet"), &err) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = cli_error(c, &err);
out:
	client_free(cl);
	json_decref(all);
	json_decref(keep);
	free(path);
	free(first);
	return rc;
}

/* user.Current().Username */
static const char *
username(void)
{
	struct passwd	*pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "";
}

/* models.Matcher for a parsed matcher (TypeMatcher in amtool). */
static json_t *
api_matcher(const struct matcher *m)
{
	enum matcher_type t = matcher_type(m);

	return json_pack("{s:b,s:b,s:s,s:s}",
	    "isEqual", t == MATCH_EQ || t == MATCH_RE,
	    "isRegex", t == MATCH_RE || t == MATCH_NRE,
	    "name", matcher_name(m), "value", matcher_value(m));
}

static json_t *
parse_matchers(char *const *v, size_t n, const char *first,
    struct ad_err *err)
{
	json_t		*arr = json_array();
	struct matcher	*m;
	size_t		 i;

	for (i = 0; i < n; i++) {
		m = cli_parse_matcher(i == 0 && first != NULL ? first : v[i],
		    err);
		if (m == NULL) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, api_matcher(m));
		matcher_free(m);
	}
	return arr;
}

static json_t *
time_json(const struct gotime *t)
{
	struct buf	 b;
	json_t		*v;

	buf_init(&b, BUF_NOCAP);
	gotime_format(&b, t, GOTIME_RFC3339_MILLIS);
	v = json_string(buf_str(&b));
	buf_release(&b);
	return v;
}

/* The silence's end: --end, else start + --duration (model.Duration). */
static int
silence_end(const char *end, const char *dur, const struct gotime *start,
    struct gotime *t, struct ad_err *err)
{
	ad_dur_t	d;

	if (end != NULL && *end != '\0')
		return gotime_parse(GOTIME_RFC3339, end, t, err);
	if (dur_parse_prom(dur != NULL ? dur : "", &d, err) == -1)
		return -1;
	if (d == 0)
		return ad_err_set(err, AD_EINVAL,
		    "silence duration must be greater than 0");
	*t = *start;
	gotime_utc(t, t->sec, t->nsec);
	add_dur(t, d);
	return 0;
}

/* Builds the PostableSilence of `silence add`; NULL on a user error. */
static json_t *
new_silence(struct args_ctx *ctx, struct ad_err *err)
{
	char *const	*ms;
	char		*first = NULL;
	const char	*start = args_get(ctx, "start"), *comment;
	const char	*author = args_get(ctx, "author");
	json_t		*matchers, *sil = NULL;
	struct gotime	 st, en;
	size_t		 n;

	ms = args_list(ctx, "matcher-groups", &n);
	if (n > 0)
		first = cli_fix_first(ms[0]);
	matchers = parse_matchers(ms, n, first, err);
	free(first);
	if (matchers == NULL)
		return NULL;
	if (n < 1) {
		ad_err_set(err, AD_EINVAL, "no matchers specified");
		goto fail;
	}
	if (start != NULL && *start != '\0') {
		if (gotime_parse(GOTIME_RFC3339, start, &st, err) == -1)
			goto fail;
	} else
		now_utc(&st);
	if (author == NULL || *author == '\0')
		author = username();
	if (silence_end(args_get(ctx, "end"), args_get(ctx, "duration"), &st,
	    &en, err) == -1)
		goto fail;
	if (gotime_cmp(&st, &en) > 0) {
		ad_err_set(err, AD_EINVAL, "silence cannot start after it ends");
		goto fail;
	}
	comment = args_get(ctx, "comment");
	if (args_bool(ctx, "require-comment") && (comment == NULL ||
	    *comment == '\0')) {
		ad_err_set(err, AD_EINVAL, "comment required by config");
		goto fail;
	}
	sil = json_pack("{s:s,s:s,s:o,s:O,s:o}", "comment",
	    comment != NULL ? comment : "", "createdBy", author, "endsAt",
	    time_json(&en), "matchers", matchers, "startsAt", time_json(&st));
fail:
	json_decref(matchers);
	return sil;
}

/* --preview: the alerts that match, in the chosen output format. */
static int
preview(struct cli *c, struct client *cl, json_t *sil, bool *create,
    struct ad_err *err)
{
	struct buf	 q, out;
	json_t		*m, *alerts = NULL;
	size_t		 i;
	char		*e, answer[16];
	int		 rc = -1;

	buf_init(&q, BUF_NOCAP);
	buf_addstr(&q, "/alerts?active=true&inhibited=true&silenced=true"
	    "&unprocessed=true");
	json_array_foreach(json_object_get(sil, "matchers"), i, m) {
		struct buf ms;

		buf_init(&ms, BUF_NOCAP);
		cli_matcher_string(&ms, m);
		e = client_escape(buf_str(&ms));
		buf_addf(&q, "&filter=%s", e);
		free(e);
		buf_release(&ms);
	}
	buf_init(&out, BUF_NOCAP);
	if (client_do(cl, "GET", buf_str(&q), NULL, &alerts, err) == -1 ||
	    out_alerts(c, alerts, &out, err) == -1)
		goto out;
	cli_print(&out);
	*create = false;
	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "The silence matches %zu alert(s). Create it? "
		    "[y/N] ", json_array_size(alerts));
		if (fgets(answer, sizeof(answer), stdin) != NULL &&
		    (answer[0] == 'y' || answer[0] == 'Y'))
			*create = true;
	} else {
		fprintf(stderr, "%s: preview only (%zu matching alert(s)); the "
		    "silence was not created\n", c->prog,
		    json_array_size(alerts));
	}
	rc = 0;
out:
	buf_release(&q);
	buf_release(&out);
	json_decref(alerts);
	return rc;
}

int
cmd_silence_add(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl = NULL;
	struct ad_err	 err = { 0 };
	json_t		*sil, *res = NULL;
	char		*body = NULL;
	bool		 create = true;
	int		 rc = 1;

	sil = new_silence(ctx, &err);
	if (sil == NULL)
		return cli_error(c, &err);
	cl = cli_client(c, &err);
	if (cl == NULL)
		goto fail;
	if (args_bool(ctx, "preview") && preview(c, cl, sil, &create,
	    &err) == -1)
		goto fail;
	if (create) {
		body = json_dumps(sil, JSON_COMPACT);
		if (client_do(cl, "POST", "/silences", body, &res, &err) == -1)
			goto fail;
		printf("%s\n", json_string_value(json_object_get(res,
		    "silenceID")) ?: "");
	}
	rc = 0;
	goto out;
fail:
	rc = cli_error(c, &err);
out:
	client_free(cl);
	json_decref(sil);
	json_decref(res);
	free(body);
	return rc;
}

int
cmd_silence_expire(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl;
	struct ad_err	 err = { 0 };
	char *const	*ids;
	char		*path, *e;
	size_t		 n, i;
	int		 rc = 0;

	ids = args_list(ctx, "silence-ids", &n);
	if (n < 1)
		return cli_errorf(c, "no silence IDs specified");
	cl = cli_client(c, &err);
	if (cl == NULL)
		return cli_error(c, &err);
	for (i = 0; i < n && rc == 0; i++) {
		e = client_escape(ids[i]);
		path = xasprintf("/silence/%s", e);
		if (client_do(cl, "DELETE", path, NULL, NULL, &err) == -1)
			rc = cli_error(c, &err);
		free(path);
		free(e);
	}
	client_free(cl);
	return rc;
}

/* Applies --start, --end or --duration, --comment to a fetched silence. */
static int
update_one(struct args_ctx *ctx, json_t *sil, struct ad_err *err)
{
	const char	*start = args_get(ctx, "start"), *end = args_get(ctx,
			    "end"), *dur = args_get(ctx, "duration"),
			    *comment = args_get(ctx, "comment");
	struct gotime	 st, en;
	ad_dur_t	 d;

	silence_time(sil, "startsAt", &st);
	silence_time(sil, "endsAt", &en);
	if (start != NULL && *start != '\0') {
		if (gotime_parse(GOTIME_RFC3339, start, &st, err) == -1)
			return -1;
		json_object_set_new(sil, "startsAt", time_json(&st));
	}
	if (end != NULL && *end != '\0') {
		if (gotime_parse(GOTIME_RFC3339, end, &en, err) == -1)
			return -1;
		json_object_set_new(sil, "endsAt", time_json(&en));
	} else if (dur != NULL && *dur != '\0') {
		if (dur_parse_prom(dur, &d, err) == -1)
			return -1;
		if (d == 0)
			return ad_err_set(err, AD_EINVAL,
			    "silence duration must be greater than 0");
		en = st;
		gotime_utc(&en, en.sec, en.nsec);
		add_dur(&en, d);
		json_object_set_new(sil, "endsAt", time_json(&en));
	}
	if (gotime_cmp(&st, &en) > 0)
		return ad_err_set(err, AD_EINVAL,
		    "silence cannot start after it ends");
	if (comment != NULL && *comment != '\0')
		json_object_set_new(sil, "comment", json_string(comment));
	return 0;
}

static int
post_update(struct client *cl, json_t *sil, struct ad_err *err)
{
	json_t	*ps, *res = NULL;
	char	*body;
	int	 rc;

	ps = json_pack("{s:O*,s:O*,s:O*,s:O*,s:O*,s:O*}", "id",
	    json_object_get(sil, "id"), "comment", json_object_get(sil,
	    "comment"), "createdBy", json_object_get(sil, "createdBy"),
	    "endsAt", json_object_get(sil, "endsAt"), "matchers",
	    json_object_get(sil, "matchers"), "startsAt",
	    json_object_get(sil, "startsAt"));
	body = json_dumps(ps, JSON_COMPACT);
	rc = client_do(cl, "POST", "/silences", body, &res, err);
	if (rc == 0)
		json_object_set(sil, "id", json_object_get(res, "silenceID"));
	free(body);
	json_decref(ps);
	json_decref(res);
	return rc;
}

int
cmd_silence_update(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl;
	struct ad_err	 err = { 0 };
	char *const	*ids;
	char		*path, *e;
	json_t		*done = json_array(), *sil;
	size_t		 n, i;
	int		 rc = 1;

	ids = args_list(ctx, "update-ids", &n);
	if (n < 1) {
		json_decref(done);
		return cli_errorf(c, "no silence IDs specified");
	}
	cl = cli_client(c, &err);
	for (i = 0; cl != NULL && i < n; i++) {
		e = client_escape(ids[i]);
		path = xasprintf("/silence/%s", e);
		free(e);
		sil = NULL;
		rc = client_do(cl, "GET", path, NULL, &sil, &err);
		free(path);
		if (rc == -1 || update_one(ctx, sil, &err) == -1 ||
		    post_update(cl, sil, &err) == -1) {
			json_decref(sil);
			break;
		}
		json_array_append_new(done, sil);
	}
	if (cl == NULL || i < n || print_silences(c, done, args_bool(ctx,
	    "quiet"), &err) == -1)
		rc = cli_error(c, &err);
	else
		rc = 0;
	client_free(cl);
	json_decref(done);
	return rc;
}

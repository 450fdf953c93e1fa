/*
 * Hand-built routing inputs for the unit tests (see routing_fixture.h).
 */
#include "routing_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"
#include "routing/matcher.h"

static const char *
parse_op(const char *p, enum matcher_type *t)
{
	if (strncmp(p, "=~", 2) == 0) {
		*t = MATCH_RE;
		return p + 2;
	}
	if (strncmp(p, "!~", 2) == 0) {
		*t = MATCH_NRE;
		return p + 2;
	}
	if (strncmp(p, "!=", 2) == 0) {
		*t = MATCH_NE;
		return p + 2;
	}
	ck_assert_msg(*p == '=', "fixture: bad operator at %s", p);
	*t = MATCH_EQ;
	return p + 1;
}

static const char *
parse_value(const char *p, struct buf *v)
{
	ck_assert_msg(*p == '"', "fixture: value must be quoted: %s", p);
	for (p++; *p != '"'; p++) {
		ck_assert_msg(*p != '\0', "fixture: unterminated value");
		if (*p == '\\') {
			p++;
			buf_addch(v, *p == 'n' ? '\n' : *p);
		} else
			buf_addch(v, *p);
	}
	return p + 1;
}

void
fx_matchers(struct matchers *ms, const char *s)
{
	struct buf		 name, value;
	struct ad_err		 err;
	struct matcher		*m;
	enum matcher_type	 t;
	const char		*p = s, *q;

	while (*p != '\0') {
		buf_init(&name, BUF_NOCAP);
		buf_init(&value, BUF_NOCAP);
		for (q = p; *q != '=' && *q != '!'; q++)
			ck_assert_msg(*q != '\0', "fixture: no operator: %s", s);
		buf_add(&name, p, (size_t)(q - p));
		p = parse_value(parse_op(q, &t), &value);
		m = matcher_new(t, buf_str(&name), buf_str(&value), &err);
		ck_assert_msg(m != NULL, "fixture: %s", err.msg);
		matchers_add(ms, m);
		buf_release(&name);
		buf_release(&value);
		if (*p == ',')
			p++;
	}
}

struct config_route *
fx_route(const char *receiver, const char *matchers)
{
	struct config_route	*r;

	r = xcalloc(1, sizeof(*r));
	r->receiver = xstrdup(receiver != NULL ? receiver : "");
	matchers_init(&r->matchers);
	matchers_init(&r->matchers_written);
	if (matchers != NULL)
		fx_matchers(&r->matchers, matchers);
	return r;
}

struct config_route *
fx_child(struct config_route *parent, struct config_route *child)
{
	parent->routes = xreallocarray(parent->routes, parent->n_routes + 1,
	    sizeof(*parent->routes));
	parent->routes[parent->n_routes++] = child;
	return child;
}

void
fx_group_by(struct config_route *r, const char *csv)
{
	char	*s, *tok, *save = NULL;

	r->group_by_set = true;
	if (strcmp(csv, "...") == 0) {
		r->group_by_all = true;
		return;
	}
	s = xstrdup(csv);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		r->group_by = xreallocarray(r->group_by, r->n_group_by + 1,
		    sizeof(*r->group_by));
		r->group_by[r->n_group_by++] = xstrdup(tok);
	}
	free(s);
}

void
fx_timings(struct config_route *r, ad_dur_t wait, ad_dur_t interval,
    ad_dur_t repeat)
{
	if (wait >= 0) {
		r->group_wait = wait;
		r->group_wait_set = true;
	}
	if (interval >= 0) {
		r->group_interval = interval;
		r->group_interval_set = true;
	}
	if (repeat >= 0) {
		r->repeat_interval = repeat;
		r->repeat_interval_set = true;
	}
}

static void
strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
fx_route_free(struct config_route *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_routes; i++)
		fx_route_free(r->routes[i]);
	free(r->routes);
	free(r->receiver);
	strv_free(r->group_by, r->n_group_by);
	strv_free(r->mute_time_intervals, r->n_mute_time_intervals);
	strv_free(r->active_time_intervals, r->n_active_time_intervals);
	matchers_release(&r->matchers);
	matchers_release(&r->matchers_written);
	free(r);
}

void
fx_rule(struct config_inhibit_rule *r, const char *source,
    const char *target, const char *equal)
{
	char	*s, *tok, *save = NULL;

	memset(r, 0, sizeof(*r));
	matchers_init(&r->source);
	matchers_init(&r->target);
	fx_matchers(&r->source, source);
	fx_matchers(&r->target, target);
	s = xstrdup(equal);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		r->equal = xreallocarray(r->equal, r->n_equal + 1,
		    sizeof(*r->equal));
		r->equal[r->n_equal++] = xstrdup(tok);
	}
	free(s);
}

void
fx_rule_free(struct config_inhibit_rule *r)
{
	matchers_release(&r->source);
	matchers_release(&r->target);
	strv_free(r->equal, r->n_equal);
}

struct labels *
fx_labels(const char *const *kv)
{
	struct labels_builder	 b;
	struct labels		*ls;

	labels_builder_init(&b);
	for (; kv[0] != NULL; kv += 2)
		labels_builder_adds(&b, kv[0], kv[1]);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

struct alert *
fx_alert_upd(const char *const *kv, ad_time_t starts_at, ad_time_t ends_at,
    ad_time_t updated_at)
{
	return alert_new(fx_labels(kv), NULL, NULL, starts_at, ends_at,
	    updated_at, false);
}

struct alert *
fx_alert(const char *const *kv, ad_time_t starts_at, ad_time_t ends_at)
{
	return fx_alert_upd(kv, starts_at, ends_at, starts_at);
}

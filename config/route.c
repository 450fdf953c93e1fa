/*
 * route: the route tree, inhibit rules and time intervals of
 * alertmanager.yml (config.go Route, InhibitRule, TimeInterval), with the
 * checks of their UnmarshalYAML and the values dispatch.NewRoute
 * computes: receiver, group_by and timings inherited from the parent,
 * defaults 30s / 5m / 4h at the root, and one sorted matcher list from
 * match, match_re and matchers.
 *
 * Quirk kept: a match_re matcher's value is the anchored regexp
 * "^(?:re)$" (Alertmanager passes Regexp.String() to NewMatcher), so it
 * prints that way in amtool's route output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config_int.h"
#include "config/yemit.h"
#include "config/ynode.h"
#include "routing/labels.h"
#include "routing/timeint.h"

/* `matchers:`: a list of strings, each parsed by ParseMatchers. */
static int
matchers_decode(struct config_check *chk, const struct ynode *n, void *field)
{
	struct matchers	*ms = field;
	struct ad_err	 e;
	size_t		 i;
	int		 rc = 0;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_SEQ)
		return config_check_errn(chk, n, NULL, "cannot unmarshal %s%s%s%s "
		    "into []string", n->kind == YNODE_MAP ? "!!map" : "!!str",
		    n->kind == YNODE_MAP ? "" : " `", n->kind == YNODE_MAP ?
		    "" : n->value, n->kind == YNODE_MAP ? "" : "`");
	for (i = 0; i < n->n; i++) {
		const struct ynode *s = ynode_deref(n->child[i]);

		if (s->kind != YNODE_SCALAR) {
			rc = config_check_errn(chk, s, NULL, "cannot unmarshal "
			    "%s into string", s->kind == YNODE_MAP ? "!!map" :
			    "!!seq");
			continue;
		}
		memset(&e, 0, sizeof(e));
		if (matchers_parse(s->value, ms, &e) == -1)
			rc = config_check_errn(chk, s, NULL, "%s", e.msg);
	}
	matchers_sort(ms);
	return rc;
}

static void
matchers_field_release(void *field)
{
	matchers_release(field);
}

/* Matchers.MarshalYAML: each matcher's String(). */
static int
matchers_dump(const void *field, struct yemit *e)
{
	const struct matchers	*ms = field;
	struct buf		 b;
	size_t			 i;

	buf_init(&b, BUF_NOCAP);
	yemit_seq_start(e, false);
	for (i = 0; i < ms->n; i++) {
		buf_reset(&b);
		matcher_string(ms->v[i], &b);
		yemit_str(e, buf_str(&b));
	}
	buf_release(&b);
	return yemit_seq_end(e);
}

static bool
matchers_zero(const void *field)
{
	return ((const struct matchers *)field)->n == 0;
}

#define MATCHERS_FIELD(k, st, m)					\
	{ .key = (k), .type = CF_CUSTOM, .flags = CF_OMITEMPTY,		\
	  .off = offsetof(st, m), .decode = matchers_decode,		\
	  .release = matchers_field_release, .dump = matchers_dump,	\
	  .zero = matchers_zero }

#define R	struct config_route

static const struct config_field route_fields[] = {
	/* receiver_set: as written (NewRoute's inheritance overwrites
	 * receiver itself). */
	{ .key = "receiver", .type = CF_STR, .flags = CF_OMITEMPTY | CF_HASSET,
	  .off = offsetof(R, receiver), .off_set = offsetof(R, receiver_set) },
	CF_FN("group_by", CF_STRS, CF_OMITEMPTY, R, group_by_str,
	    n_group_by_str),
	CF_FN("match", CF_MAP, CF_OMITEMPTY, R, match, n_match),
	CF_FN("match_re", CF_MAP, CF_OMITEMPTY | CF_REGEXPS, R, match_re, n_match_re),
	MATCHERS_FIELD("matchers", R, matchers_written),
	CF_FN("mute_time_intervals", CF_STRS, CF_OMITEMPTY, R,
	    mute_time_intervals, n_mute_time_intervals),
	CF_FN("active_time_intervals", CF_STRS, CF_OMITEMPTY, R,
	    active_time_intervals, n_active_time_intervals),
	CF_F("continue", CF_BOOL, 0, R, continue_),
	CF_FL("routes", CF_OMITEMPTY, R, routes, n_routes, &config_route_obj),
	{ .key = "group_wait", .type = CF_DUR,
	  .flags = CF_HASSET | CF_OMITEMPTY,
	  .off = offsetof(R, group_wait), .off_set = offsetof(R,
	  group_wait_set) },
	{ .key = "group_interval", .type = CF_DUR,
	  .flags = CF_HASSET | CF_OMITEMPTY,
	  .off = offsetof(R, group_interval), .off_set = offsetof(R,
	  group_interval_set) },
	{ .key = "repeat_interval", .type = CF_DUR,
	  .flags = CF_HASSET | CF_OMITEMPTY,
	  .off = offsetof(R, repeat_interval), .off_set = offsetof(R,
	  repeat_interval_set) },
	CF_END
};

static void
quote(struct buf *b, const char *s)
{
	buf_reset(b);
	buf_add_goquote(b, s, strlen(s));
}

/* MatchRegexps.UnmarshalYAML: each regexp compiles, names are valid. */
static int
check_match_re(struct config_check *chk, const char *key,
    const struct config_kv *kv, size_t n, struct buf *q)
{
	struct matcher	*m;
	struct ad_err	 e;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		m = matcher_new(MATCH_RE, "x", kv[i].value, &e);
		if (m == NULL)
			rc = config_check_errf(chk, key, "%s", e.msg);
		matcher_free(m);
		if (!label_name_valid(kv[i].key, strlen(kv[i].key))) {
			quote(q, kv[i].key);
			rc = config_check_errf(chk, key, "invalid label name %s",
			    buf_str(q));
		}
	}
	return rc;
}

static int
check_match(struct config_check *chk, const char *key,
    const struct config_kv *kv, size_t n, struct buf *q)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++)
		if (!label_name_valid(kv[i].key, strlen(kv[i].key))) {
			quote(q, kv[i].key);
			rc = config_check_errf(chk, key, "invalid label name %s",
			    buf_str(q));
		}
	return rc;
}

static int
route_check_group_by(struct config_route *r, struct config_check *chk,
    struct buf *q)
{
	size_t	i, j;
	int	rc = 0;

	for (i = 0; i < r->n_group_by_str; i++) {
		const char *l = r->group_by_str[i];

		if (strcmp(l, "...") == 0) {
			r->group_by_all = true;
			continue;
		}
		if (!label_name_valid(l, strlen(l))) {
			quote(q, l);
			rc = config_check_errf(chk, "group_by", "invalid label "
			    "name %s in group_by list", buf_str(q));
			continue;
		}
		for (j = 0; j < r->n_group_by; j++)
			if (strcmp(r->group_by[j], l) == 0)
				break;
		if (j < r->n_group_by) {
			quote(q, l);
			rc = config_check_errf(chk, "group_by", "duplicated "
			    "label %s in group_by", buf_str(q));
			continue;
		}
		r->group_by = xreallocarray(r->group_by, r->n_group_by + 1,
		    sizeof(*r->group_by));
		r->group_by[r->n_group_by++] = xstrdup(l);
	}
	if (r->n_group_by > 0 && r->group_by_all)
		rc = config_check_errf(chk, "group_by", "cannot have wildcard "
		    "group_by (`...`) and other other labels at the same time");
	r->group_by_set = r->n_group_by > 0;
	return rc;
}

static int
route_check(void *obj, struct config_check *chk)
{
	struct config_route	*r = obj;
	struct buf		 q;
	int			 rc = 0;

	buf_init(&q, BUF_NOCAP);
	r->line = chk->node != NULL ? chk->node->line : 0;
	if (check_match(chk, "match", r->match, r->n_match, &q) == -1)
		rc = -1;
	if (check_match_re(chk, "match_re", r->match_re, r->n_match_re,
	    &q) == -1)
		rc = -1;
	if (route_check_group_by(r, chk, &q) == -1)
		rc = -1;
	if (r->group_interval_set && r->group_interval == 0)
		rc = config_check_errf(chk, "group_interval",
		    "group_interval cannot be zero");
	if (r->repeat_interval_set && r->repeat_interval == 0)
		rc = config_check_errf(chk, "repeat_interval",
		    "repeat_interval cannot be zero");
	buf_release(&q);
	return rc;
}

static void
route_release(void *obj)
{
	struct config_route	*r = obj;
	size_t			 i;

	for (i = 0; i < r->n_group_by; i++)
		free(r->group_by[i]);
	free(r->group_by);
	matchers_release(&r->matchers);
}

const struct config_obj config_route_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.Route",
	.size = sizeof(struct config_route), .fields = route_fields,
	.check = route_check, .release = route_release,
};

/* Builds the sorted matcher list of match, match_re and matchers. */
static void
compile_matchers(struct matchers *out, const struct config_kv *eq, size_t neq,
    const struct config_kv *re, size_t nre, const struct matchers *written)
{
	struct matcher	*m;
	char		*v;
	size_t		 i;

	for (i = 0; i < neq; i++) {
		m = matcher_new(MATCH_EQ, eq[i].key, eq[i].value, NULL);
		if (m != NULL)
			matchers_add(out, m);
	}
	for (i = 0; i < nre; i++) {
		v = xasprintf("^(?:%s)$", re[i].value);
		m = matcher_new(MATCH_RE, re[i].key, v, NULL);
		free(v);
		if (m != NULL)
			matchers_add(out, m);
	}
	for (i = 0; i < written->n; i++) {
		m = matcher_dup(written->v[i]);
		if (m != NULL)
			matchers_add(out, m);
	}
	matchers_sort(out);
}

int
config_route_finish(struct config_check *chk, struct config_route *r,
    const struct config_route *parent, const struct ynode *n)
{
	const struct ynode	*kids;
	size_t			 i, mark;

	(void)chk;
	r->receiver_set = r->receiver != NULL && r->receiver[0] != '\0';
	if (!r->receiver_set) {
		free(r->receiver);
		r->receiver = xstrdup(parent != NULL && parent->receiver ?
		    parent->receiver : "");
	}
	if (!r->group_by_set && parent != NULL) {
		for (i = 0; i < parent->n_group_by; i++) {
			r->group_by = xreallocarray(r->group_by,
			    r->n_group_by + 1, sizeof(*r->group_by));
			r->group_by[r->n_group_by++] =
			    xstrdup(parent->group_by[i]);
		}
		if (!r->group_by_all)
			r->group_by_all = parent->group_by_all;
	}
	if (!r->group_wait_set)
		r->group_wait = parent != NULL ? parent->group_wait : 30 * AD_SEC;
	if (!r->group_interval_set)
		r->group_interval = parent != NULL ? parent->group_interval :
		    5 * AD_MIN;
	if (!r->repeat_interval_set)
		r->repeat_interval = parent != NULL ? parent->repeat_interval :
		    4 * AD_HOUR;
	compile_matchers(&r->matchers, r->match, r->n_match, r->match_re,
	    r->n_match_re, &r->matchers_written);
	kids = ynode_deref(ynode_map_get(n, "routes"));
	for (i = 0; i < r->n_routes; i++) {
		mark = config_check_push(chk, "routes[%zu]", i);
		config_route_finish(chk, r->routes[i], r,
		    kids != NULL && kids->kind == YNODE_SEQ && i < kids->n ?
		    ynode_deref(kids->child[i]) : n);
		config_check_pop(chk, mark);
	}
	return 0;
}

/* ------------------------------------------------------ inhibit rules -- */

#define I	struct config_inhibit_rule

/*
 * `name` (Alertmanager 0.30, yaml:"name,omitempty"): optional, any
 * string, first in the dump and only when set; unknown in 0.25 mode.
 */
static const struct config_field inhibit_fields[] = {
	{ .key = "name", .type = CF_STR, .flags = CF_OMITEMPTY | CF_NEWER,
	  .off = offsetof(I, name), .since = "0.30" },
	CF_FN("source_match", CF_MAP, CF_OMITEMPTY, I, source_match,
	    n_source_match),
	CF_FN("source_match_re", CF_MAP, CF_OMITEMPTY | CF_REGEXPS, I, source_match_re,
	    n_source_match_re),
	MATCHERS_FIELD("source_matchers", I, source_matchers),
	CF_FN("target_match", CF_MAP, CF_OMITEMPTY, I, target_match,
	    n_target_match),
	CF_FN("target_match_re", CF_MAP, CF_OMITEMPTY | CF_REGEXPS, I, target_match_re,
	    n_target_match_re),
	MATCHERS_FIELD("target_matchers", I, target_matchers),
	CF_FN("equal", CF_STRS, CF_OMITEMPTY, I, equal, n_equal),
	CF_END
};

static int
inhibit_check(void *obj, struct config_check *chk)
{
	struct config_inhibit_rule	*ir = obj;
	struct buf			 q;
	size_t				 i;
	int				 rc = 0;

	buf_init(&q, BUF_NOCAP);
	if (check_match_re(chk, "source_match_re", ir->source_match_re,
	    ir->n_source_match_re, &q) == -1)
		rc = -1;
	if (check_match_re(chk, "target_match_re", ir->target_match_re,
	    ir->n_target_match_re, &q) == -1)
		rc = -1;
	for (i = 0; i < ir->n_equal; i++)
		if (!label_name_valid(ir->equal[i], strlen(ir->equal[i]))) {
			quote(&q, ir->equal[i]);
			rc = config_check_errf(chk, "equal", "%s is not a valid "
			    "label name", buf_str(&q));
		}
	if (check_match(chk, "source_match", ir->source_match,
	    ir->n_source_match, &q) == -1)
		rc = -1;
	if (check_match(chk, "target_match", ir->target_match,
	    ir->n_target_match, &q) == -1)
		rc = -1;
	buf_release(&q);
	if (rc == 0) {
		compile_matchers(&ir->source, ir->source_match,
		    ir->n_source_match, ir->source_match_re,
		    ir->n_source_match_re, &ir->source_matchers);
		compile_matchers(&ir->target, ir->target_match,
		    ir->n_target_match, ir->target_match_re,
		    ir->n_target_match_re, &ir->target_matchers);
	}
	return rc;
}

static void
inhibit_release(void *obj)
{
	struct config_inhibit_rule	*ir = obj;

	matchers_release(&ir->source);
	matchers_release(&ir->target);
}

const struct config_obj config_inhibit_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.InhibitRule",
	.size = sizeof(struct config_inhibit_rule), .fields = inhibit_fields,
	.check = inhibit_check, .release = inhibit_release,
};

/* ----------------------------------------------------- time intervals -- */

static const struct config_field range_fields[] = {
	CF_F("start_time", CF_STR, 0, struct config_time_range, start_time),
	CF_F("end_time", CF_STR, 0, struct config_time_range, end_time),
	CF_END
};

static const struct config_obj range_obj = {
	.go_type = "timeinterval.yamlTimeRange",
	.go_list_type = "[]timeinterval.TimeRange",
	.size = sizeof(struct config_time_range), .fields = range_fields,
};

#define S	struct config_timeint_spec

/* A list field that records whether it was given (HASSET). */
#define SPEC_LIST(k, t, m, mn, set, o)					\
	{ .key = (k), .type = (t), .flags = CF_OMITEMPTY | CF_HASSET,	\
	  .off = offsetof(S, m), .off_n = offsetof(S, mn),		\
	  .off_set = offsetof(S, set), .obj = (o) }

static const struct config_field spec_fields[] = {
	SPEC_LIST("times", CF_LIST, times, n_times, times_set, &range_obj),
	SPEC_LIST("weekdays", CF_STRS, weekdays, n_weekdays, weekdays_set,
	    NULL),
	SPEC_LIST("days_of_month", CF_STRS, days_of_month, n_days_of_month,
	    days_set, NULL),
	SPEC_LIST("months", CF_STRS, months, n_months, months_set, NULL),
	SPEC_LIST("years", CF_STRS, years, n_years, years_set, NULL),
	CF_F("location", CF_STR, CF_OMITEMPTY, S, location),
	CF_END
};

/* Parses each part with routing/timeint's parsers (Go's wording). */
static int
spec_compile(struct config_check *chk, const struct config_timeint_spec *w,
    struct timeint_spec *s)
{
	struct ad_err	e;
	size_t		i;
	int		rc = 0;

#define PARSE_ALL(arr, n, fn, key) do {					\
	s->arr = xcalloc(w->n + 1, sizeof(*s->arr));			\
	for (i = 0; i < w->n; i++) {					\
		memset(&e, 0, sizeof(e));				\
		if (fn(w->arr[i], &s->arr[s->n], &e) == -1)		\
			rc = config_check_errf(chk, key, "%s", e.msg);	\
		else							\
			s->n++;						\
	}								\
} while (0)
	s->times = xcalloc(w->n_times + 1, sizeof(*s->times));
	for (i = 0; i < w->n_times; i++) {
		memset(&e, 0, sizeof(e));
		if (timeint_parse_times(w->times[i]->start_time ?
		    w->times[i]->start_time : "", w->times[i]->end_time ?
		    w->times[i]->end_time : "", &s->times[s->n_times],
		    &e) == -1)
			rc = config_check_errf(chk, "times", "%s", e.msg);
		else
			s->n_times++;
	}
	PARSE_ALL(weekdays, n_weekdays, timeint_parse_weekdays, "weekdays");
	PARSE_ALL(days_of_month, n_days_of_month, timeint_parse_days_of_month,
	    "days_of_month");
	PARSE_ALL(months, n_months, timeint_parse_months, "months");
	PARSE_ALL(years, n_years, timeint_parse_years, "years");
#undef PARSE_ALL
	s->set = (w->times_set ? TIMEINT_SET_TIMES : 0) |
	    (w->weekdays_set ? TIMEINT_SET_WEEKDAYS : 0) |
	    (w->days_set ? TIMEINT_SET_DAYS : 0) |
	    (w->months_set ? TIMEINT_SET_MONTHS : 0) |
	    (w->years_set ? TIMEINT_SET_YEARS : 0);
	if (w->location != NULL) {
		memset(&e, 0, sizeof(e));
		if (timeint_check_location(w->location, &e) == -1)
			rc = config_check_errf(chk, "location", "%s", e.msg);
		s->location = xstrdup(w->location);
	}
	return rc;
}

static int
spec_check(void *obj, struct config_check *chk)
{
	struct timeint_spec	s;
	int			rc;

	memset(&s, 0, sizeof(s));
	rc = spec_compile(chk, obj, &s);
	timeint_spec_release(&s);
	return rc;
}

static const struct config_obj spec_obj = {
	.go_type = "timeinterval.TimeInterval", .go_list_type =
	    "[]timeinterval.TimeInterval",
	.size = sizeof(struct config_timeint_spec), .fields = spec_fields,
	.check = spec_check,
};

#define T	struct config_timeint_written

static const struct config_field timeint_fields[] = {
	CF_F("name", CF_STR, 0, T, name),
	CF_FL("time_intervals", 0, T, specs, n_specs, &spec_obj),
	CF_END
};

static int
timeint_check(void *obj, struct config_check *chk)
{
	struct config_timeint_written	*t = obj;

	if (t->name == NULL || t->name[0] == '\0')
		return config_check_errf(chk, NULL, "missing name in time "
		    "interval");
	return 0;
}

static int
mute_timeint_check(void *obj, struct config_check *chk)
{
	struct config_timeint_written	*t = obj;

	t->mute = true;
	if (t->name == NULL || t->name[0] == '\0')
		return config_check_errf(chk, NULL, "missing name in mute time "
		    "interval");
	return 0;
}

const struct config_obj config_timeint_obj = {
	.go_type = "config.plain", .go_list_type = "[]config.TimeInterval",
	.size = sizeof(struct config_timeint_written), .fields = timeint_fields,
	.check = timeint_check,
};

const struct config_obj config_mute_timeint_obj = {
	.go_type = "config.plain", .go_list_type = "[]config.MuteTimeInterval",
	.size = sizeof(struct config_timeint_written), .fields = timeint_fields,
	.check = mute_timeint_check,
};

struct timeint *
config_timeint_compile(struct config_check *chk,
    const struct config_timeint_written *w, const struct ynode *n)
{
	struct timeint		*ti = xcalloc(1, sizeof(*ti));
	struct config_check	 quiet = *chk;
	struct ad_errs		 scratch;
	size_t			 i;

	/* spec_check reported the errors while decoding. */
	(void)n;
	ad_errs_init(&scratch);
	quiet.errs = &scratch;
	quiet.warnings = NULL;
	ti->name = xstrdup(w->name != NULL ? w->name : "");
	ti->specs = xcalloc(w->n_specs + 1, sizeof(*ti->specs));
	for (i = 0; i < w->n_specs; i++) {
		if (spec_compile(&quiet, w->specs[i], &ti->specs[i]) == -1) {
			ti->n_specs = i + 1;
			timeint_free(ti);
			ad_errs_release(&scratch);
			return NULL;
		}
	}
	ti->n_specs = w->n_specs;
	ad_errs_release(&scratch);
	return ti;
}

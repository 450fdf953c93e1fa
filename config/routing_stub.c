/*
 * TEMPORARY STUB -- delete when routing/matcher.c and routing/timeint.c
 * land on main.
 *
 * Just enough of routing/matcher.h and routing/timeint.h for config/ to
 * link and validate: matchers compile with PCRE2 (anchored), the classic
 * matcher syntax parses, time interval parts are range-checked.  The real
 * modules (RE2 compatibility checks, matching, time zones) replace it.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "routing/matcher.h"
#include "routing/timeint.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

enum matcher_parse_mode matcher_parse_mode = MATCHER_PARSE_CLASSIC;

struct matcher {
	enum matcher_type	 type;
	char			*name, *value;
	pcre2_code		*re;
};

struct matcher *
matcher_new(enum matcher_type type, const char *name, const char *value,
    struct ad_err *err)
{
	struct matcher	*m;
	int		 ec;
	PCRE2_SIZE	 off;
	char		*pat;

	m = xcalloc(1, sizeof(*m));
	m->type = type;
	m->name = xstrdup(name);
	m->value = xstrdup(value);
	if (type == MATCH_RE || type == MATCH_NRE) {
		pat = xasprintf("^(?:%s)$", value);
		m->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF, &ec, &off, NULL);
		free(pat);
		if (m->re == NULL) {
			PCRE2_UCHAR	msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			ad_err_set(err, AD_EINVAL, "error parsing regexp: %s: "
			    "`%s`", (char *)msg, value);
			matcher_free(m);
			return NULL;
		}
	}
	return m;
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	free(m->name);
	free(m->value);
	pcre2_code_free(m->re);
	free(m);
}

struct matcher *
matcher_dup(const struct matcher *m)
{
	return matcher_new(m->type, m->name, m->value, NULL);
}

enum matcher_type
matcher_type(const struct matcher *m)
{
	return m->type;
}

const char *
matcher_name(const struct matcher *m)
{
	return m->name;
}

const char *
matcher_value(const struct matcher *m)
{
	return m->value;
}

const char *
matcher_type_str(enum matcher_type t)
{
	static const char *const s[] = { "=", "!=", "=~", "!~" };

	return s[t];
}

bool
matcher_matches(const struct matcher *m, const char *value)
{
	bool	eq;

	if (value == NULL)
		value = "";
	if (m->re == NULL) {
		eq = strcmp(value, m->value) == 0;
		return m->type == MATCH_EQ ? eq : !eq;
	}
	{
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(
		    m->re, NULL);
		int rc = pcre2_match(m->re, (PCRE2_SPTR)value, strlen(value), 0,
		    0, md, NULL);

		pcre2_match_data_free(md);
		eq = rc >= 0;
	}
	return m->type == MATCH_RE ? eq : !eq;
}

int
matcher_string(const struct matcher *m, struct buf *out)
{
	const char	*p;

	buf_addf(out, "%s%s\"", m->name, matcher_type_str(m->type));
	for (p = m->value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			buf_addch(out, '\\');
		if (*p == '\n') {
			buf_addstr(out, "\\n");
			continue;
		}
		buf_addch(out, *p);
	}
	return buf_addch(out, '"');
}

void
matchers_init(struct matchers *ms)
{
	ms->v = NULL;
	ms->n = 0;
}

void
matchers_release(struct matchers *ms)
{
	size_t	i;

	for (i = 0; i < ms->n; i++)
		matcher_free(ms->v[i]);
	free(ms->v);
	matchers_init(ms);
}

void
matchers_add(struct matchers *ms, struct matcher *m)
{
	ms->v = xreallocarray(ms->v, ms->n + 1, sizeof(*ms->v));
	ms->v[ms->n++] = m;
}

static int
mcmp(const void *a, const void *b)
{
	const struct matcher *x = *(struct matcher *const *)a;
	const struct matcher *y = *(struct matcher *const *)b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	if (x->type != y->type)
		return (int)x->type - (int)y->type;
	return strcmp(x->value, y->value);
}

void
matchers_sort(struct matchers *ms)
{
	if (ms->n > 1)
		qsort(ms->v, ms->n, sizeof(*ms->v), mcmp);
}

int
matchers_string(const struct matchers *ms, struct buf *out)
{
	size_t	i;

	buf_addch(out, '{');
	for (i = 0; i < ms->n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		matcher_string(ms->v[i], out);
	}
	return buf_addch(out, '}');
}

/* pkg/labels.ParseMatcher (classic). */
struct matcher *
matcher_parse(const char *s, struct ad_err *err)
{
	const char	*p = s, *ns, *v;
	size_t		 nl, vl;
	enum matcher_type t;
	struct buf	 val;
	struct matcher	*m;
	char		*name;
	bool		 quoted = false, esc = false;

	while (isspace((unsigned char)*p))
		p++;
	ns = p;
	if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
		goto bad;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
		p++;
	nl = (size_t)(p - ns);
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "=~", 2) == 0) {
		t = MATCH_RE;
		p += 2;
	} else if (strncmp(p, "!=", 2) == 0) {
		t = MATCH_NE;
		p += 2;
	} else if (strncmp(p, "!~", 2) == 0) {
		t = MATCH_NRE;
		p += 2;
	} else if (*p == '=') {
		t = MATCH_EQ;
		p++;
	} else
		goto bad;
	while (isspace((unsigned char)*p))
		p++;
	v = p;
	vl = strlen(v);
	while (vl > 0 && isspace((unsigned char)v[vl - 1]))
		vl--;
	buf_init(&val, BUF_NOCAP);
	if (vl > 0 && v[0] == '"') {
		quoted = true;
		v++;
		vl--;
	}
	for (size_t i = 0; i < vl; i++) {
		if (esc) {
			esc = false;
			if (v[i] == 'n')
				buf_addch(&val, '\n');
			else if (v[i] == '"' || v[i] == '\\')
				buf_addch(&val, v[i]);
			else {
				buf_addch(&val, '\\');
				buf_addch(&val, v[i]);
			}
			continue;
		}
		if (v[i] == '\\' && i + 1 < vl) {
			esc = true;
			continue;
		}
		if (v[i] == '"') {
			if (!quoted || i + 1 < vl) {
				buf_release(&val);
				ad_err_set(err, AD_EINVAL, "matcher value contains "
				    "unescaped double quote: %.*s",
				    (int)(vl + (quoted ? 1 : 0)), v - quoted);
				return NULL;
			}
			quoted = false;
			continue;
		}
		buf_addch(&val, v[i]);
	}
	if (quoted) {
		buf_release(&val);
		ad_err_set(err, AD_EINVAL, "matcher value contains unescaped "
		    "double quote: %.*s", (int)(vl + 1), v - 1);
		return NULL;
	}
	name = xstrndup(ns, nl);
	m = matcher_new(t, name, buf_str(&val), err);
	free(name);
	buf_release(&val);
	return m;
bad:
	ad_err_set(err, AD_EINVAL, "bad matcher format: %s", s);
	return NULL;
}

int
matchers_parse(const char *s, struct matchers *out, struct ad_err *err)
{
	size_t	 len = strlen(s), i, start = 0;
	char	*copy;
	bool	 inq = false, esc = false;
	int	 rc = 0;

	if (len > 0 && s[0] == '{') {
		s++;
		len--;
	}
	if (len > 0 && s[len - 1] == '}')
		len--;
	copy = xstrndup(s, len);
	for (i = 0; i <= len && rc == 0; i++) {
		char	c = i < len ? copy[i] : ',';

		if (c == ',' && !inq) {
			struct matcher	*m;
			char		*tok = xstrndup(copy + start, i - start);
			char		*t = tok;

			start = i + 1;
			if (i == len) {
				while (isspace((unsigned char)*t))
					t++;
				if (*t == '\0') {
					free(tok);
					break;
				}
			}
			m = matcher_parse(tok, err);
			free(tok);
			if (m == NULL)
				rc = -1;
			else
				matchers_add(out, m);
			continue;
		}
		if (c == '"') {
			if (!esc)
				inq = !inq;
			else
				esc = false;
		} else if (c == '\\')
			esc = !esc;
		else
			esc = false;
	}
	free(copy);
	return rc;
}

bool
matchers_match(const struct matchers *ms, const struct labels *ls)
{
	(void)ms;
	(void)ls;
	return false;
}

/* ------------------------------------------------------------ timeint -- */

static int
hhmm(const char *s, int *min)
{
	int	h, m, n = 0;

	if (sscanf(s, "%d:%d%n", &h, &m, &n) != 2 || s[n] != '\0' ||
	    h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

int
timeint_parse_times(const char *start, const char *end,
    struct timeint_range *out, struct ad_err *err)
{
	if (hhmm(start, &out->begin) == -1 || hhmm(end, &out->end) == -1)
		return ad_err_set(err, AD_EINVAL, "couldn't parse timestamp "
		    "%s, invalid format", hhmm(start, &out->begin) ? start : end);
	if (out->begin >= out->end)
		return ad_err_set(err, AD_EINVAL, "start time cannot be equal "
		    "or greater than end time");
	return 0;
}

static int
range_parse(const char *s, const char *const *names, int lo, int hi,
    struct timeint_range *out, const char *what, struct ad_err *err)
{
	const char	*colon = strchr(s, ':');
	char		 a[64], b[64];
	int		 v[2], i, k;

	snprintf(a, sizeof(a), "%.*s", colon ? (int)(colon - s) : 63, s);
	snprintf(b, sizeof(b), "%s", colon ? colon + 1 : a);
	for (k = 0; k < 2; k++) {
		const char	*x = k == 0 ? a : b;
		char		*end;

		v[k] = (int)strtol(x, &end, 10);
		if (*x != '\0' && *end == '\0')
			continue;
		for (i = 0; names != NULL && names[i] != NULL; i++)
			if (strcasecmp(x, names[i]) == 0)
				break;
		if (names == NULL || names[i] == NULL)
			return ad_err_set(err, AD_EINVAL, "%s %s is invalid",
			    what, x);
		v[k] = i + lo;
	}
	if (v[0] < lo && lo >= 0)
		return ad_err_set(err, AD_EINVAL, "%s %s is invalid", what, s);
	if (hi > 0 && v[1] > hi)
		return ad_err_set(err, AD_EINVAL, "%s %s is invalid", what, s);
	out->begin = v[0];
	out->end = v[1];
	return 0;
}

int
timeint_parse_weekdays(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	static const char *const d[] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", NULL };

	return range_parse(s, d, 0, 6, out, "weekday", err);
}

int
timeint_parse_days_of_month(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	return range_parse(s, NULL, -31, 31, out, "day of month", err);
}

int
timeint_parse_months(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	static const char *const m[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december", NULL };

	return range_parse(s, m, 1, 12, out, "month", err);
}

int
timeint_parse_years(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	return range_parse(s, NULL, 0, 0, out, "year", err);
}

int
timeint_check_location(const char *name, struct ad_err *err)
{
	char	path[512];
	FILE	*f;

	if (strcmp(name, "Local") == 0 || strcmp(name, "UTC") == 0)
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "r");
	if (f == NULL)
		return ad_err_set(err, AD_EINVAL, "unknown time zone %s", name);
	fclose(f);
	return 0;
}

void
timeint_spec_release(struct timeint_spec *s)
{
	free(s->times);
	free(s->weekdays);
	free(s->days_of_month);
	free(s->months);
	free(s->years);
	free(s->location);
}

void
timeint_free(struct timeint *ti)
{
	size_t	i;

	if (ti == NULL)
		return;
	for (i = 0; i < ti->n_specs; i++)
		timeint_spec_release(&ti->specs[i]);
	free(ti->specs);
	free(ti->name);
	free(ti);
}

/*
 * TEMPORARY STUB of routing/matcher.h until the `match` branch lands on
 * main: only what silences need (new/free/dup/accessors/matches and the
 * list helpers), with PCRE2 and a crude Go-like regex error text.  Delete
 * this file when rebasing onto a main that has routing/matcher.c.
 */
#include "routing/matcher.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"

enum matcher_parse_mode matcher_parse_mode = MATCHER_PARSE_FALLBACK;

struct matcher {
	enum matcher_type	 type;
	char			*name;
	char			*value;
	pcre2_code		*re;
};

static pcre2_code *
compile(const char *value, struct ad_err *err)
{
	struct buf	 b;
	pcre2_code	*re;
	int		 ec;
	PCRE2_SIZE	 off;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "^(?:%s)$", value);
	re = pcre2_compile((PCRE2_SPTR)buf_str(&b), buf_len(&b),
	    PCRE2_UTF | PCRE2_DOTALL | PCRE2_NO_AUTO_CAPTURE, &ec, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR	 m[256];
		const char	*what = "invalid regexp";

		pcre2_get_error_message(ec, m, sizeof(m));
		if (strstr((char *)m, "missing closing parenthesis") != NULL)
			what = "missing closing )";
		else if (strstr((char *)m, "missing terminating ]") != NULL)
			what = "missing closing ]";
		ad_err_set(err, AD_EINVAL, "error parsing regexp: %s: `%s`",
		    what, buf_str(&b));
	}
	buf_release(&b);
	return re;
}

struct matcher *
matcher_new(enum matcher_type type, const char *name, const char *value,
    struct ad_err *err)
{
	struct matcher	*m;
	pcre2_code	*re = NULL;

	if (type == MATCH_RE || type == MATCH_NRE) {
		re = compile(value, err);
		if (re == NULL)
			return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->type = type;
	m->name = xstrdup(name);
	m->value = xstrdup(value);
	m->re = re;
	return m;
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	pcre2_code_free(m->re);
	free(m->name);
	free(m->value);
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
	pcre2_match_data	*md;
	int			 rc;

	if (value == NULL)
		value = "";
	switch (m->type) {
	case MATCH_EQ:
		return strcmp(value, m->value) == 0;
	case MATCH_NE:
		return strcmp(value, m->value) != 0;
	default:
		break;
	}
	md = pcre2_match_data_create_from_pattern(m->re, NULL);
	rc = pcre2_match(m->re, (PCRE2_SPTR)value, strlen(value), 0, 0, md,
	    NULL);
	pcre2_match_data_free(md);
	return (rc >= 0) == (m->type == MATCH_RE);
}

int
matcher_string(const struct matcher *m, struct buf *out)
{
	return buf_addf(out, "%s%s\"%s\"", m->name, matcher_type_str(m->type),
	    m->value);
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

bool
matchers_match(const struct matchers *ms, const struct labels *ls)
{
	size_t	i;

	for (i = 0; i < ms->n; i++)
		if (!matcher_matches(ms->v[i], labels_get(ls, ms->v[i]->name)))
			return false;
	return true;
}

/* classic syntax only: name op "value" or name op value */
struct matcher *
matcher_parse(const char *s, struct ad_err *err)
{
	static const char *const ops[] = { "=~", "!~", "!=", "=" };
	static const enum matcher_type types[] = {
		MATCH_RE, MATCH_NRE, MATCH_NE, MATCH_EQ
	};
	struct matcher	*m;
	const char	*p;
	char		*name, *val;
	size_t		 i, vl;

	for (p = s; *p != '\0' && strchr("=!~", *p) == NULL; p++)
		;
	for (i = 0; i < 4; i++)
		if (strncmp(p, ops[i], strlen(ops[i])) == 0)
			break;
	if (i == 4 || p == s) {
		ad_err_set(err, AD_EINVAL, "bad matcher format: %s", s);
		return NULL;
	}
	name = xstrndup(s, (size_t)(p - s));
	p += strlen(ops[i]);
	vl = strlen(p);
	if (vl >= 2 && p[0] == '"' && p[vl - 1] == '"')
		val = xstrndup(p + 1, vl - 2);
	else
		val = xstrdup(p);
	m = matcher_new(types[i], name, val, err);
	free(name);
	free(val);
	return m;
}

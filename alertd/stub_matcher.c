/*
 * TEMPORARY STUB of routing/matcher.h until branch `match` lands on main;
 * delete this file then.  Just enough for the API and the stub config:
 * =, !=, =~, !~ with PCRE2 anchored as ^(?:re)$, and the classic parser
 * for `name="value"` / `name=value` and `{a="b",c!~"d"}`.
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

enum matcher_parse_mode matcher_parse_mode = MATCHER_PARSE_CLASSIC;

struct matcher {
	enum matcher_type	 type;
	char			*name, *value;
	pcre2_code		*re;
};

static pcre2_code *
compile(const char *value, struct ad_err *err)
{
	struct buf	 pat;
	pcre2_code	*re;
	PCRE2_SIZE	 off;
	int		 ec;
	char		 msg[256];

	buf_init(&pat, BUF_NOCAP);
	buf_addf(&pat, "^(?:%s)$", value);
	re = pcre2_compile((PCRE2_SPTR)buf_str(&pat), buf_len(&pat),
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof(msg));
		ad_err_set(err, AD_EINVAL, "error parsing regexp: %s: `%s`",
		    msg, buf_str(&pat));
	}
	buf_release(&pat);
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
	bool			 ok;

	if (value == NULL)
		value = "";
	switch (m->type) {
	case MATCH_EQ:
		return strcmp(m->value, value) == 0;
	case MATCH_NE:
		return strcmp(m->value, value) != 0;
	default:
		break;
	}
	md = pcre2_match_data_create_from_pattern(m->re, NULL);
	ok = pcre2_match(m->re, (PCRE2_SPTR)value, strlen(value), 0, 0, md,
	    NULL) >= 0;
	pcre2_match_data_free(md);
	return m->type == MATCH_RE ? ok : !ok;
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

static int
mcmp(const void *x, const void *y)
{
	const struct matcher *a = *(struct matcher *const *)x;
	const struct matcher *b = *(struct matcher *const *)y;
	int	c;

	c = strcmp(a->name, b->name);
	if (c == 0)
		c = (int)a->type - (int)b->type;
	if (c == 0)
		c = strcmp(a->value, b->value);
	return c;
}

void
matchers_sort(struct matchers *ms)
{
	if (ms->n > 1)
		qsort(ms->v, ms->n, sizeof(*ms->v), mcmp);
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

/* name, operator, value (quoted with \-escapes, or bare to the end). */
static struct matcher *
parse_one(const char *s, size_t len, const char *orig, struct ad_err *err)
{
	static const struct { const char *op; enum matcher_type t; } ops[] = {
		{ "=~", MATCH_RE }, { "!~", MATCH_NRE }, { "!=", MATCH_NE },
		{ "=", MATCH_EQ }
	};
	struct buf	 name, val;
	struct matcher	*m = NULL;
	size_t		 i, j, k;

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	for (j = i; j < len && strchr("=!~", s[j]) == NULL; j++)
		;
	for (k = 0; k < 4; k++)
		if (strncmp(s + j, ops[k].op, strlen(ops[k].op)) == 0)
			break;
	if (j == i || j == len || k == 4) {
		ad_err_set(err, AD_EINVAL, "bad matcher format: %s", orig);
		return NULL;
	}
	buf_init(&name, BUF_NOCAP);
	buf_init(&val, BUF_NOCAP);
	buf_add(&name, s + i, j - i);
	while (buf_len(&name) > 0 && buf_str(&name)[buf_len(&name) - 1] == ' ')
		buf_setlen(&name, buf_len(&name) - 1);
	j += strlen(ops[k].op);
	while (j < len && s[j] == ' ')
		j++;
	if (j < len && s[j] == '"') {
		for (j++; j < len && s[j] != '"'; j++) {
			if (s[j] == '\\' && j + 1 < len)
				j++;
			buf_addch(&val, s[j]);
		}
	} else
		buf_add(&val, s + j, len - j);
	if (label_name_valid(buf_str(&name), buf_len(&name)))
		m = matcher_new(ops[k].t, buf_str(&name), buf_str(&val), err);
	else
		ad_err_set(err, AD_EINVAL, "bad matcher format: %s", orig);
	buf_release(&name);
	buf_release(&val);
	return m;
}

struct matcher *
matcher_parse(const char *s, struct ad_err *err)
{
	return parse_one(s, strlen(s), s, err);
}

int
matchers_parse(const char *s, struct matchers *out, struct ad_err *err)
{
	size_t		 len = strlen(s), i, start;
	bool		 inq = false;
	struct matcher	*m;

	if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
		s++;
		len -= 2;
	}
	for (i = start = 0; i <= len; i++) {
		if (i < len && s[i] == '\\' && inq) {
			i++;
			continue;
		}
		if (i < len && s[i] == '"')
			inq = !inq;
		if (i < len && (s[i] != ',' || inq))
			continue;
		if (i == start)
			break;
		m = parse_one(s + start, i - start, s, err);
		if (m == NULL)
			return -1;
		matchers_add(out, m);
		start = i + 1;
	}
	return 0;
}

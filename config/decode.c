/*
 * decode: yaml.v2's strict decoding (decode.go: unmarshal, scalar,
 * mappingStruct, merge) over config_field tables.
 *
 * Kept from yaml.v2 on purpose: any scalar decodes into a string field
 * as its text (`to: 123` is "123"); a quoted scalar is a string even
 * where a bool or an int is wanted; `<<` merges apply in place, a later
 * key overriding an earlier one; duplicate keys of a struct mapping are
 * "field x already set in type y", of a string map "key \"x\" already
 * set in map".
 * A null value sets a field to its zero value, as yaml.v2 does (except
 * pointers and structs, see field_set_zero).
 * Beyond yaml.v2: every error is kept (it stops at the first one that is
 * not a type error) and carries file:line:col and the field path.
 */
#include "config/decode.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "config/ynode.h"
#include "templates/tmpl.h"

/* ------------------------------------------------------------ errors -- */

static void
chk_where(struct config_check *chk, const struct ynode *n, char *out,
    size_t size)
{
	if (n != NULL && n->line > 0)
		snprintf(out, size, "%s:%d:%d", chk->file, n->line, n->col);
	else
		snprintf(out, size, "%s", chk->file);
}

/*
 * An error's where is "file:line:col: field.path" and its msg the message
 * alone, worded as Alertmanager words it: check-config prints amtool's
 * line from msg, and the location in full from both.
 */
static int
chk_vadd(struct config_check *chk, struct ad_errs *to, const struct ynode *n,
    const char *sub, const char *fmt, va_list ap)
{
	struct ad_err	e;
	char		loc[128];
	const char	*sep = (chk->path[0] != '\0' && sub != NULL &&
			    sub[0] != '\0' && sub[0] != '[') ? "." : "";

	memset(&e, 0, sizeof(e));
	e.code = AD_EINVAL;
	chk_where(chk, n, loc, sizeof(loc));
	if (chk->path[0] != '\0' || (sub != NULL && sub[0] != '\0'))
		snprintf(e.where, sizeof(e.where), "%s: %s%s%s", loc,
		    chk->path, sep, sub != NULL ? sub : "");
	else
		snprintf(e.where, sizeof(e.where), "%s", loc);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	ad_errs_add(to, &e);
	return -1;
}

int
config_check_errn(struct config_check *chk, const struct ynode *n,
    const char *sub, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	chk_vadd(chk, chk->errs, n, sub, fmt, ap);
	va_end(ap);
	chk->nerr++;
	return -1;
}

int
config_check_errf(struct config_check *chk, const char *field,
    const char *fmt, ...)
{
	const struct ynode	*n = chk->node, *fn = NULL;
	va_list			 ap;

	/* At the field's value and path when it was written, else at the
	 * object. */
	if (field != NULL && chk->node != NULL)
		fn = ynode_map_get(chk->node, field);
	if (fn != NULL)
		n = fn;
	va_start(ap, fmt);
	chk_vadd(chk, chk->errs, n, fn != NULL ? field : NULL, fmt, ap);
	va_end(ap);
	chk->nerr++;
	return -1;
}

void
config_check_warnf(struct config_check *chk, const struct ynode *n,
    const char *fmt, ...)
{
	va_list	ap;

	if (chk->warnings == NULL)
		return;
	va_start(ap, fmt);
	chk_vadd(chk, chk->warnings, n != NULL ? n : chk->node, NULL, fmt, ap);
	va_end(ap);
}

size_t
config_check_push(struct config_check *chk, const char *fmt, ...)
{
	size_t	mark = strlen(chk->path);
	char	seg[128];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(seg, sizeof(seg), fmt, ap);
	va_end(ap);
	snprintf(chk->path + mark, sizeof(chk->path) - mark, "%s%s",
	    (mark > 0 && seg[0] != '[') ? "." : "", seg);
	return mark;
}

void
config_check_pop(struct config_check *chk, size_t mark)
{
	chk->path[mark] = '\0';
}

/* yaml.v2 decoder.terror: "cannot unmarshal !!str `abcdefg...` into T" */
static int
terror(struct config_check *chk, const struct ynode *n, const char *tag,
    const char *gotype)
{
	char	tbuf[64], val[32];

	if (n->tag != NULL)
		tag = n->tag;
	tag = ynode_short_tag(tag, tbuf, sizeof(tbuf));
	if (n->kind == YNODE_MAP || n->kind == YNODE_SEQ)
		return config_check_errn(chk, n, NULL,
		    "cannot unmarshal %s into %s", tag, gotype);
	if (n->len > 10)
		snprintf(val, sizeof(val), "%.7s...", n->value);
	else
		snprintf(val, sizeof(val), "%s", n->value);
	return config_check_errn(chk, n, NULL, "cannot unmarshal %s `%s` into %s",
	    tag, val, gotype);
}

/* ------------------------------------------------- scalar resolution -- */

enum yres_kind { YR_NULL, YR_BOOL, YR_INT, YR_UINT, YR_FLOAT, YR_STR,
	YR_TIMESTAMP, YR_MERGE, YR_OTHER };

struct yres {
	enum yres_kind	 kind;
	const char	*tag;		/* long form, for messages */
	bool		 b;
	int64_t		 i;
	uint64_t	 u;
	double		 f;
};

#define T_STR	YTAG_PREFIX "str"
#define T_BOOL	YTAG_PREFIX "bool"
#define T_INT	YTAG_PREFIX "int"
#define T_FLOAT	YTAG_PREFIX "float"
#define T_NULL	YTAG_PREFIX "null"
#define T_TS	YTAG_PREFIX "timestamp"
#define T_MERGE	YTAG_PREFIX "merge"
#define T_MAP	YTAG_PREFIX "map"
#define T_SEQ	YTAG_PREFIX "seq"

static bool
in_list(const char *s, const char *const *l)
{
	for (; *l != NULL; l++)
		if (strcmp(s, *l) == 0)
			return true;
	return false;
}

/* Go's strconv.ParseUint(s, 0, 64) on an unsigned digit string. */
static int
parse_go_uint(const char *s, uint64_t *out)
{
	int		 base = 10;
	uint64_t	 v = 0;
	const char	*p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1] != '\0') {
		base = 8;
		p++;
	}
	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++) {
		int	d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (isalpha((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			return -1;
		if (d >= base)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static bool
yaml_style_float(const char *s)
{
	const char	*p = s;
	bool		 digits = false;

	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	} else {
		while (isdigit((unsigned char)*p)) {
			p++;
			digits = true;
		}
		if (!digits)
			return false;
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* Go's strconv.ParseFloat, roughly: strtod on the whole string. */
static int
parse_go_float(const char *s, double *out)
{
	char	*end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	if (strpbrk(s, "xXpP") != NULL || strncasecmp(s, "nan", 3) == 0 ||
	    strncasecmp(s + (*s == '-' || *s == '+'), "inf", 3) == 0)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return (*end == '\0' && errno == 0) ? 0 : -1;
}

static bool
looks_like_timestamp(const char *s)
{
	int	i;

	for (i = 0; isdigit((unsigned char)s[i]); i++)
		;
	if (i != 4 || s[i] != '-')
		return false;
	/* yyyy-m-d, optionally followed by a time: a plausible date is
	 * enough to tell it from a string for our field types. */
	return isdigit((unsigned char)s[5]) && strchr(s + 5, '-') != NULL;
}

/* Numbers: ints (with underscores dropped), uints, floats, 0b. */
static void
resolve_number(const char *in, struct yres *r)
{
	char		 plain[128];
	size_t		 j = 0;
	const char	*p;
	bool		 neg;
	uint64_t	 u;

	for (p = in; *p != '\0' && j + 1 < sizeof(plain); p++)
		if (*p != '_')
			plain[j++] = *p;
	plain[j] = '\0';
	if (*p != '\0')
		return;
	neg = plain[0] == '-';
	p = plain + (plain[0] == '-' || plain[0] == '+');
	if (parse_go_uint(p, &u) == 0) {
		if (!neg && u <= INT64_MAX) {
			r->kind = YR_INT;
			r->i = (int64_t)u;
		} else if (neg && u <= (uint64_t)INT64_MAX + 1) {
			r->kind = YR_INT;
			r->i = (int64_t)(0 - u);
		} else if (!neg) {
			r->kind = YR_UINT;
			r->u = u;
		}
		if (r->kind != YR_STR) {
			r->tag = T_INT;
			return;
		}
	}
	if (yaml_style_float(plain) && parse_go_float(plain, &r->f) == 0) {
		r->kind = YR_FLOAT;
		r->tag = T_FLOAT;
	}
}

/*
 * yaml.v2's resolve(): what a scalar stands for.  Returns -1 (after
 * recording yaml.v2's "cannot decode" error) when an explicit tag
 * contradicts the value.
 */
static int
resolve(struct config_check *chk, const struct ynode *n, struct yres *r)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES",
	    "true", "True", "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false",
	    "False", "FALSE", "off", "Off", "OFF", NULL };
	static const char *const nul[] = { "", "~", "null", "Null", "NULL",
	    NULL };
	static const char *const inf[] = { ".inf", ".Inf", ".INF", "+.inf",
	    "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN",
	    ".NAN", NULL };
	const char	*tag = n->tag != NULL ? n->tag : "";
	const char	*s = n->value;
	char		 a[64], b[64];

	memset(r, 0, sizeof(*r));
	r->kind = YR_STR;
	r->tag = T_STR;
	if (n->tag == NULL && !n->implicit)
		return 0;			/* quoted: a string */
	if (tag[0] != '\0' && strcmp(tag, T_STR) != 0 &&
	    strcmp(tag, T_BOOL) != 0 && strcmp(tag, T_INT) != 0 &&
	    strcmp(tag, T_FLOAT) != 0 && strcmp(tag, T_NULL) != 0 &&
	    strcmp(tag, T_TS) != 0) {
		r->kind = YR_OTHER;		/* unresolvable tag: as is */
		r->tag = n->tag;
		return 0;
	}
	if (strcmp(tag, T_STR) == 0)
		return 0;
	if (in_list(s, yes) || in_list(s, no)) {
		r->kind = YR_BOOL;
		r->tag = T_BOOL;
		r->b = in_list(s, yes);
	} else if (in_list(s, nul)) {
		r->kind = YR_NULL;
		r->tag = T_NULL;
	} else if (in_list(s, inf)) {
		r->kind = YR_FLOAT;
		r->tag = T_FLOAT;
		r->f = s[1] == 'n' || s[1] == 'N' ? NAN :
		    (s[0] == '-' ? -INFINITY : INFINITY);
	} else if (s[0] == '.') {
		if (parse_go_float(s, &r->f) == 0) {
			r->kind = YR_FLOAT;
			r->tag = T_FLOAT;
		}
	} else if (isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '-') {
		if ((tag[0] == '\0' || strcmp(tag, T_TS) == 0) &&
		    looks_like_timestamp(s)) {
			r->kind = YR_TIMESTAMP;
			r->tag = T_TS;
		} else
			resolve_number(s, r);
	}
	if (tag[0] == '\0' || strcmp(tag, r->tag) == 0)
		return 0;
	if (strcmp(tag, T_FLOAT) == 0 && r->kind == YR_INT) {
		r->kind = YR_FLOAT;
		r->f = (double)r->i;
		r->tag = T_FLOAT;
		return 0;
	}
	return config_check_errn(chk, n, NULL, "cannot decode %s `%s` as a %s",
	    ynode_short_tag(r->tag, a, sizeof(a)), s,
	    ynode_short_tag(tag, b, sizeof(b)));
}

/* ------------------------------------------------------------- URLs -- */

/*
 * Alertmanager's config.URL / SecretURL / the proxy URL: url.Parse, then
 * (unless any_scheme) an http or https scheme and a host.
 */
int
config_parse_url(const char *s, bool any_scheme, char *msg, size_t msgsize)
{
	struct ad_err	e;
	struct gourl	u;
	int		rc = -1;

	if (gourl_parse(s, &u, &e) == -1) {
		snprintf(msg, msgsize, "%s", e.msg);
		return -1;
	}
	if (any_scheme) {
		rc = 0;
	} else if (strcmp(u.scheme, "http") != 0 &&
	    strcmp(u.scheme, "https") != 0) {
		struct buf	b;

		buf_init(&b, BUF_NOCAP);
		buf_add_goquote(&b, u.scheme, strlen(u.scheme));
		snprintf(msg, msgsize, "unsupported scheme %s for URL",
		    buf_str(&b));
		buf_release(&b);
	} else if (u.host[0] == '\0') {
		snprintf(msg, msgsize, "missing host for URL");
	} else {
		rc = 0;
	}
	gourl_release(&u);
	return rc;
}

int
config_parse_hostport(const char *s, char *msg, size_t msgsize)
{
	const char	*colon = strrchr(s, ':'), *why = NULL;
	size_t		 j = 0, k = 0, i;

	if (s[0] == '\0')
		return 0;
	if (colon == NULL)
		why = "missing port in address";
	else if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL)
			why = "missing ']' in address";
		else if (end[1] == '\0')
			why = "missing port in address";
		else if (end + 1 != colon)
			why = end[1] == ':' ? "too many colons in address" :
			    "missing port in address";
		j = 1;
		k = end != NULL ? (size_t)(end - s) + 1 : 0;
	} else {
		for (i = 0; s + i < colon; i++)
			if (s[i] == ':')
				why = "too many colons in address";
	}
	if (why == NULL && strchr(s + j, '[') != NULL)
		why = "unexpected '[' in address";
	if (why == NULL && strchr(s + k, ']') != NULL)
		why = "unexpected ']' in address";
	if (why != NULL) {
		snprintf(msg, msgsize, "address %s: %s", s, why);
		return -1;
	}
	if (colon[1] == '\0') {
		struct buf	b;

		buf_init(&b, BUF_NOCAP);
		buf_add_goquote(&b, s, strlen(s));
		snprintf(msg, msgsize, "address %s: port cannot be empty",
		    buf_str(&b));
		buf_release(&b);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------ field values -- */

#define FPTR(obj, f)	((void *)((char *)(obj) + (f)->off))
#define FCPTR(obj, f)	((const void *)((const char *)(obj) + (f)->off))
#define FCOUNT(obj, f)	((size_t *)((char *)(obj) + (f)->off_n))

static bool
chk_spend(struct config_check *chk, const struct ynode *n)
{
	if (chk->aborted)
		return false;
	if (chk->budget == 0) {
		chk->aborted = true;
		config_check_errn(chk, n, NULL,
		    "document contains excessive aliasing");
		return false;
	}
	chk->budget--;
	return true;
}

/*
 * Nesting, aliases and merges followed: without aliases a file nests at
 * most YNODE_MAX_DEPTH deep, with them a chain of anchors could nest
 * without end (and overflow the stack here or in later walks of the
 * route tree).
 */
#define DECODE_MAX_DEPTH	(2 * YNODE_MAX_DEPTH)

static bool
chk_enter(struct config_check *chk, const struct ynode *n)
{
	if (chk->aborted)
		return false;
	if (++chk->depth > DECODE_MAX_DEPTH) {
		chk->depth--;
		chk->aborted = true;
		config_check_errn(chk, n, NULL, "document nests deeper than "
		    "%d levels (through aliases)", DECODE_MAX_DEPTH);
		return false;
	}
	return true;
}

/*
 * A scalar's text for a string-typed target.  Returns 1 for null (leave
 * the field alone), 0 with *text set, -1 on error.
 */
static int
scalar_text(struct config_check *chk, const struct ynode *n,
    const char *gotype, const char **text)
{
	struct yres	r;

	if (ynode_is_null(n))
		return 1;
	if (n->kind == YNODE_MAP)
		return terror(chk, n, T_MAP, gotype);
	if (n->kind == YNODE_SEQ)
		return terror(chk, n, T_SEQ, gotype);
	if (resolve(chk, n, &r) == -1)
		return -1;
	*text = n->value;
	return 0;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

static const char *
ftype_go(const struct config_field *f)
{
	switch (f->type) {
	case CF_SECRET:
		return "config.plain";
	case CF_BOOL:
		return "bool";
	case CF_INT:
		return "int";
	case CF_INT64:
		return "int64";
	case CF_UINT64:
		return "uint64";
	case CF_FLOAT:
		return "float64";
	case CF_GODUR:
		return "config.duration";
	case CF_STRS:
		return "[]string";
	case CF_MAP:
		return "map[string]string";
	case CF_OBJ:
	case CF_PTR:
		return f->obj->go_type;
	case CF_LIST:
		return f->obj->go_list_type != NULL ? f->obj->go_list_type :
		    "[]config.plain";
	default:
		return "string";
	}
}

static int
dec_string(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	const char	*s;
	char		 msg[300];
	int		 rc;

	rc = scalar_text(chk, n, ftype_go(f), &s);
	if (rc == 1) {
		/* yaml.v2 sets a null scalar to the zero value. */
		if (f->type == CF_FILE) {
			free(((struct config_file *)FPTR(obj, f))->path);
			((struct config_file *)FPTR(obj, f))->path = NULL;
		} else {
			free(*(char **)FPTR(obj, f));
			*(char **)FPTR(obj, f) = NULL;
		}
		return 0;
	}
	if (rc != 0)
		return -1;
	switch (f->type) {
	case CF_URL:
	case CF_SECRET_URL:
		/* SecretURL: "<secret>" reads back as an (empty) URL. */
		if (f->type == CF_SECRET_URL && strcmp(s, "<secret>") == 0)
			break;
		if (config_parse_url(s, false, msg, sizeof(msg)) == -1)
			return config_check_errn(chk, n, NULL, "%s", msg);
		break;
	case CF_PURL:
		if (config_parse_url(s, true, msg, sizeof(msg)) == -1)
			return config_check_errn(chk, n, NULL, "%s", msg);
		break;
	case CF_HOSTPORT:
		if (config_parse_hostport(s, msg, sizeof(msg)) == -1)
			return config_check_errn(chk, n, NULL, "%s", msg);
		break;
	default:
		break;
	}
	if (f->type == CF_FILE) {
		struct config_file *cf = FPTR(obj, f);

		set_str(&cf->path, s);
	} else
		set_str(FPTR(obj, f), s);
	return 0;
}

static int
dec_number(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	struct yres	r;
	const char	*tag;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_SCALAR)
		return terror(chk, n, n->kind == YNODE_MAP ? T_MAP : T_SEQ,
		    ftype_go(f));
	if (resolve(chk, n, &r) == -1)
		return -1;
	tag = r.tag;
	switch (f->type) {
	case CF_BOOL:
		if (r.kind != YR_BOOL)
			break;
		*(bool *)FPTR(obj, f) = r.b;
		return 0;
	case CF_INT:
	case CF_INT64:
		if (r.kind == YR_FLOAT && r.f >= -9.2e18 && r.f <= 9.2e18)
			r.i = (int64_t)r.f;
		else if (r.kind != YR_INT)
			break;
		if (f->type == CF_INT && (r.i > INT_MAX || r.i < INT_MIN))
			break;
		if (f->type == CF_INT)
			*(int *)FPTR(obj, f) = (int)r.i;
		else
			*(int64_t *)FPTR(obj, f) = r.i;
		return 0;
	case CF_UINT64:
		if (r.kind == YR_INT && r.i >= 0)
			r.u = (uint64_t)r.i;
		else if (r.kind == YR_FLOAT && r.f >= 0 && r.f < 1.8e19)
			r.u = (uint64_t)r.f;
		else if (r.kind != YR_UINT)
			break;
		*(uint64_t *)FPTR(obj, f) = r.u;
		return 0;
	case CF_FLOAT:
		if (r.kind == YR_INT)
			r.f = (double)r.i;
		else if (r.kind == YR_UINT)
			r.f = (double)r.u;
		else if (r.kind != YR_FLOAT)
			break;
		*(double *)FPTR(obj, f) = r.f;
		return 0;
	default:
		break;
	}
	if (r.kind == YR_NULL)
		return 0;
	return terror(chk, n, tag, ftype_go(f));
}

static int
dec_duration(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	struct ad_err	 e;
	const char	*s;
	ad_dur_t	 d;
	int		 rc;

	rc = scalar_text(chk, n, ftype_go(f), &s);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	if (f->type == CF_DUR)
		rc = dur_parse_prom(s, &d, &e);
	else
		rc = dur_parse_go(s, &d, &e);
	if (rc == -1)
		return config_check_errn(chk, n, NULL, "%s", e.msg);
	*(ad_dur_t *)FPTR(obj, f) = d;
	return 0;
}

static int
dec_strs(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	char		***v = FPTR(obj, f);
	size_t		  *cnt = FCOUNT(obj, f), i, mark;
	const char	  *s;
	int		   rc = 0;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_SEQ)
		return terror(chk, n, n->kind == YNODE_MAP ? T_MAP : T_STR,
		    "[]string");
	for (i = 0; i < *cnt; i++)
		free((*v)[i]);
	free(*v);
	*v = xcalloc(n->n + 1, sizeof(**v));
	*cnt = 0;
	for (i = 0; i < n->n; i++) {
		const struct ynode *e = ynode_deref(n->child[i]);

		if (!chk_spend(chk, e))
			return -1;
		mark = config_check_push(chk, "[%zu]", i);
		switch (scalar_text(chk, e, "string", &s)) {
		case 0:
			(*v)[(*cnt)++] = xstrdup(s);
			break;
		case 1:
			(*v)[(*cnt)++] = xstrdup("");
			break;
		default:
			rc = -1;
		}
		config_check_pop(chk, mark);
	}
	return rc;
}

static int	map_decode(struct config_check *chk, const struct ynode *n,
		    struct config_kv **v, size_t *cnt, size_t *alloc);

static int
map_add(struct config_check *chk, const struct ynode *k, const struct ynode *val,
    struct config_kv **v, size_t *cnt, size_t *alloc)
{
	const char	*ks, *vs = "";
	size_t		 i;
	int		 rc;

	if (k->kind != YNODE_SCALAR)
		return config_check_errn(chk, k, NULL, "invalid map key");
	if (scalar_text(chk, k, "string", &ks) != 0)
		ks = "";
	rc = scalar_text(chk, val, "string", &vs);
	if (rc == -1)
		return -1;
	if (rc == 1 && chk->map_regexps) {
		struct buf	b;

		/* MatchRegexps: a nil Regexp. */
		buf_init(&b, BUF_NOCAP);
		buf_add_goquote(&b, ks, strlen(ks));
		config_check_errn(chk, val, NULL, "invalid regexp value for %s",
		    buf_str(&b));
		buf_release(&b);
		return -1;
	}
	if (rc == 1)
		vs = "";
	for (i = 0; i < *cnt; i++)
		if (strcmp((*v)[i].key, ks) == 0) {
			struct buf	b;

			buf_init(&b, BUF_NOCAP);
			buf_add_goquote(&b, ks, strlen(ks));
			config_check_errn(chk, k, NULL,
			    "key %s already set in map", buf_str(&b));
			buf_release(&b);
			return -1;
		}
	if (*cnt == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		*v = xreallocarray(*v, *alloc, sizeof(**v));
	}
	(*v)[*cnt].key = xstrdup(ks);
	(*v)[*cnt].value = xstrdup(vs);
	(*cnt)++;
	return 0;
}

static int
map_merge1(struct config_check *chk, const struct ynode *mv,
    struct config_kv **v, size_t *cnt, size_t *alloc)
{
	const struct ynode	*m = ynode_deref(mv);
	size_t			 i;
	int			 rc = 0;

	if (m->kind == YNODE_MAP)
		return map_decode(chk, m, v, cnt, alloc);
	if (m->kind != YNODE_SEQ)
		return config_check_errn(chk, mv, NULL, "yaml: map merge "
		    "requires map or sequence of maps as the value");
	for (i = m->n; i > 0; i--) {
		const struct ynode *e = ynode_deref(m->child[i - 1]);

		if (e->kind != YNODE_MAP)
			return config_check_errn(chk, e, NULL, "yaml: map "
			    "merge requires map or sequence of maps as the "
			    "value");
		if (map_decode(chk, e, v, cnt, alloc) == -1)
			rc = -1;
	}
	return rc;
}

static int
map_merge(struct config_check *chk, const struct ynode *mv,
    struct config_kv **v, size_t *cnt, size_t *alloc)
{
	int	rc;

	if (!chk_enter(chk, mv))
		return -1;
	rc = map_merge1(chk, mv, v, cnt, alloc);
	chk->depth--;
	return rc;
}

static int
map_decode(struct config_check *chk, const struct ynode *n,
    struct config_kv **v, size_t *cnt, size_t *alloc)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *k = ynode_deref(n->child[i]);
		const struct ynode *val = ynode_deref(n->child[i + 1]);

		if (!chk_spend(chk, val))
			return -1;
		if (ynode_is_merge(k)) {
			if (map_merge(chk, n->child[i + 1], v, cnt, alloc) == -1)
				rc = -1;
			continue;
		}
		if (map_add(chk, k, val, v, cnt, alloc) == -1)
			rc = -1;
	}
	return rc;
}

static int
dec_map(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	struct config_kv	**v = FPTR(obj, f);
	size_t			 *cnt = FCOUNT(obj, f), alloc, i;
	int			  rc;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_MAP)
		return terror(chk, n, n->kind == YNODE_SEQ ? T_SEQ : T_STR,
		    "map[string]string");
	/* A mapping replaces the default map (yaml.v2 decodes into a new
	 * one only when the field was nil; ours never carry defaults). */
	for (i = 0; i < *cnt; i++) {
		free((*v)[i].key);
		free((*v)[i].value);
	}
	free(*v);
	*v = NULL;
	*cnt = 0;
	alloc = 0;
	chk->map_regexps = (f->flags & CF_REGEXPS) != 0;
	rc = map_decode(chk, n, v, cnt, &alloc);
	chk->map_regexps = false;
	return rc;
}

static int
dec_list(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	void	***v = FPTR(obj, f);
	size_t	  *cnt = FCOUNT(obj, f), i, mark;
	int	   rc = 0;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_SEQ)
		return terror(chk, n, n->kind == YNODE_MAP ? T_MAP : T_STR,
		    ftype_go(f));
	*v = xcalloc(n->n + 1, sizeof(**v));
	*cnt = 0;
	for (i = 0; i < n->n; i++) {
		const struct ynode	*e = ynode_deref(n->child[i]);
		void			*o;

		if (!chk_spend(chk, e))
			return -1;
		mark = config_check_push(chk, "[%zu]", i);
		o = xcalloc(1, f->obj->size);
		(*v)[(*cnt)++] = o;
		if (ynode_is_null(e)) {
			/* Go leaves a nil element, which Alertmanager then
			 * dereferences: refuse it instead of crashing. */
			rc = config_check_errn(chk, e, NULL,
			    "empty list element");
		} else {
			config_obj_init(f->obj, o);
			if (config_obj_decode(chk, e, f->obj, o) == -1)
				rc = -1;
		}
		config_check_pop(chk, mark);
	}
	return rc;
}

/*
 * yaml.v2 sets a field given a null value to its zero value (a nil
 * pointer for Go's *bool and *Duration: "not set").  Returns whether the
 * field type was handled here; strings are handled by dec_string, and
 * pointers and structs keep their value (a null http_config makes
 * Alertmanager crash later; the default is kept instead).
 */
static bool
field_set_zero(const struct config_field *f, void *obj)
{
	void	*p = FPTR(obj, f);
	size_t	 i, *cnt;

	switch (f->type) {
	case CF_BOOL:
		*(bool *)p = false;
		return true;
	case CF_INT:
		*(int *)p = 0;
		return true;
	case CF_INT64:
	case CF_DUR:
	case CF_GODUR:
		*(int64_t *)p = 0;
		return true;
	case CF_UINT64:
		*(uint64_t *)p = 0;
		return true;
	case CF_FLOAT:
		*(double *)p = 0;
		return true;
	case CF_STRS:
	case CF_MAP:
	case CF_LIST:
		break;
	default:
		return false;
	}
	cnt = FCOUNT(obj, f);
	for (i = 0; i < *cnt; i++) {
		if (f->type == CF_STRS)
			free((*(char ***)p)[i]);
		else if (f->type == CF_MAP) {
			free((*(struct config_kv **)p)[i].key);
			free((*(struct config_kv **)p)[i].value);
		} else {
			config_obj_release(f->obj, (*(void ***)p)[i]);
			free((*(void ***)p)[i]);
		}
	}
	free(*(void **)p);
	*(void **)p = NULL;
	*cnt = 0;
	return true;
}

int
config_field_decode(struct config_check *chk, const struct ynode *n,
    const struct config_field *f, void *obj)
{
	n = ynode_deref(n);
	if (!chk_spend(chk, n))
		return -1;
	if (f->flags & CF_HASSET)
		*(bool *)((char *)obj + f->off_set) = !ynode_is_null(n);
	if (ynode_is_null(n) && field_set_zero(f, obj))
		return 0;
	switch (f->type) {
	case CF_STR:
	case CF_SECRET:
	case CF_URL:
	case CF_SECRET_URL:
	case CF_PURL:
	case CF_HOSTPORT:
	case CF_FILE:
		return dec_string(chk, n, f, obj);
	case CF_BOOL:
	case CF_INT:
	case CF_INT64:
	case CF_UINT64:
	case CF_FLOAT:
		return dec_number(chk, n, f, obj);
	case CF_DUR:
	case CF_GODUR:
		return dec_duration(chk, n, f, obj);
	case CF_STRS:
		return dec_strs(chk, n, f, obj);
	case CF_MAP:
		return dec_map(chk, n, f, obj);
	case CF_OBJ:
		return config_obj_decode(chk, n, f->obj, FPTR(obj, f));
	case CF_PTR: {
		void	**pp = FPTR(obj, f);

		if (ynode_is_null(n))
			return 0;
		if (*pp == NULL) {
			*pp = xcalloc(1, f->obj->size);
			config_obj_init(f->obj, *pp);
		}
		return config_obj_decode(chk, n, f->obj, *pp);
	}
	case CF_LIST:
		return dec_list(chk, n, f, obj);
	case CF_ANY:
		return 0;
	case CF_CUSTOM:
		return f->decode(chk, n, FPTR(obj, f));
	}
	return 0;
}

/* ----------------------------------------------------------- objects -- */

const struct config_field *
config_obj_field(const struct config_obj *o, const char *key)
{
	const struct config_field	*f;

	for (f = o->fields; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

void
config_obj_init(const struct config_obj *o, void *obj)
{
	const struct config_field	*f;

	for (f = o->fields; f->key != NULL; f++) {
		switch (f->type) {
		case CF_STR:
		case CF_SECRET:
		case CF_URL:
		case CF_SECRET_URL:
		case CF_PURL:
		case CF_HOSTPORT:
			if (f->def != NULL)
				*(char **)FPTR(obj, f) = xstrdup(f->def);
			break;
		case CF_BOOL:
			*(bool *)FPTR(obj, f) = f->def_i != 0;
			break;
		case CF_INT:
			*(int *)FPTR(obj, f) = (int)f->def_i;
			break;
		case CF_INT64:
		case CF_DUR:
		case CF_GODUR:
			*(int64_t *)FPTR(obj, f) = f->def_i;
			break;
		case CF_UINT64:
			*(uint64_t *)FPTR(obj, f) = (uint64_t)f->def_i;
			break;
		case CF_OBJ:
			config_obj_init(f->obj, FPTR(obj, f));
			break;
		default:
			break;
		}
	}
}

static int	obj_pairs(struct config_check *chk, const struct ynode *n,
		    const struct config_obj *o, void *obj);

/* `<<: *a` or `<<: [*a, *b]` inside a struct mapping. */
static int
obj_merge1(struct config_check *chk, const struct ynode *mv,
    const struct config_obj *o, void *obj)
{
	const struct ynode	*m = ynode_deref(mv);
	size_t			 i;
	int			 rc = 0;

	if (m->kind == YNODE_MAP)
		return obj_pairs(chk, m, o, obj);
	if (m->kind != YNODE_SEQ)
		return config_check_errn(chk, mv, NULL, "yaml: map merge "
		    "requires map or sequence of maps as the value");
	/* yaml.v2 applies the list from the end: the first entry wins. */
	for (i = m->n; i > 0; i--) {
		const struct ynode *e = ynode_deref(m->child[i - 1]);

		if (e->kind != YNODE_MAP)
			return config_check_errn(chk, e, NULL, "yaml: map "
			    "merge requires map or sequence of maps as the "
			    "value");
		if (obj_pairs(chk, e, o, obj) == -1)
			rc = -1;
	}
	return rc;
}

static int
obj_merge(struct config_check *chk, const struct ynode *mv,
    const struct config_obj *o, void *obj)
{
	int	rc;

	if (!chk_enter(chk, mv))
		return -1;
	rc = obj_merge1(chk, mv, o, obj);
	chk->depth--;
	return rc;
}

static int
obj_unknown(struct config_check *chk, const struct ynode *k,
    const struct config_obj *o, const char *since)
{
	config_check_errn(chk, k, NULL, "field %s not found in type %s",
	    k->value, o->go_type);
	if (since != NULL && chk->warnings != NULL)
		config_check_warnf(chk, k, "%s was added in Alertmanager %s; "
		    "alertd accepts it, Alertmanager 0.25 does not", k->value,
		    since);
	return -1;
}

static int
obj_pair(struct config_check *chk, const struct ynode *k,
    const struct ynode *v, const struct config_obj *o, void *obj,
    bool *done)
{
	const struct config_field	*f;
	size_t				 mark;
	int				 rc;

	f = config_obj_field(o, k->value);
	if (f == NULL) {
		if (o->extra != NULL) {
			mark = config_check_push(chk, "%s", k->value);
			rc = o->extra(obj, k->value, v, chk);
			config_check_pop(chk, mark);
			if (rc != 0)
				return rc == 1 ? 0 : -1;
		}
		return obj_unknown(chk, k, o, NULL);
	}
	if ((f->flags & CF_NEWER) && chk->opts != NULL &&
	    chk->opts->schema_025)
		return obj_unknown(chk, k, o, f->since);
	if (done[f - o->fields])
		return config_check_errn(chk, k, NULL,
		    "field %s already set in type %s", k->value, o->go_type);
	done[f - o->fields] = true;
	mark = config_check_push(chk, "%s", k->value);
	rc = config_field_decode(chk, v, f, obj);
	config_check_pop(chk, mark);
	return rc;
}

static int
obj_pairs(struct config_check *chk, const struct ynode *n,
    const struct config_obj *o, void *obj)
{
	const struct config_field	*f;
	bool				 done[128];
	size_t				 i;
	int				 rc = 0;

	for (f = o->fields; f->key != NULL; f++)
		;
	if ((size_t)(f - o->fields) > sizeof(done))
		abort();		/* a table bug, not an input error */
	memset(done, 0, sizeof(done));
	for (i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *k = ynode_deref(n->child[i]);

		if (!chk_spend(chk, k))
			return -1;
		if (ynode_is_merge(k)) {
			if (obj_merge(chk, n->child[i + 1], o, obj) == -1)
				rc = -1;
			continue;
		}
		if (k->kind != YNODE_SCALAR) {
			rc = terror(chk, k, k->kind == YNODE_MAP ? T_MAP : T_SEQ,
			    "string");
			continue;
		}
		if (obj_pair(chk, k, n->child[i + 1], o, obj, done) == -1)
			rc = -1;
	}
	return rc;
}

static int
obj_decode1(struct config_check *chk, const struct ynode *n,
    const struct config_obj *o, void *obj)
{
	const struct ynode	*saved = chk->node;
	unsigned		 nerr = chk->nerr;
	int			 rc;

	n = ynode_deref(n);
	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_MAP)
		return terror(chk, n, n->kind == YNODE_SEQ ? T_SEQ : T_STR,
		    o->go_type);
	chk->node = n;
	rc = obj_pairs(chk, n, o, obj);
	/* As in Go, an object whose fields failed is not validated. */
	if (rc == 0 && chk->nerr == nerr && o->check != NULL && !chk->aborted)
		rc = o->check(obj, chk);
	chk->node = saved;
	return chk->nerr == nerr && rc == 0 ? 0 : -1;
}

int
config_obj_decode(struct config_check *chk, const struct ynode *n,
    const struct config_obj *o, void *obj)
{
	int	rc;

	if (!chk_enter(chk, n))
		return -1;
	rc = obj_decode1(chk, n, o, obj);
	chk->depth--;
	return rc;
}

void
config_obj_release(const struct config_obj *o, void *obj)
{
	const struct config_field	*f;
	size_t				 i;

	if (obj == NULL)
		return;
	for (f = o->fields; f->key != NULL; f++) {
		void	*p = FPTR(obj, f);

		switch (f->type) {
		case CF_STR:
		case CF_SECRET:
		case CF_URL:
		case CF_SECRET_URL:
		case CF_PURL:
		case CF_HOSTPORT:
			free(*(char **)p);
			break;
		case CF_FILE:
			free(((struct config_file *)p)->path);
			free(((struct config_file *)p)->data);
			break;
		case CF_STRS:
			for (i = 0; i < *FCOUNT(obj, f); i++)
				free((*(char ***)p)[i]);
			free(*(char ***)p);
			break;
		case CF_MAP:
			for (i = 0; i < *FCOUNT(obj, f); i++) {
				free((*(struct config_kv **)p)[i].key);
				free((*(struct config_kv **)p)[i].value);
			}
			free(*(struct config_kv **)p);
			break;
		case CF_OBJ:
			config_obj_release(f->obj, p);
			break;
		case CF_PTR:
			config_obj_release(f->obj, *(void **)p);
			free(*(void **)p);
			break;
		case CF_LIST:
			for (i = 0; i < *FCOUNT(obj, f); i++) {
				config_obj_release(f->obj, (*(void ***)p)[i]);
				free((*(void ***)p)[i]);
			}
			free(*(void ***)p);
			break;
		case CF_CUSTOM:
			if (f->release != NULL)
				f->release(p);
			break;
		default:
			break;
		}
	}
	if (o->release != NULL)
		o->release(obj);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
copy_field(const struct config_field *f, void *dst, const void *src)
{
	const void	*sp = FCPTR(src, f);
	void		*dp = FPTR(dst, f);
	size_t		 i, n;

	switch (f->type) {
	case CF_STR:
	case CF_SECRET:
	case CF_URL:
	case CF_SECRET_URL:
	case CF_PURL:
	case CF_HOSTPORT:
		*(char **)dp = dup_or_null(*(char *const *)sp);
		break;
	case CF_FILE:
		((struct config_file *)dp)->path = dup_or_null(
		    ((const struct config_file *)sp)->path);
		((struct config_file *)dp)->data = dup_or_null(
		    ((const struct config_file *)sp)->data);
		break;
	case CF_STRS:
		n = *(const size_t *)((const char *)src + f->off_n);
		*(char ***)dp = xcalloc(n + 1, sizeof(char *));
		for (i = 0; i < n; i++)
			(*(char ***)dp)[i] = xstrdup((*(char **const *)sp)[i]);
		break;
	case CF_MAP:
		n = *(const size_t *)((const char *)src + f->off_n);
		*(struct config_kv **)dp = xcalloc(n + 1,
		    sizeof(struct config_kv));
		for (i = 0; i < n; i++) {
			(*(struct config_kv **)dp)[i].key = xstrdup(
			    (*(struct config_kv *const *)sp)[i].key);
			(*(struct config_kv **)dp)[i].value = xstrdup(
			    (*(struct config_kv *const *)sp)[i].value);
		}
		break;
	case CF_OBJ:
		config_obj_copy(f->obj, dp, sp);
		break;
	case CF_PTR:
		if (*(void *const *)sp == NULL)
			break;
		*(void **)dp = xcalloc(1, f->obj->size);
		config_obj_copy(f->obj, *(void **)dp, *(void *const *)sp);
		break;
	case CF_LIST:
		n = *(const size_t *)((const char *)src + f->off_n);
		*(void ***)dp = xcalloc(n + 1, sizeof(void *));
		for (i = 0; i < n; i++) {
			(*(void ***)dp)[i] = xcalloc(1, f->obj->size);
			config_obj_copy(f->obj, (*(void ***)dp)[i],
			    (*(void **const *)sp)[i]);
		}
		break;
	default:
		break;
	}
}

void
config_obj_copy(const struct config_obj *o, void *dst, const void *src)
{
	const struct config_field	*f;

	/* Plain members first (bools, numbers, counts), then deep copies
	 * over the pointers. */
	memcpy(dst, src, o->size);
	for (f = o->fields; f->key != NULL; f++)
		copy_field(f, dst, src);
	if (o->copy != NULL)
		o->copy(dst, src);
}

/* Reads a *_file setting: whitespace-trimmed, capped. */
static int
read_one_file(struct config_check *chk, struct config_file *cf,
    const char *key)
{
	struct buf	 b;
	struct ad_err	 e;
	char		*path, *data;
	size_t		 len;

	if (cf->path == NULL || cf->path[0] == '\0')
		return 0;
	if (cf->path[0] == '/' || chk->base_dir == NULL)
		path = xstrdup(cf->path);
	else
		path = xasprintf("%s/%s", chk->base_dir, cf->path);
	buf_init(&b, 1 << 20);
	if (buf_read_file(&b, path, &e) == -1) {
		buf_release(&b);
		free(path);
		return config_check_errf(chk, key, "cannot read %s: %s",
		    cf->path, e.msg);
	}
	free(path);
	data = buf_detach(&b, &len);
	if (data == NULL)
		data = xstrdup("");
	while (len > 0 && isspace((unsigned char)data[len - 1]))
		data[--len] = '\0';
	len = strspn(data, " \t\r\n");
	free(cf->data);
	cf->data = xstrdup(data + len);
	free(data);
	return 0;
}

int
config_obj_read_files(struct config_check *chk, const struct config_obj *o,
    void *obj)
{
	const struct config_field	*f;
	size_t				 i, mark;
	int				 rc = 0;

	if (obj == NULL)
		return 0;
	for (f = o->fields; f->key != NULL; f++) {
		void	*p = FPTR(obj, f);

		mark = config_check_push(chk, "%s", f->key);
		if (f->type == CF_FILE && read_one_file(chk, p, NULL) == -1)
			rc = -1;
		else if (f->type == CF_OBJ &&
		    config_obj_read_files(chk, f->obj, p) == -1)
			rc = -1;
		else if (f->type == CF_PTR &&
		    config_obj_read_files(chk, f->obj, *(void **)p) == -1)
			rc = -1;
		else if (f->type == CF_LIST)
			for (i = 0; i < *FCOUNT(obj, f); i++)
				if (config_obj_read_files(chk, f->obj,
				    (*(void ***)p)[i]) == -1)
					rc = -1;
		config_check_pop(chk, mark);
	}
	return rc;
}

static void
check_tmpl_str(struct config_check *chk, const char *s,
    const struct tmpl_set *ts)
{
	struct ad_err	 e;
	const char	*pre;

	if (s == NULL || s[0] == '\0')
		return;
	memset(&e, 0, sizeof(e));
	if (tmpl_check(ts, s, &e) == 0)
		return;
	/* Go's template errors begin with "template: " already */
	pre = strncmp(e.msg, "template: ", 10) == 0 ? "" : "template: ";
	if (chk->opts != NULL && chk->opts->strict_templates)
		config_check_errn(chk, chk->node, NULL, "%s%s", pre, e.msg);
	else
		config_check_warnf(chk, chk->node, "%s%s", pre, e.msg);
}

/* The node of child i of a sequence node, or NULL. */
static const struct ynode *
seq_child(const struct ynode *n, size_t i)
{
	n = ynode_deref(n);
	return n != NULL && n->kind == YNODE_SEQ && i < n->n ? n->child[i] :
	    NULL;
}

void
config_obj_check_templates(struct config_check *chk,
    const struct config_obj *o, const void *obj, const struct tmpl_set *ts)
{
	const struct config_field	*f;
	const struct ynode		*here = chk->node, *fn;
	size_t				 i, mark;

	if (obj == NULL)
		return;
	for (f = o->fields; f->key != NULL; f++) {
		const void	*p = FCPTR(obj, f);
		size_t		 n = f->type == CF_MAP || f->type == CF_LIST ?
		    *(const size_t *)((const char *)obj + f->off_n) : 0;

		/* errors point at the field's own node where it has one */
		fn = ynode_map_get(here, f->key);
		chk->node = fn != NULL ? fn : here;
		mark = config_check_push(chk, "%s", f->key);
		if ((f->flags & CF_TEMPLATE) && f->type == CF_MAP) {
			for (i = 0; i < n; i++)
				check_tmpl_str(chk, (*(struct config_kv *const *)
				    p)[i].value, ts);
		} else if (f->flags & CF_TEMPLATE)
			check_tmpl_str(chk, *(char *const *)p, ts);
		else if (f->type == CF_OBJ)
			config_obj_check_templates(chk, f->obj, p, ts);
		else if (f->type == CF_PTR)
			config_obj_check_templates(chk, f->obj,
			    *(void *const *)p, ts);
		else if (f->type == CF_LIST)
			for (i = 0; i < n; i++) {
				chk->node = seq_child(fn, i) != NULL ?
				    seq_child(fn, i) : here;
				config_obj_check_templates(chk, f->obj,
				    (*(void *const *const *)p)[i], ts);
			}
		config_check_pop(chk, mark);
		chk->node = here;
	}
}

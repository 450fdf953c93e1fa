/*
 * JSON codecs of API v2 alerts (see api_json.h): a decoder that behaves
 * as Go's json.Decoder + encoding/json + go-swagger binding do on a
 * PostableAlerts body, and Go-identical encoders for gettableAlert.
 *
 * The decoder runs in two passes over the body, like Go: scan() is Go's
 * scanner (syntax only, its error texts, 10000 levels of nesting at
 * most) and finds the end of the first value; the decode pass then walks
 * that value, which is known to be well-formed, and applies Go's typing
 * rules.  PostableAlert's generated UnmarshalJSON decodes each element
 * twice (annotations/endsAt/startsAt, then generatorURL/labels), so the
 * errors of the first group win; that order is kept.
 */
#include "alertd/api_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api_gofmt.h"
#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"

#define MAX_DEPTH	10000		/* encoding/json maxNestingDepth */

/* The Go type of one PostableAlert's first decoding pass, as %v prints it. */
#define AO0_TYPE "struct { Annotations models.LabelSet " \
	"\"json:\\\"annotations,omitempty\\\"\"; EndsAt strfmt.DateTime " \
	"\"json:\\\"endsAt,omitempty\\\"\"; StartsAt strfmt.DateTime " \
	"\"json:\\\"startsAt,omitempty\\\"\" }"

void
api_json_err_release(struct api_json_err *e)
{
	free(e->msg);
	e->msg = NULL;
}

static void
set_err(struct api_json_err *e, int status, int code, struct buf *msg)
{
	e->status = status;
	e->code = code;
	e->msg = xstrdup(buf_str(msg));
}

/* ------------------------------------------------------------ scanner -- */

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* encoding/json quoteChar. */
static void
quote_char(struct buf *b, unsigned char c)
{
	struct buf	q;
	char		u[4];
	int		n;

	if (c == '\'') {
		buf_addstr(b, "'\\''");
		return;
	}
	if (c == '"') {
		buf_addstr(b, "'\"'");
		return;
	}
	/* Go's string(c) makes the rune U+00c. */
	n = utf8_encode(c, u);
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, u, (size_t)n);
	buf_addch(b, '\'');
	buf_add(b, buf_str(&q) + 1, buf_len(&q) - 2);
	buf_addch(b, '\'');
	buf_release(&q);
}

enum sstate {
	SS_BEGIN_VALUE, SS_BEGIN_VALUE_OR_EMPTY, SS_BEGIN_STRING_OR_EMPTY,
	SS_BEGIN_STRING, SS_END_VALUE, SS_STR, SS_STR_ESC, SS_STR_U,
	SS_NEG, SS_ONE, SS_ZERO, SS_DOT, SS_DOT0, SS_E, SS_ESIGN, SS_E0,
	SS_LIT, SS_DONE
};

enum pstate { PS_OBJ_KEY, PS_OBJ_VALUE, PS_ARRAY };

struct scanner {
	enum sstate	 st;
	unsigned char	*stack;		/* enum pstate per level */
	size_t		 depth;
	const char	*lit;		/* "true", "false", "null" */
	size_t		 litpos, upos;
	const char	*ctx;		/* error context, NULL: no error */
	size_t		 end;
};

static void
scan_push(struct scanner *sc, enum pstate ps)
{
	sc->stack[sc->depth++] = (unsigned char)ps;
	if (sc->depth > MAX_DEPTH)
		sc->ctx = "exceeded max depth";
}

static void scan_byte(struct scanner *sc, unsigned char c, size_t i);

/* stateEndValue */
static void
scan_end_value(struct scanner *sc, unsigned char c, size_t i)
{
	if (sc->depth == 0) {
		sc->st = SS_DONE;
		sc->end = i;
		return;
	}
	sc->st = SS_END_VALUE;
	if (is_space(c))
		return;
	switch (sc->stack[sc->depth - 1]) {
	case PS_OBJ_KEY:
		if (c == ':') {
			sc->stack[sc->depth - 1] = PS_OBJ_VALUE;
			sc->st = SS_BEGIN_VALUE;
		} else
			sc->ctx = "after object key";
		return;
	case PS_OBJ_VALUE:
		if (c == ',') {
			sc->stack[sc->depth - 1] = PS_OBJ_KEY;
			sc->st = SS_BEGIN_STRING;
		} else if (c == '}')
			sc->depth--;
		else
			sc->ctx = "after object key:value pair";
		break;
	default:
		if (c == ',')
			sc->st = SS_BEGIN_VALUE;
		else if (c == ']')
			sc->depth--;
		else
			sc->ctx = "after array element";
		break;
	}
	if (sc->ctx == NULL && sc->depth == 0 && (c == '}' || c == ']')) {
		sc->st = SS_DONE;
		sc->end = i + 1;
	}
}

static void
scan_begin_value(struct scanner *sc, unsigned char c)
{
	if (is_space(c))
		return;
	switch (c) {
	case '{':
		sc->st = SS_BEGIN_STRING_OR_EMPTY;
		scan_push(sc, PS_OBJ_KEY);
		return;
	case '[':
		sc->st = SS_BEGIN_VALUE_OR_EMPTY;
		scan_push(sc, PS_ARRAY);
		return;
	case '"':
		sc->st = SS_STR;
		return;
	case '-':
		sc->st = SS_NEG;
		return;
	case '0':
		sc->st = SS_ZERO;
		return;
	case 't':
		sc->lit = "true";
		break;
	case 'f':
		sc->lit = "false";
		break;
	case 'n':
		sc->lit = "null";
		break;
	default:
		if (c >= '1' && c <= '9') {
			sc->st = SS_ONE;
			return;
		}
		sc->ctx = "looking for beginning of value";
		return;
	}
	sc->st = SS_LIT;
	sc->litpos = 1;
}

static bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void
scan_string(struct scanner *sc, unsigned char c)
{
	switch (sc->st) {
	case SS_STR:
		if (c == '"')
			sc->st = SS_END_VALUE;
		else if (c == '\\')
			sc->st = SS_STR_ESC;
		else if (c < 0x20)
			sc->ctx = "in string literal";
		return;
	case SS_STR_ESC:
		if (strchr("bfnrt\\/\"", c) != NULL && c != '\0')
			sc->st = SS_STR;
		else if (c == 'u') {
			sc->st = SS_STR_U;
			sc->upos = 0;
		} else
			sc->ctx = "in string escape code";
		return;
	default:
		if (!is_hex(c))
			sc->ctx = "in \\u hexadecimal character escape";
		else if (++sc->upos == 4)
			sc->st = SS_STR;
		return;
	}
}

/* The number states; returns true when c ended the number. */
static bool
scan_number(struct scanner *sc, unsigned char c)
{
	switch (sc->st) {
	case SS_NEG:
		if (c == '0')
			sc->st = SS_ZERO;
		else if (c >= '1' && c <= '9')
			sc->st = SS_ONE;
		else
			sc->ctx = "in numeric literal";
		return false;
	case SS_ONE:
		if (is_digit(c))
			return false;
		/* FALLTHROUGH */
	case SS_ZERO:
		if (c == '.')
			sc->st = SS_DOT;
		else if (c == 'e' || c == 'E')
			sc->st = SS_E;
		else
			return true;
		return false;
	case SS_DOT:
		if (is_digit(c))
			sc->st = SS_DOT0;
		else
			sc->ctx = "after decimal point in numeric literal";
		return false;
	case SS_DOT0:
		if (is_digit(c))
			return false;
		if (c == 'e' || c == 'E') {
			sc->st = SS_E;
			return false;
		}
		return true;
	case SS_E:
		if (c == '+' || c == '-') {
			sc->st = SS_ESIGN;
			return false;
		}
		/* FALLTHROUGH */
	case SS_ESIGN:
		if (is_digit(c))
			sc->st = SS_E0;
		else
			sc->ctx = "in exponent of numeric literal";
		return false;
	default:	/* SS_E0 */
		return !is_digit(c);
	}
}

static void
scan_byte(struct scanner *sc, unsigned char c, size_t i)
{
	switch (sc->st) {
	case SS_BEGIN_VALUE_OR_EMPTY:
		if (is_space(c))
			return;
		if (c == ']') {
			scan_end_value(sc, c, i);
			return;
		}
		scan_begin_value(sc, c);
		return;
	case SS_BEGIN_VALUE:
		scan_begin_value(sc, c);
		return;
	case SS_BEGIN_STRING_OR_EMPTY:
		if (is_space(c))
			return;
		if (c == '}') {
			sc->stack[sc->depth - 1] = PS_OBJ_VALUE;
			scan_end_value(sc, c, i);
			return;
		}
		/* FALLTHROUGH */
	case SS_BEGIN_STRING:
		if (is_space(c))
			return;
		if (c == '"')
			sc->st = SS_STR;
		else
			sc->ctx = "looking for beginning of object key string";
		return;
	case SS_END_VALUE:
		scan_end_value(sc, c, i);
		return;
	case SS_STR:
	case SS_STR_ESC:
	case SS_STR_U:
		scan_string(sc, c);
		return;
	case SS_LIT:
		if (c != (unsigned char)sc->lit[sc->litpos])
			sc->ctx = "";	/* worded by the caller */
		else if (sc->lit[++sc->litpos] == '\0')
			sc->st = SS_END_VALUE;
		return;
	case SS_DONE:
		return;
	default:
		if (scan_number(sc, c))
			scan_end_value(sc, c, i);
		return;
	}
}

/*
 * json.Decoder.Decode's reading of the first value of s.  Returns 1 with
 * [*start, *end), 0 for an empty body, -1 with msg for a syntax error or
 * a truncated value.
 */
static int
scan(const char *s, size_t n, size_t *start, size_t *end, struct buf *msg)
{
	struct scanner	sc;
	size_t		i, first = n;
	int		rc = 1;

	memset(&sc, 0, sizeof(sc));
	sc.st = SS_BEGIN_VALUE;
	sc.stack = xmalloc(MAX_DEPTH + 1);
	for (i = 0; i < n && sc.st != SS_DONE; i++) {
		if (first == n && !is_space((unsigned char)s[i]))
			first = i;
		scan_byte(&sc, (unsigned char)s[i], i);
		if (sc.ctx != NULL)
			break;
	}
	if (sc.ctx != NULL) {
		buf_addstr(msg, "invalid character ");
		quote_char(msg, (unsigned char)s[i]);
		if (sc.st == SS_LIT)
			buf_addf(msg, " in literal %s (expecting '%c')",
			    sc.lit, sc.lit[sc.litpos]);
		else
			buf_addf(msg, " %s", sc.ctx);
		rc = -1;
	} else if (sc.st != SS_DONE) {
		/* At EOF Go steps once more with ' '. */
		if (first == n)
			rc = 0;
		else if (sc.depth == 0 && (sc.st == SS_END_VALUE ||
		    sc.st == SS_ONE || sc.st == SS_ZERO || sc.st == SS_DOT0 ||
		    sc.st == SS_E0))
			sc.end = n;
		else {
			buf_addstr(msg, "unexpected EOF");
			rc = -1;
		}
	}
	free(sc.stack);
	*start = first;
	*end = sc.end;
	return rc;
}

/* ------------------------------------------------------------ decoder -- */

struct arena {
	struct arena	*next;
	size_t		 used, cap;
	char		 data[];
};

struct dec {
	const char	*s;
	size_t		 n, i;
	struct arena	*arena;
	struct buf	 saved;		/* first type error of this pass */
	bool		 has_saved;
	bool		 nul;		/* a label string held U+0000 */
};

static char *
arena_alloc(struct dec *d, size_t n)
{
	struct arena	*a = d->arena;
	size_t		 cap;

	if (a == NULL || a->cap - a->used < n) {
		cap = n > 65536 ? n : 65536;
		a = xmalloc(sizeof(*a) + cap);
		a->next = d->arena;
		a->used = 0;
		a->cap = cap;
		d->arena = a;
	}
	a->used += n;
	return a->data + a->used - n;
}

static void
arena_free(struct arena *a)
{
	struct arena	*next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
}

static void
ws(struct dec *d)
{
	while (d->i < d->n && is_space((unsigned char)d->s[d->i]))
		d->i++;
}

static const char *
kind(struct dec *d)
{
	switch (d->s[d->i]) {
	case '{':
		return "object";
	case '[':
		return "array";
	case '"':
		return "string";
	case 't':
	case 'f':
		return "bool";
	case 'n':
		return "null";
	default:
		return "number";
	}
}

/* Skips one (well-formed) value. */
static void
skip_value(struct dec *d)
{
	size_t	depth = 0;
	char	c;

	do {
		c = d->s[d->i];
		if (c == '"') {
			for (d->i++; d->s[d->i] != '"'; d->i++)
				if (d->s[d->i] == '\\')
					d->i++;
			d->i++;
		} else if (c == '{' || c == '[') {
			depth++;
			d->i++;
		} else if (c == '}' || c == ']') {
			depth--;
			d->i++;
		} else if (c == ',' || c == ':' || is_space((unsigned char)c))
			d->i++;
		else
			while (d->i < d->n &&
			    strchr(",:}] \t\r\n", d->s[d->i]) == NULL)
				d->i++;
		if (depth > 0)
			ws(d);
	} while (depth > 0);
}

static int
hex4(const char *p)
{
	int	v = 0, i;
	char	c;

	for (i = 0; i < 4; i++) {
		c = p[i];
		v = v * 16 + (is_digit((unsigned char)c) ? c - '0' :
		    (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* One \u escape at p (p[0] == '\\'), with Go's surrogate handling. */
static size_t
unquote_u(const char *p, const char *end, char *out, size_t *w)
{
	int	r = hex4(p + 2), r2;

	if (r >= 0xd800 && r < 0xe000) {
		if (end - p >= 12 && p[6] == '\\' && p[7] == 'u') {
			r2 = hex4(p + 8);
			if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
				r = 0x10000 + ((r - 0xd800) << 10) +
				    (r2 - 0xdc00);
				*w += (size_t)utf8_encode((uint32_t)r, out + *w);
				return 12;
			}
		}
		r = 0xfffd;
	}
	*w += (size_t)utf8_encode((uint32_t)r, out + *w);
	return 6;
}

static char
unescape_char(char c)
{
	switch (c) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return c;	/* \\ \/ \" */
	}
}

/* Go's unquote of the string at p..end (between the quotes). */
static char *
unquote_slow(struct dec *d, const char *p, const char *end, size_t *len)
{
	char		*out = arena_alloc(d, (size_t)(end - p) * 3 + 1);
	size_t		 w = 0;
	uint32_t	 r;
	int		 k;

	while (p < end) {
		if (*p == '\\') {
			if (p[1] == 'u') {
				p += unquote_u(p, end, out, &w);
				continue;
			}
			out[w++] = unescape_char(p[1]);
			p += 2;
			continue;
		}
		if ((unsigned char)*p < 0x80) {
			out[w++] = *p++;
			continue;
		}
		k = utf8_decode((const unsigned char *)p, (size_t)(end - p), &r);
		if (k < 0) {
			w += (size_t)utf8_encode(0xfffd, out + w);
			p++;
			continue;
		}
		memcpy(out + w, p, (size_t)k);
		w += (size_t)k;
		p += k;
	}
	out[w] = '\0';
	*len = w;
	return out;
}

/* The string at d->i (a '"'); borrowed from the body when possible. */
static const char *
dec_string(struct dec *d, size_t *len)
{
	const char	*p = d->s + d->i + 1, *q = p, *res;
	bool		 slow = false;

	while (*q != '"') {
		if (*q == '\\') {
			slow = true;
			q += 2;
			continue;
		}
		if ((unsigned char)*q >= 0x80)
			slow = true;
		q++;
	}
	d->i = (size_t)(q - d->s) + 1;
	if (slow && utf8_valid(p, (size_t)(q - p)) &&
	    memchr(p, '\\', (size_t)(q - p)) == NULL)
		slow = false;
	if (!slow) {
		*len = (size_t)(q - p);
		return p;
	}
	res = unquote_slow(d, p, q, len);
	return res;
}

/* Go's field-name matching for our (all-letter) field names. */
static bool
fold_eq(const char *name, const char *key, size_t klen)
{
	size_t	i = 0;
	char	c;

	for (; *name != '\0'; name++) {
		if (i >= klen)
			return false;
		c = key[i];
		if ((unsigned char)c < 0x80) {
			if ((c & ~0x20) != (*name & ~0x20))
				return false;
			i++;
			continue;
		}
		/* U+017F LATIN SMALL LETTER LONG S folds to s. */
		if ((*name | 0x20) == 's' && klen - i >= 2 &&
		    memcmp(key + i, "\xc5\xbf", 2) == 0)
			i += 2;
		else if ((*name | 0x20) == 'k' && klen - i >= 3 &&
		    memcmp(key + i, "\xe2\x84\xaa", 3) == 0)
			i += 3;
		else
			return false;
	}
	return i == klen;
}

static void
save_type_err(struct dec *d, const char *what, const char *strct,
    const char *field, const char *type)
{
	if (d->has_saved)
		return;
	d->has_saved = true;
	buf_addf(&d->saved, "json: cannot unmarshal %s into Go struct field "
	    "%s.%s of type %s", what, strct, field, type);
}

/* An object: returns true with d->i at the next key, or after the '}'. */
static bool
obj_next(struct dec *d, const char **key, size_t *klen)
{
	ws(d);
	if (d->s[d->i] == '{' || d->s[d->i] == ',')
		d->i++;
	ws(d);
	if (d->s[d->i] == '}') {
		d->i++;
		return false;
	}
	*key = dec_string(d, klen);
	ws(d);
	d->i++;		/* ':' */
	ws(d);
	return true;
}

/* A label set being decoded: a Go map that null resets. */
struct lsdec {
	struct labels_builder	b;
	bool			present;
};

static void
dec_labelset(struct dec *d, struct lsdec *ls, const char *strct,
    const char *field)
{
	const char	*k, *v;
	size_t		 klen, vlen;
	if (d->s[d->i] == 'n') {
		ls->b.n = 0;
		ls->present = false;
		skip_value(d);
		return;
	}
	if (d->s[d->i] != '{') {
		save_type_err(d, kind(d), strct, field, "models.LabelSet");
		skip_value(d);
		return;
	}
	ls->present = true;
	while (obj_next(d, &k, &klen)) {
		if (memchr(k, '\0', klen) != NULL)
			d->nul = true;
		if (d->s[d->i] == '"') {
			v = dec_string(d, &vlen);
			if (memchr(v, '\0', vlen) != NULL)
				d->nul = true;
			labels_builder_add(&ls->b, k, klen, v, vlen);
			continue;
		}
		if (d->s[d->i] != 'n')
			save_type_err(d, kind(d), strct, field, "string");
		labels_builder_add(&ls->b, k, klen, "", 0);
		skip_value(d);
	}
}

/* strfmt.DateTime.UnmarshalJSON; -1 aborts with the error in msg. */
static int
dec_datetime(struct dec *d, const char *field, ad_time_t *t, int32_t *off,
    struct buf *msg)
{
	const char	*s;
	size_t		 len;

	if (d->s[d->i] == 'n') {
		skip_value(d);
		return 0;
	}
	if (d->s[d->i] != '"') {
		buf_addf(msg, "json: cannot unmarshal %s into Go struct field "
		    ".%s of type string", kind(d), field);
		return -1;
	}
	s = dec_string(d, &len);
	return api_go_parse_datetime(s, len, t, off, msg);
}

/* Pass 1: annotations, endsAt, startsAt (PostableAlert's AO0). */
static int
dec_pass1(struct dec *d, struct lsdec *ann, struct api_postable_alert *pa,
    struct buf *msg)
{
	const char	*k;
	size_t		 klen;

	if (d->s[d->i] != '{') {
		buf_addf(msg, "json: cannot unmarshal %s into Go value of "
		    "type %s", kind(d), AO0_TYPE);
		return -1;
	}
	while (obj_next(d, &k, &klen)) {
		if (fold_eq("annotations", k, klen))
			dec_labelset(d, ann, "", "annotations");
		else if (fold_eq("endsAt", k, klen)) {
			if (dec_datetime(d, "endsAt", &pa->ends_at,
			    &pa->ends_off, msg) == -1)
				return -1;
		} else if (fold_eq("startsAt", k, klen)) {
			if (dec_datetime(d, "startsAt", &pa->starts_at,
			    &pa->starts_off, msg) == -1)
				return -1;
		} else
			skip_value(d);
	}
	return 0;
}

/* Pass 2: generatorURL, labels (the embedded models.Alert). */
static int
dec_pass2(struct dec *d, struct lsdec *lab, const char **url, size_t *ulen,
    struct buf *msg)
{
	const char	*k;
	size_t		 klen;

	while (obj_next(d, &k, &klen)) {
		if (fold_eq("labels", k, klen))
			dec_labelset(d, lab, "Alert", "labels");
		else if (fold_eq("generatorURL", k, klen)) {
			if (d->s[d->i] == 'n') {
				/* strfmt.URI.UnmarshalJSON("null") sets "". */
				*url = "";
				*ulen = 0;
				skip_value(d);
			} else if (d->s[d->i] == '"')
				*url = dec_string(d, ulen);
			else {
				buf_addf(msg, "json: cannot unmarshal %s into "
				    "Go struct field Alert.generatorURL of "
				    "type string", kind(d));
				return -1;
			}
		} else
			skip_value(d);
	}
	return 0;
}

static int
saved_or_ok(struct dec *d, struct buf *msg)
{
	if (!d->has_saved)
		return 0;
	buf_add(msg, buf_str(&d->saved), buf_len(&d->saved));
	return -1;
}

/* One array element (not null) into pa; -1 with Go's error in msg. */
static int
dec_element(struct dec *d, struct api_postable_alert *pa, struct buf *msg)
{
	struct lsdec	 ann, lab;
	const char	*url = "";
	size_t		 start = d->i, ulen = 0;
	int		 rc = -1;

	labels_builder_init(&ann.b);
	labels_builder_init(&lab.b);
	ann.present = lab.present = false;
	d->has_saved = false;
	buf_reset(&d->saved);
	if (dec_pass1(d, &ann, pa, msg) == -1 || saved_or_ok(d, msg) == -1)
		goto out;
	d->i = start;
	if (dec_pass2(d, &lab, &url, &ulen, msg) == -1 ||
	    saved_or_ok(d, msg) == -1)
		goto out;
	if (ann.present)
		pa->annotations = labels_builder_finish(&ann.b);
	if (lab.present)
		pa->labels = labels_builder_finish(&lab.b);
	pa->generator_url = xmemdup(url, ulen + 1);
	pa->generator_url[ulen] = '\0';
	pa->generator_url_len = ulen;
	pa->nul_byte = d->nul;
	rc = 0;
out:
	d->nul = false;
	labels_builder_release(&ann.b);
	labels_builder_release(&lab.b);
	return rc;
}

static void
pa_init(struct api_postable_alert *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->starts_at = pa->ends_at = AD_TIME_ZERO;
}

static void
pa_release(struct api_postable_alert *pa)
{
	labels_unref(pa->labels);
	labels_unref(pa->annotations);
	free(pa->generator_url);
}

void
api_postable_alerts_release(struct api_postable_alerts *pa)
{
	size_t	i;

	for (i = 0; i < pa->n; i++)
		pa_release(&pa->v[i]);
	free(pa->v);
	pa->v = NULL;
	pa->n = 0;
}

/* The array; -1 with msg (400) or with *too_many set (413). */
static int
dec_array(struct dec *d, size_t max, struct api_postable_alerts *out,
    struct buf *msg, bool *too_many)
{
	size_t	alloc = 0;

	d->i++;
	for (;;) {
		ws(d);
		if (d->s[d->i] == ',') {
			d->i++;
			ws(d);
		}
		if (d->s[d->i] == ']')
			return 0;
		if (max > 0 && out->n >= max) {
			*too_many = true;
			return -1;
		}
		if (out->n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			out->v = xreallocarray(out->v, alloc, sizeof(*out->v));
		}
		pa_init(&out->v[out->n]);
		if (d->s[d->i] == 'n') {
			/* Alertmanager dereferences the nil and panics. */
			buf_addf(msg, "alert %zu is null", out->n);
			return -1;
		}
		if (dec_element(d, &out->v[out->n], msg) == -1) {
			pa_release(&out->v[out->n]);
			return -1;
		}
		out->n++;
	}
}

/* go-swagger's Validate: the first element that fails, first error. */
static int
validate(const struct api_postable_alerts *pa, struct api_json_err *err)
{
	struct buf	msg;
	size_t		i;
	const struct api_postable_alert *a;

	buf_init(&msg, BUF_NOCAP);
	for (i = 0; i < pa->n; i++) {
		a = &pa->v[i];
		if (a->generator_url_len > 0 && !api_go_request_uri_valid(
		    a->generator_url, a->generator_url_len)) {
			buf_addf(&msg, "%zu.generatorURL in body must be of "
			    "type uri: ", i);
			buf_add_goquote(&msg, a->generator_url,
			    a->generator_url_len);
			set_err(err, 422, 601, &msg);
			break;
		}
		if (a->labels == NULL) {
			buf_addf(&msg, "%zu.labels in body is required", i);
			set_err(err, 422, 602, &msg);
			break;
		}
	}
	buf_release(&msg);
	return i < pa->n ? -1 : 0;
}

int
api_json_decode_alerts(const char *body, size_t len, size_t max_alerts,
    struct api_postable_alerts *out, struct api_json_err *err)
{
	struct dec	 d;
	struct buf	 msg, full;
	size_t		 start, end;
	bool		 too_many = false;
	int		 rc;

	out->v = NULL;
	out->n = 0;
	err->msg = NULL;
	buf_init(&msg, BUF_NOCAP);
	buf_init(&full, BUF_NOCAP);
	rc = scan(body, len, &start, &end, &msg);
	if (rc == 0) {
		buf_addstr(&full, "alerts in body is required");
		set_err(err, 422, 602, &full);
		rc = -1;
		goto out;
	}
	memset(&d, 0, sizeof(d));
	buf_init(&d.saved, BUF_NOCAP);
	if (rc == 1) {
		d.s = body + start;
		d.n = end - start;
		if (d.s[0] == 'n')
			rc = 0;
		else if (d.s[0] != '[') {
			buf_addf(&msg, "json: cannot unmarshal %s into Go "
			    "value of type models.PostableAlerts", kind(&d));
			rc = -1;
		} else
			rc = dec_array(&d, max_alerts, out, &msg, &too_many);
	}
	arena_free(d.arena);
	buf_release(&d.saved);
	if (rc == -1 && too_many) {
		buf_addf(&full, "too many alerts in one request (limit %zu, "
		    "--api.max-alerts-per-request)", max_alerts);
		set_err(err, 413, 413, &full);
	} else if (rc == -1) {
		buf_addstr(&full, "parsing alerts body from \"\" failed, "
		    "because ");
		buf_add(&full, buf_str(&msg), buf_len(&msg));
		set_err(err, 400, 400, &full);
	} else
		rc = validate(out, err);
	if (rc == -1)
		api_postable_alerts_release(out);
out:
	buf_release(&msg);
	buf_release(&full);
	return rc;
}

/* ----------------------------------------------------------- encoders -- */

static void
json_str(struct buf *out, const char *s, size_t len, bool html)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 0, run = 0;
	uint32_t	 r;
	int		 k;
	char		 esc[8];

	buf_addch(out, '"');
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' &&
		    p[i] != '\\' && (!html || (p[i] != '<' && p[i] != '>' &&
		    p[i] != '&'))) {
			i++;
			run++;
			continue;
		}
		buf_add(out, s + i - run, run);
		run = 0;
		if (p[i] < 0x80) {
			switch (p[i]) {
			case '"': buf_addstr(out, "\\\""); break;
			case '\\': buf_addstr(out, "\\\\"); break;
			case '\n': buf_addstr(out, "\\n"); break;
			case '\r': buf_addstr(out, "\\r"); break;
			case '\t': buf_addstr(out, "\\t"); break;
			default:
				snprintf(esc, sizeof(esc), "\\u00%c%c",
				    hex[p[i] >> 4], hex[p[i] & 15]);
				buf_addstr(out, esc);
			}
			i++;
			continue;
		}
		k = utf8_decode(p + i, len - i, &r);
		if (k < 0) {
			buf_addstr(out, "\\ufffd");
			i++;
		} else if (r == 0x2028 || r == 0x2029) {
			buf_addstr(out, r == 0x2028 ? "\\u2028" : "\\u2029");
			i += (size_t)k;
		} else {
			buf_add(out, s + i, (size_t)k);
			i += (size_t)k;
		}
	}
	buf_add(out, s + i - run, run);
	buf_addch(out, '"');
}

void
api_json_str(struct buf *out, const char *s, size_t len)
{
	json_str(out, s, len, true);
}

void
api_json_str_noesc(struct buf *out, const char *s, size_t len)
{
	json_str(out, s, len, false);
}

void
api_json_labels(struct buf *out, const struct labels *ls)
{
	uint32_t	i;

	buf_addch(out, '{');
	for (i = 0; ls != NULL && i < ls->n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		api_json_str(out, ls->v[i].name, strlen(ls->v[i].name));
		buf_addch(out, ':');
		api_json_str(out, ls->v[i].value, strlen(ls->v[i].value));
	}
	buf_addch(out, '}');
}

void
api_json_time(struct buf *out, ad_time_t t, int32_t off)
{
	char	s[API_TIME_MAX];

	buf_addch(out, '"');
	buf_addstr(out, api_go_format_datetime(t, off, s));
	buf_addch(out, '"');
}

static void
json_strs(struct buf *out, const struct alertd_strs *s)
{
	size_t	i;

	buf_addch(out, '[');
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		api_json_str(out, s->v[i], strlen(s->v[i]));
	}
	buf_addch(out, ']');
}

void
api_json_alert(struct buf *out, const struct alert *a,
    const struct alert_status *st, const char *const *receivers,
    size_t n_receivers)
{
	char	fp[FP_STR_MAX];
	size_t	i;

	buf_addstr(out, "{\"annotations\":");
	api_json_labels(out, a->annotations);
	buf_addstr(out, ",\"endsAt\":");
	api_json_time(out, a->ends_at, a->ends_off);
	buf_addf(out, ",\"fingerprint\":\"%s\",\"receivers\":[",
	    fp_format(a->fp, fp));
	for (i = 0; i < n_receivers; i++) {
		buf_addstr(out, i > 0 ? ",{\"name\":" : "{\"name\":");
		api_json_str(out, receivers[i], strlen(receivers[i]));
		buf_addch(out, '}');
	}
	buf_addstr(out, "],\"startsAt\":");
	api_json_time(out, a->starts_at, a->starts_off);
	buf_addstr(out, ",\"status\":{\"inhibitedBy\":");
	json_strs(out, &st->inhibited_by);
	buf_addstr(out, ",\"mutedBy\":");
	json_strs(out, &st->muted_by);
	buf_addstr(out, ",\"silencedBy\":");
	json_strs(out, &st->silenced_by);
	buf_addf(out, ",\"state\":\"%s\"},\"updatedAt\":",
	    alert_state_str(st->state));
	api_json_time(out, a->updated_at, 0);
	if (a->generator_url[0] != '\0') {
		buf_addstr(out, ",\"generatorURL\":");
		api_json_str(out, a->generator_url, strlen(a->generator_url));
	}
	buf_addstr(out, ",\"labels\":");
	api_json_labels(out, a->labels);
	buf_addch(out, '}');
}

void
api_json_error(struct buf *out, int code, const char *msg)
{
	buf_addf(out, "{\"code\":%d,\"message\":", code);
	api_json_str(out, msg, strlen(msg));
	buf_addch(out, '}');
}

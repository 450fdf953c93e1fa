/*
 * JSON codecs of API v2 alerts (see api_json.h): a decoder that behaves
 * as Go's json.Decoder + encoding/json + go-swagger binding do on a
 * PostableAlerts body, and Go-identical encoders for gettableAlert.
 *
 * The decoder walks the body once, checking its syntax as it goes and
 * applying Go's typing rules.  Go reads the whole first value before
 * decoding it, so a syntax error anywhere wins over a type error: when
 * the walk fails for any reason, Go's scanner (api_jscan.c) runs over
 * the body to word the error, and only a body it finds well-formed gets
 * the decoder's own error.  PostableAlert's generated UnmarshalJSON
 * decodes each element twice (annotations/endsAt/startsAt, then
 * generatorURL/labels), so the first group's errors win: the walk keeps
 * errors per group to answer the same.
 */
#include "alertd/api_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alert_memo.h"
#include "alertd/alertd.h"
#include "alertd/api_gofmt.h"
#include "alertd/api_jscan.h"
#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"

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

/* ------------------------------------------------------------ decoder -- */

struct arena {
	struct arena	*next;
	size_t		 used, cap;
	char		 data[];
};

/* The two decoding groups of a PostableAlert (see the top comment). */
enum { G_AO0, G_ALERT };

struct dec {
	const char		*s;
	size_t			 n, i;
	bool			 bad;		/* malformed: ask the scanner */
	struct arena		*arena;
	struct labels_builder	 lab, ann;	/* reused across elements */
	bool			 lab_present, ann_present;
	/* Per group: the first type error (decoding went on) and the
	 * error that stopped the group's decoding. */
	struct buf		 saved[2], stop[2];
	bool			 has_saved[2], stopped[2];
	bool			 nul;	/* a decoded string held U+0000 */
};

static void
arena_free(struct arena *a)
{
	struct arena	*next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
}

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
dec_init(struct dec *d, const char *s, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->s = s;
	d->n = n;
	labels_builder_init(&d->lab);
	labels_builder_init(&d->ann);
	buf_init(&d->saved[0], BUF_NOCAP);
	buf_init(&d->saved[1], BUF_NOCAP);
	buf_init(&d->stop[0], BUF_NOCAP);
	buf_init(&d->stop[1], BUF_NOCAP);
}

static void
dec_release(struct dec *d)
{
	labels_builder_release(&d->lab);
	labels_builder_release(&d->ann);
	buf_release(&d->saved[0]);
	buf_release(&d->saved[1]);
	buf_release(&d->stop[0]);
	buf_release(&d->stop[1]);
	arena_free(d->arena);
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
ws(struct dec *d)
{
	while (d->i < d->n && is_space((unsigned char)d->s[d->i]))
		d->i++;
}

/* The byte at the cursor, or -1 at the end. */
static int
peek(const struct dec *d)
{
	return d->i < d->n ? (unsigned char)d->s[d->i] : -1;
}

static int
bad(struct dec *d)
{
	d->bad = true;
	return -1;
}

/* Go's name for the kind of the value at the cursor. */
static const char *
kind(const struct dec *d)
{
	switch (peek(d)) {
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

/* Skips one value, checking its syntax; depth: its nesting level. */
static void
skip_value(struct dec *d, size_t depth)
{
	size_t	end;

	if (api_jscan_skip(d->s, d->n, d->i, depth, &end) == -1)
		bad(d);
	else
		d->i = end;
}

/* A null literal at the cursor. */
static bool
is_null(struct dec *d)
{
	if (d->n - d->i < 4 || memcmp(d->s + d->i, "null", 4) != 0)
		return false;
	d->i += 4;
	return true;
}

static bool
is_hexc(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
hex4(const char *p)
{
	int	v = 0, i;
	char	c;

	for (i = 0; i < 4; i++) {
		c = p[i];
		v = v * 16 + (c >= '0' && c <= '9' ? c - '0' :
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
				*w += (size_t)utf8_encode((uint32_t)r,
				    out + *w);
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

/* Go's unquote of a (well-formed) string body p..end into the arena. */
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
		k = utf8_decode((const unsigned char *)p, (size_t)(end - p),
		    &r);
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
	/* Only an escape makes a U+0000; labels cannot hold it. */
	if (memchr(out, '\0', w) != NULL)
		d->nul = true;
	return out;
}

/* Bytes a string scan stops at: '"', '\\', controls, non-ASCII. */
static bool
str_stop(unsigned char c)
{
	return (unsigned char)(c - 0x20) >= 0x60 || c == '"' || c == '\\';
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* Skips plain string bytes eight at a time (SWAR: a word holding any
 * stop byte sets a high bit in the mask). */
static const char *
skip_plain(const char *p, const char *end)
{
	uint64_t	x, q, b;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		q = x ^ (ONES * '"');
		b = x ^ (ONES * '\\');
		if ((((q - ONES) & ~q) | ((b - ONES) & ~b) |
		    ((x - ONES * 0x20) & ~x) | x) & HIGHS)
			break;
		p += 8;
	}
	while (p < end && !str_stop((unsigned char)*p))
		p++;
	return p;
}

/* Finds the closing quote of the string at the cursor, checking it. */
static const char *
string_end(struct dec *d, bool *slow)
{
	const char	*p = d->s + d->i + 1, *end = d->s + d->n;

	*slow = false;
	for (;; p++) {
		p = skip_plain(p, end);
		if (p >= end || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			return p;
		*slow = true;
		if (*p != '\\')
			continue;
		if (end - p < 2)
			return NULL;
		if (p[1] == 'u') {
			if (end - p < 6 || !is_hexc(p[2]) || !is_hexc(p[3]) ||
			    !is_hexc(p[4]) || !is_hexc(p[5]))
				return NULL;
			p += 5;
		} else if (strchr("bfnrt\\/\"", p[1]) == NULL || p[1] == '\0')
			return NULL;
		else
			p++;
	}
}

/* The string at the cursor (a '"'); borrowed from the body if possible. */
static const char *
dec_string(struct dec *d, size_t *len)
{
	const char	*p = d->s + d->i + 1, *q;
	bool		 slow;

	q = string_end(d, &slow);
	if (q == NULL) {
		bad(d);
		*len = 0;
		return "";
	}
	d->i = (size_t)(q - d->s) + 1;
	if (slow && utf8_valid(p, (size_t)(q - p)) &&
	    memchr(p, '\\', (size_t)(q - p)) == NULL)
		slow = false;
	if (!slow) {
		*len = (size_t)(q - p);
		return p;
	}
	return unquote_slow(d, p, q, len);
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
save_type_err(struct dec *d, int g, const char *what, const char *strct,
    const char *field, const char *type)
{
	if (d->has_saved[g])
		return;
	d->has_saved[g] = true;
	buf_addf(&d->saved[g], "json: cannot unmarshal %s into Go struct "
	    "field %s.%s of type %s", what, strct, field, type);
}

/*
 * Iterates an object: *first is true on the first call (cursor at '{').
 * Returns 1 with the cursor at a member's value, 0 after the '}', -1 if
 * malformed.
 */
static int
obj_next(struct dec *d, bool *first, const char **key, size_t *klen)
{
	ws(d);
	if (*first) {
		*first = false;
		d->i++;
		ws(d);
		if (peek(d) == '}') {
			d->i++;
			return 0;
		}
	} else if (peek(d) == '}') {
		d->i++;
		return 0;
	} else if (peek(d) != ',')
		return bad(d);
	else {
		d->i++;
		ws(d);
	}
	if (peek(d) != '"')
		return bad(d);
	*key = dec_string(d, klen);
	ws(d);
	if (d->bad || peek(d) != ':')
		return bad(d);
	d->i++;
	ws(d);
	return peek(d) == -1 ? bad(d) : 1;
}

/* A models.LabelSet (a Go map: null resets it, objects merge into it). */
static void
dec_labelset(struct dec *d, int g, struct labels_builder *b, bool *present,
    const char *strct, const char *field)
{
	const char	*k, *v;
	size_t		 klen, vlen;
	bool		 first = true;

	if (is_null(d)) {
		b->n = 0;
		*present = false;
		return;
	}
	if (peek(d) != '{') {
		save_type_err(d, g, kind(d), strct, field, "models.LabelSet");
		skip_value(d, 2);
		return;
	}
	*present = true;
	while (obj_next(d, &first, &k, &klen) == 1) {
		if (peek(d) == '"') {
			v = dec_string(d, &vlen);
			labels_builder_add(b, k, klen, v, vlen);
		} else if (is_null(d))
			labels_builder_add(b, k, klen, "", 0);
		else {
			save_type_err(d, g, kind(d), strct, field, "string");
			skip_value(d, 3);
		}
		if (d->bad)
			return;
	}
}

/* strfmt.DateTime.UnmarshalJSON (null: no change); errors stop group 0. */
static void
dec_datetime(struct dec *d, const char *field, ad_time_t *t, int32_t *off)
{
	const char	*s;
	size_t		 len;

	if (is_null(d))
		return;
	if (peek(d) != '"') {
		buf_addf(&d->stop[G_AO0], "json: cannot unmarshal %s into Go "
		    "struct field .%s of type string", kind(d), field);
		d->stopped[G_AO0] = true;
		skip_value(d, 2);
		return;
	}
	s = dec_string(d, &len);
	if (!d->bad &&
	    api_go_parse_datetime(s, len, t, off, &d->stop[G_AO0]) == -1)
		d->stopped[G_AO0] = true;
}

/* strfmt.URI.UnmarshalJSON (null sets ""); errors stop group 1. */
static void
dec_uri(struct dec *d, const char **url, size_t *ulen)
{
	if (peek(d) == '"') {
		*url = dec_string(d, ulen);
		return;
	}
	if (is_null(d)) {
		*url = "";
		*ulen = 0;
		return;
	}
	buf_addf(&d->stop[G_ALERT], "json: cannot unmarshal %s into Go struct "
	    "field Alert.generatorURL of type string", kind(d));
	d->stopped[G_ALERT] = true;
	skip_value(d, 2);
}

/* One member of an element's object; a stopped group skips its fields. */
static void
dec_member(struct dec *d, const char *k, size_t klen,
    struct api_postable_alert *pa, const char **url, size_t *ulen)
{
	bool	s0 = d->stopped[G_AO0], s1 = d->stopped[G_ALERT];

	if (!s0 && fold_eq("annotations", k, klen))
		dec_labelset(d, G_AO0, &d->ann, &d->ann_present, "",
		    "annotations");
	else if (!s0 && fold_eq("endsAt", k, klen))
		dec_datetime(d, "endsAt", &pa->ends_at, &pa->ends_off);
	else if (!s0 && fold_eq("startsAt", k, klen))
		dec_datetime(d, "startsAt", &pa->starts_at, &pa->starts_off);
	else if (!s1 && fold_eq("labels", k, klen))
		dec_labelset(d, G_ALERT, &d->lab, &d->lab_present, "Alert",
		    "labels");
	else if (!s1 && fold_eq("generatorURL", k, klen))
		dec_uri(d, url, ulen);
	else
		skip_value(d, 2);
}

/* The element's error as Go reports it: group 0's errors win. */
static int
element_error(struct dec *d, struct buf *msg)
{
	int	g;

	for (g = G_AO0; g <= G_ALERT; g++) {
		if (d->stopped[g]) {
			buf_add(msg, buf_str(&d->stop[g]),
			    buf_len(&d->stop[g]));
			return -1;
		}
		if (d->has_saved[g]) {
			buf_add(msg, buf_str(&d->saved[g]),
			    buf_len(&d->saved[g]));
			return -1;
		}
	}
	return 0;
}

static void
dec_reset(struct dec *d)
{
	int	g;

	for (g = G_AO0; g <= G_ALERT; g++) {
		buf_reset(&d->saved[g]);
		buf_reset(&d->stop[g]);
		d->has_saved[g] = d->stopped[g] = false;
	}
	d->lab.n = d->ann.n = 0;
	d->lab_present = d->ann_present = false;
	d->nul = false;
}

/*
 * One array element (not null) into pa; -1 with Go's error in msg (or
 * d->bad).  Go decodes the element twice, once per group; one pass with
 * the errors kept per group gives the same answer.
 */
static int
dec_element(struct dec *d, struct api_postable_alert *pa, struct buf *msg)
{
	const char	*k, *url = "";
	size_t		 klen, ulen = 0;
	bool		 first = true;
	char		*u;

	dec_reset(d);
	if (peek(d) != '{') {
		buf_addf(msg, "json: cannot unmarshal %s into Go value of "
		    "type %s", kind(d), AO0_TYPE);
		return -1;
	}
	while (obj_next(d, &first, &k, &klen) == 1) {
		dec_member(d, k, klen, pa, &url, &ulen);
		if (d->bad)
			return -1;
	}
	if (d->bad || element_error(d, msg) == -1)
		return -1;
	if (d->ann_present)
		pa->annotations = labels_builder_finish(&d->ann);
	if (d->lab_present)
		pa->labels = labels_builder_finish(&d->lab);
	u = arena_alloc(d, ulen + 1);
	memcpy(u, url, ulen);
	u[ulen] = '\0';
	pa->generator_url = u;
	pa->generator_url_len = ulen;
	pa->nul_byte = d->nul;
	return 0;
}

static void
pa_init(struct api_postable_alert *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->starts_at = pa->ends_at = AD_TIME_ZERO;
	pa->generator_url = "";
}

static void
pa_release(struct api_postable_alert *pa)
{
	labels_unref(pa->labels);
	labels_unref(pa->annotations);
}

void
api_postable_alerts_release(struct api_postable_alerts *pa)
{
	size_t	i;

	for (i = 0; i < pa->n; i++)
		pa_release(&pa->v[i]);
	free(pa->v);
	arena_free(pa->arena);
	pa->v = NULL;
	pa->arena = NULL;
	pa->n = 0;
}

/* The array (cursor at '['); -1 with msg, d->bad or *too_many. */
static int
dec_array(struct dec *d, size_t max, struct api_postable_alerts *out,
    struct buf *msg, bool *too_many)
{
	size_t	alloc = 0;

	d->i++;
	for (ws(d); peek(d) != ']'; ws(d)) {
		if (out->n > 0 && peek(d) != ',')
			return bad(d);
		if (out->n > 0) {
			d->i++;
			ws(d);
		}
		if (max > 0 && out->n >= max) {
			*too_many = true;
			return -1;
		}
		if (out->n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			out->v = xreallocarray(out->v, alloc, sizeof(*out->v));
		}
		pa_init(&out->v[out->n]);
		if (is_null(d)) {
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
	return 0;
}

/* go-swagger's Validate: the first element that fails, first error. */
static int
validate(const struct api_postable_alerts *pa, struct api_json_err *err)
{
	const struct api_postable_alert *a;
	const char	*ok_url = NULL;	/* the last URL found valid */
	struct buf	 msg;
	size_t		 i, ok_len = 0;

	buf_init(&msg, BUF_NOCAP);
	for (i = 0; i < pa->n; i++) {
		a = &pa->v[i];
		/* A batch usually repeats one rule's URL: check it once. */
		if (a->generator_url_len == 0 || (a->generator_url_len ==
		    ok_len && memcmp(a->generator_url, ok_url, ok_len) == 0))
			;
		else if (api_go_request_uri_valid(a->generator_url,
		    a->generator_url_len)) {
			ok_url = a->generator_url;
			ok_len = a->generator_url_len;
		} else {
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

/*
 * The optimistic pass: decode and check syntax at once.  Returns 0, or -1
 * with msg, d->bad (malformed somewhere) or *too_many.
 */
static int
dec_body(struct dec *d, size_t max, struct api_postable_alerts *out,
    struct buf *msg, bool *too_many)
{
	ws(d);
	if (is_null(d))
		return 0;
	if (peek(d) == '[')
		return dec_array(d, max, out, msg, too_many);
	if (peek(d) == -1)
		return bad(d);
	buf_addf(msg, "json: cannot unmarshal %s into Go value of type "
	    "models.PostableAlerts", kind(d));
	return -1;
}

/*
 * Words a failed decode: a syntax error anywhere in the first value wins
 * (json.Decoder reads it whole first), then our error.
 */
static void
decode_error(const char *body, size_t len, struct dec *d, bool too_many,
    size_t max, struct buf *msg, struct api_json_err *err)
{
	struct buf	syn, full;
	size_t		start, end;
	int		rc;

	buf_init(&syn, BUF_NOCAP);
	buf_init(&full, BUF_NOCAP);
	rc = api_jscan_first(body, len, &start, &end, &syn);
	if (rc == 0) {
		buf_addstr(&full, "alerts in body is required");
		set_err(err, 422, 602, &full);
	} else if (rc == 1 && too_many) {
		buf_addf(&full, "too many alerts in one request (limit %zu, "
		    "--api.max-alerts-per-request)", max);
		set_err(err, 413, 413, &full);
	} else if (rc == 1 && d->bad) {
		/* The scanner and the decoder disagree: a bug of ours. */
		buf_addstr(&full, "internal error: undecodable alerts body");
		set_err(err, 500, 500, &full);
	} else {
		buf_addstr(&full, "parsing alerts body from \"\" failed, "
		    "because ");
		if (rc == -1)
			buf_add(&full, buf_str(&syn), buf_len(&syn));
		else
			buf_add(&full, buf_str(msg), buf_len(msg));
		set_err(err, 400, 400, &full);
	}
	buf_release(&syn);
	buf_release(&full);
}

int
api_json_decode_alerts(const char *body, size_t len, size_t max_alerts,
    struct api_postable_alerts *out, struct api_json_err *err)
{
	struct dec	 d;
	struct buf	 msg;
	bool		 too_many = false;
	int		 rc;

	out->v = NULL;
	out->arena = NULL;
	out->n = 0;
	err->msg = NULL;
	buf_init(&msg, BUF_NOCAP);
	dec_init(&d, body, len);
	rc = dec_body(&d, max_alerts, out, &msg, &too_many);
	out->arena = d.arena;
	d.arena = NULL;
	if (rc == -1)
		decode_error(body, len, &d, too_many, max_alerts, &msg, err);
	else
		rc = validate(out, err);
	if (rc == -1)
		api_postable_alerts_release(out);
	dec_release(&d);
	buf_release(&msg);
	return rc;
}

/* ----------------------------------------------------------- encoders -- */

/* Bytes a JSON string cannot hold as they are: 1 always, 2 with html. */
static const uint8_t json_esc[256] = {
	[0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, ['<'] = 2, ['>'] = 2, ['&'] = 2,
	[0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x90] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xa0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xb0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xc0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xd0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xe0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xf0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Non-zero in a byte's high bit where x holds the byte c (SWAR). */
static uint64_t
has_byte(uint64_t x, unsigned char c)
{
	uint64_t	y = x ^ (ONES * c);

	return (y - ONES) & ~y & HIGHS;
}

/*
 * Skips the bytes a JSON string holds as they are, eight at a time while
 * no byte of the word is a control, '"', '\\', non-ASCII or (html) one
 * of < > &.
 */
static const char *
skip_safe(const char *p, const char *end, unsigned mask)
{
	uint64_t	x, m;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		m = x | ((x - ONES * 0x20) & ~x) | has_byte(x, '"') |
		    has_byte(x, '\\');
		if (mask & 2)
			m |= has_byte(x, '<') | has_byte(x, '>') |
			    has_byte(x, '&');
		if (m & HIGHS)
			break;
		p += 8;
	}
	while (p < end && (json_esc[(unsigned char)*p] & mask) == 0)
		p++;
	return p;
}

/* The escape of an ASCII byte that needs one. */
static void
json_esc_ascii(struct buf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char	esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': buf_add(out, "\\\"", 2); break;
	case '\\': buf_add(out, "\\\\", 2); break;
	case '\n': buf_add(out, "\\n", 2); break;
	case '\r': buf_add(out, "\\r", 2); break;
	case '\t': buf_add(out, "\\t", 2); break;
	default: buf_add(out, esc, sizeof(esc));
	}
}

/*
 * Go's encodeState.string: runs that need no escape are copied whole;
 * valid UTF-8 stays in the run, except U+2028 and U+2029.
 */
static void
json_str(struct buf *out, const char *s, size_t len, bool html)
{
	const char	*p = s, *end = s + len, *run = s;
	unsigned	 mask = html ? 3 : 1;
	uint32_t	 r;
	int		 k;

	buf_addch(out, '"');
	for (;;) {
		p = skip_safe(p, end, mask);
		if (p == end)
			break;
		if ((unsigned char)*p < 0x80) {
			buf_add(out, run, (size_t)(p - run));
			json_esc_ascii(out, (unsigned char)*p);
			run = ++p;
			continue;
		}
		k = utf8_decode((const unsigned char *)p, (size_t)(end - p),
		    &r);
		if (k >= 0 && r != 0x2028 && r != 0x2029) {
			p += k;
			continue;
		}
		buf_add(out, run, (size_t)(p - run));
		if (k < 0) {
			buf_add(out, "\\ufffd", 6);
			p++;
		} else {
			buf_add(out, r == 0x2028 ? "\\u2028" : "\\u2029", 6);
			p += k;
		}
		run = p;
	}
	buf_add(out, run, (size_t)(end - run));
	buf_addch(out, '"');
}

void
api_json_string(struct buf *out, const char *s, size_t len)
{
	json_str(out, s, len, true);
}

void
api_json_string_noesc(struct buf *out, const char *s, size_t len)
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
		api_json_string(out, ls->v[i].name, strlen(ls->v[i].name));
		buf_addch(out, ':');
		api_json_string(out, ls->v[i].value, strlen(ls->v[i].value));
	}
	buf_addch(out, '}');
}

void
api_json_time(struct buf *out, ad_time_t t, int32_t off)
{
	char	s[API_GO_TIME_MAX];

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
		api_json_string(out, s->v[i], strlen(s->v[i]));
	}
	buf_addch(out, ']');
}

/* %016x, without snprintf. */
static const char *
fp_hex(uint64_t fp, char out[FP_STR_MAX])
{
	static const char hex[] = "0123456789abcdef";
	int	i;

	for (i = 15; i >= 0; i--, fp >>= 4)
		out[i] = hex[fp & 15];
	out[16] = '\0';
	return out;
}

static void
sort_key(struct alert_json *j, int k, const char *v)
{
	uint64_t	x = 0;
	int		i;

	j->key[k] = v;
	for (i = 0; v != NULL && i < 8 && v[i] != '\0'; i++)
		x |= (uint64_t)(unsigned char)v[i] << (56 - 8 * i);
	j->key8[k] = x;
}

/* The alert's JSON around its receivers and status, as the memo keeps it. */
static struct alert_json *
build_json(const struct alert *a)
{
	struct alert_json	*j;
	struct buf		 b;
	size_t			 p1, p2, len;
	char			 fp[FP_STR_MAX];

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "{\"annotations\":");
	api_json_labels(&b, a->annotations);
	buf_addstr(&b, ",\"endsAt\":");
	api_json_time(&b, a->ends_at, a->ends_off);
	buf_addstr(&b, ",\"fingerprint\":\"");
	buf_add(&b, fp_hex(a->fp, fp), 16);
	buf_addstr(&b, "\",\"receivers\":[");
	p1 = buf_len(&b);
	buf_addstr(&b, "],\"startsAt\":");
	api_json_time(&b, a->starts_at, a->starts_off);
	buf_addstr(&b, ",\"status\":{");
	p2 = buf_len(&b) - p1;
	buf_addstr(&b, "},\"updatedAt\":");
	api_json_time(&b, a->updated_at, 0);
	if (a->generator_url[0] != '\0') {
		buf_addstr(&b, ",\"generatorURL\":");
		api_json_string(&b, a->generator_url,
		    strlen(a->generator_url));
	}
	buf_addstr(&b, ",\"labels\":");
	api_json_labels(&b, a->labels);
	buf_addch(&b, '}');
	len = buf_len(&b);
	j = xmalloc(sizeof(*j) + len + 1);
	sort_key(j, 0, labels_get(a->labels, "job"));
	sort_key(j, 1, labels_get(a->labels, "instance"));
	j->p1 = (uint32_t)p1;
	j->p2 = (uint32_t)p2;
	j->p3 = (uint32_t)(len - p1 - p2);
	memcpy(j->s, buf_str(&b), len + 1);
	buf_release(&b);
	return j;
}

const struct alert_json *
api_json_memo(const struct alert *a)
{
	struct alert_memo	*m = alert_memo_get(a);
	const struct alert_json	*j;

	j = atomic_load_explicit(&m->json, memory_order_acquire);
	if (j != NULL)
		return j;
	return alert_memo_set_json(m, build_json(a));
}

static void
json_status(struct buf *out, const struct alert_status *st)
{
	if (st->state == ALERT_STATE_ACTIVE && st->inhibited_by.n == 0 &&
	    st->muted_by.n == 0 && st->silenced_by.n == 0) {
		buf_addstr(out, "\"inhibitedBy\":[],\"mutedBy\":[],"
		    "\"silencedBy\":[],\"state\":\"active\"");
		return;
	}
	buf_addstr(out, "\"inhibitedBy\":");
	json_strs(out, &st->inhibited_by);
	buf_addstr(out, ",\"mutedBy\":");
	json_strs(out, &st->muted_by);
	buf_addstr(out, ",\"silencedBy\":");
	json_strs(out, &st->silenced_by);
	buf_addstr(out, ",\"state\":\"");
	buf_addstr(out, alert_state_str(st->state));
	buf_addch(out, '"');
}

void
api_json_receivers(struct buf *out, const char *const *receivers,
    size_t n_receivers)
{
	size_t	i;

	for (i = 0; i < n_receivers; i++) {
		buf_addstr(out, i > 0 ? ",{\"name\":" : "{\"name\":");
		api_json_string(out, receivers[i], strlen(receivers[i]));
		buf_addch(out, '}');
	}
}

void
api_json_alert_rcv(struct buf *out, const struct alert *a,
    const struct alert_status *st, const char *rcv_json, size_t rcv_len)
{
	const struct alert_json	*j = api_json_memo(a);

	buf_add(out, j->s, j->p1);
	buf_add(out, rcv_json, rcv_len);
	buf_add(out, j->s + j->p1, j->p2);
	json_status(out, st);
	buf_add(out, j->s + j->p1 + j->p2, j->p3);
}

void
api_json_alert(struct buf *out, const struct alert *a,
    const struct alert_status *st, const char *const *receivers,
    size_t n_receivers)
{
	const struct alert_json	*j = api_json_memo(a);

	buf_add(out, j->s, j->p1);
	api_json_receivers(out, receivers, n_receivers);
	buf_add(out, j->s + j->p1, j->p2);
	json_status(out, st);
	buf_add(out, j->s + j->p1 + j->p2, j->p3);
}

void
api_json_error(struct buf *out, int code, const char *msg)
{
	buf_addf(out, "{\"code\":%d,\"message\":", code);
	api_json_string(out, msg, strlen(msg));
	buf_addch(out, '}');
}

/*
 * mime: Go's header word encoding, quoted-printable writer and address
 * list parser, as Alertmanager's email notifier uses them (see mime.h).
 * Each is written from the behaviour of Go 1.19's mime,
 * mime/quotedprintable and net/mail packages, quirks included: the
 * parser first tries a bare addr-spec and only then a display name, a
 * quoted local part that fails to parse is reported as "empty quoted
 * string", and the QP writer forgets a CR only when a literal byte
 * follows it.
 */
#include "notifiers/mime.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

static const char upperhex[] = "0123456789ABCDEF";

/* ------------------------------------------------- RFC 2047 Q words --- */

/* mime.maxEncodedWordLen minus "=?UTF-8?q?" and "?=" */
#define QWORD_CONTENT_MAX	63

static bool
qword_needed(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char	b = (unsigned char)s[i];

		if ((b < ' ' || b > '~') && b != '\t')
			return true;
	}
	return false;
}

static void
qword_bytes(struct buf *out, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char	b = (unsigned char)s[i];

		if (b == ' ')
			buf_addch(out, '_');
		else if (b >= '!' && b <= '~' && b != '=' && b != '?' &&
		    b != '_')
			buf_addch(out, b);
		else {
			buf_addch(out, '=');
			buf_addch(out, upperhex[b >> 4]);
			buf_addch(out, upperhex[b & 0x0f]);
		}
	}
}

void
mime_qencode(struct buf *out, const char *s, size_t len)
{
	size_t		i, rl, el, cur = 0;
	uint32_t	r;
	int		n;

	if (!qword_needed(s, len)) {
		buf_add(out, s, len);
		return;
	}
	buf_addstr(out, "=?utf-8?q?");
	for (i = 0; i < len; i += rl) {
		unsigned char	b = (unsigned char)s[i];

		if (b >= ' ' && b <= '~' && b != '=' && b != '?' && b != '_') {
			rl = 1;
			el = 1;
		} else {
			/* a rune is never split across words */
			n = utf8_decode((const unsigned char *)s + i, len - i,
			    &r);
			rl = n < 0 ? 1 : (size_t)n;
			el = 3 * rl;
		}
		if (cur + el > QWORD_CONTENT_MAX) {
			buf_addstr(out, "?= =?utf-8?q?");
			cur = 0;
		}
		qword_bytes(out, s + i, rl);
		cur += el;
	}
	buf_addstr(out, "?=");
}

/* ------------------------------------------------- quoted-printable --- */

#define QP_LINE_MAX	76

struct qp {
	struct buf	*out;
	unsigned char	 line[QP_LINE_MAX + 2];
	int		 i;
	bool		 cr;	/* the last line break was a CR */
};

static void
qp_flush(struct qp *w)
{
	buf_add(w->out, w->line, (size_t)w->i);
	w->i = 0;
}

static void
qp_crlf(struct qp *w)
{
	w->line[w->i++] = '\r';
	w->line[w->i++] = '\n';
	qp_flush(w);
}

static void
qp_soft_break(struct qp *w)
{
	w->line[w->i++] = '=';
	qp_crlf(w);
}

static void
qp_encode(struct qp *w, unsigned char b)
{
	if (QP_LINE_MAX - 1 - w->i < 3)
		qp_soft_break(w);
	w->line[w->i++] = '=';
	w->line[w->i++] = (unsigned char)upperhex[b >> 4];
	w->line[w->i++] = (unsigned char)upperhex[b & 0x0f];
}

/* A blank at the end of a line is encoded. */
static void
qp_check_last(struct qp *w)
{
	unsigned char	b;

	if (w->i == 0)
		return;
	b = w->line[w->i - 1];
	if (b == ' ' || b == '\t') {
		w->i--;
		qp_encode(w, b);
	}
}

static void
qp_literal(struct qp *w, unsigned char b)
{
	if (b == '\n' || b == '\r') {
		/* CRLF is one line break; encode() does not reset cr */
		if (w->cr && b == '\n') {
			w->cr = false;
			return;
		}
		if (b == '\r')
			w->cr = true;
		qp_check_last(w);
		qp_crlf(w);
		return;
	}
	if (w->i == QP_LINE_MAX - 1)
		qp_soft_break(w);
	w->line[w->i++] = b;
	w->cr = false;
}

void
mime_qp(struct buf *out, const char *s, size_t len)
{
	struct qp	w;
	size_t		i;

	memset(&w, 0, sizeof(w));
	w.out = out;
	for (i = 0; i < len; i++) {
		unsigned char	b = (unsigned char)s[i];

		if ((b >= '!' && b <= '~' && b != '=') || b == ' ' ||
		    b == '\t' || b == '\n' || b == '\r')
			qp_literal(&w, b);
		else
			qp_encode(&w, b);
	}
	qp_check_last(&w);
	qp_flush(&w);
}

/* ---------------------------------------------------- address lists --- */

/* net/mail's addrParser over s[0..len). */
struct ap {
	const char	*s;
	size_t		 len;
	struct ad_err	*err;
};

#define AP_ERR(p, ...)	ad_err_set((p)->err, AD_EINVAL, __VA_ARGS__)

static bool
ap_empty(const struct ap *p)
{
	return p->len == 0;
}

static bool
ap_consume(struct ap *p, char c)
{
	if (p->len == 0 || p->s[0] != c)
		return false;
	p->s++;
	p->len--;
	return true;
}

static void
ap_skip_space(struct ap *p)
{
	while (p->len > 0 && (p->s[0] == ' ' || p->s[0] == '\t')) {
		p->s++;
		p->len--;
	}
}

/* The rune at s[0..len): its size (0 at the end), or -1 if invalid. */
static int
ap_rune(const char *s, size_t len, uint32_t *r)
{
	if (len == 0) {
		*r = 0;
		return 0;
	}
	return utf8_decode((const unsigned char *)s, len, r);
}

static bool
is_vchar(uint32_t r)
{
	return (r >= '!' && r <= '~') || r >= 0x80;
}

static bool
is_wsp(uint32_t r)
{
	return r == ' ' || r == '\t';
}

static bool
is_atext(uint32_t r, bool dot, bool permissive)
{
	switch (r) {
	case '.':
		return dot;
	case '(': case ')': case '[': case ']': case ';': case '@':
	case '\\': case ',':
		return permissive;
	case '<': case '>': case '"': case ':':
		return false;
	default:
		return is_vchar(r);
	}
}

/* Go's %q of the rest of the input, for error messages. */
static int
ap_err_rest(struct ap *p, const char *what)
{
	struct buf	q;

	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, p->s, p->len);
	AP_ERR(p, "mail: %s: %s", what, buf_str(&q));
	buf_release(&q);
	return -1;
}

/*
 * Go's %q of a rune the quoted-string grammar refuses: only control
 * characters and DEL get here (everything else is a VCHAR or blank).
 */
static int
ap_err_rune(struct ap *p, uint32_t r)
{
	static const char	esc[] = "\aa\bb\ff\nn\rr\vv";
	const char		*e = NULL;
	char			 q[16];
	size_t			 i;

	for (i = 0; esc[i] != '\0'; i += 2)
		if ((uint32_t)(unsigned char)esc[i] == r)
			e = esc + i + 1;
	if (e != NULL)
		snprintf(q, sizeof(q), "'\\%c'", *e);
	else
		snprintf(q, sizeof(q), "'\\x%02x'", (unsigned)r);
	return AP_ERR(p, "mail: bad character in quoted-string: %s", q);
}

/* consumeQuotedString: the unescaped content into out. */
static int
ap_quoted_string(struct ap *p, struct buf *out)
{
	size_t		i = 1;
	bool		escaped = false;
	uint32_t	r;
	int		n;

	for (;;) {
		n = ap_rune(p->s + i, p->len - i, &r);
		if (n == 0)
			return AP_ERR(p, "mail: unclosed quoted-string");
		if (n < 0)
			return ap_err_rest(p, "invalid utf-8 in quoted-string");
		if (escaped) {
			if (!is_vchar(r) && !is_wsp(r))
				return ap_err_rune(p, r);
			buf_add(out, p->s + i, (size_t)n);
			escaped = false;
		} else if ((is_vchar(r) && r != '\\' && r != '"') ||
		    is_wsp(r)) {
			buf_add(out, p->s + i, (size_t)n);
		} else if (r == '"') {
			break;
		} else if (r == '\\') {
			escaped = true;
		} else
			return ap_err_rune(p, r);
		i += (size_t)n;
	}
	p->s += i + 1;
	p->len -= i + 1;
	return 0;
}

/* consumeAtom: the atom's bytes into out. */
static int
ap_atom(struct ap *p, bool dot, bool permissive, struct buf *out)
{
	size_t		i = 0;
	uint32_t	r;
	int		n;
	const char	*a;

	for (;;) {
		n = ap_rune(p->s + i, p->len - i, &r);
		if (n < 0)
			return ap_err_rest(p, "invalid utf-8 in address");
		if (n == 0 || !is_atext(r, dot, permissive))
			break;
		i += (size_t)n;
	}
	if (i == 0)
		return AP_ERR(p, "mail: invalid string");
	a = p->s;
	p->s += i;
	p->len -= i;
	if (!permissive) {
		if (a[0] == '.')
			return AP_ERR(p, "mail: leading dot in atom");
		if (memmem(a, i, "..", 2) != NULL)
			return AP_ERR(p, "mail: double dot in atom");
		if (a[i - 1] == '.')
			return AP_ERR(p, "mail: trailing dot in atom");
	}
	buf_add(out, a, i);
	return 0;
}

/* consumeComment after '(': false when the parentheses do not close. */
static bool
ap_comment(struct ap *p, struct buf *out)
{
	int	depth = 1;

	while (p->len > 0 && depth > 0) {
		if (p->s[0] == '\\' && p->len > 1) {
			p->s++;
			p->len--;
		} else if (p->s[0] == '(')
			depth++;
		else if (p->s[0] == ')')
			depth--;
		if (depth > 0 && out != NULL)
			buf_addch(out, p->s[0]);
		p->s++;
		p->len--;
	}
	return depth == 0;
}

static bool
ap_skip_cfws(struct ap *p)
{
	ap_skip_space(p);
	while (ap_consume(p, '(')) {
		if (!ap_comment(p, NULL))
			return false;
		ap_skip_space(p);
	}
	return true;
}

/* ------------------------------------------- RFC 2047 word decoding --- */

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* base64.StdEncoding.DecodeString (CR and LF ignored); -1 if corrupt. */
static int
b64_decode(const char *s, size_t len, struct buf *out)
{
	int	q[4], j = 0, pad = 0, v;
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (pad > 0 && s[i] != '=')
			return -1;
		if (s[i] == '=') {
			if (j < 2)
				return -1;
			pad++;
			q[j++] = 0;
		} else {
			v = b64_value((unsigned char)s[i]);
			if (v < 0)
				return -1;
			q[j++] = v;
		}
		if (j < 4)
			continue;
		buf_addch(out, (q[0] << 2) | (q[1] >> 4));
		if (pad < 2)
			buf_addch(out, ((q[1] & 0xf) << 4) | (q[2] >> 2));
		if (pad < 1)
			buf_addch(out, ((q[2] & 0x3) << 6) | q[3]);
		j = 0;
		if (pad > 0)
			pad = 3;	/* nothing may follow the padding */
	}
	return j == 0 ? 0 : -1;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* mime's qDecode; -1 if invalid. */
static int
q_decode(const char *s, size_t len, struct buf *out)
{
	size_t		i;
	unsigned char	c;
	int		hi, lo;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '_')
			buf_addch(out, ' ');
		else if (c == '=') {
			if (i + 2 >= len)
				return -1;
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			buf_addch(out, hi << 4 | lo);
			i += 2;
		} else if ((c >= ' ' && c <= '~') || c == '\n' || c == '\r' ||
		    c == '\t')
			buf_addch(out, c);
		else
			return -1;
	}
	return 0;
}

/* content in charset as UTF-8; -1 for a charset Go does not know. */
static int
charset_convert(const char *charset, size_t clen, const struct buf *in,
    struct buf *out)
{
	const unsigned char	*c = (const unsigned char *)buf_str(in);
	size_t			 i, n = buf_len(in);
	char			 r[4];

	if (clen == 5 && strncasecmp(charset, "utf-8", 5) == 0) {
		buf_add(out, c, n);
		return 0;
	}
	if (clen == 10 && strncasecmp(charset, "iso-8859-1", 10) == 0) {
		for (i = 0; i < n; i++)
			buf_add(out, r, (size_t)utf8_encode(c[i], r));
		return 0;
	}
	if (clen == 8 && strncasecmp(charset, "us-ascii", 8) == 0) {
		for (i = 0; i < n; i++)
			if (c[i] >= 0x80)
				buf_addstr(out, "\xef\xbf\xbd");
			else
				buf_addch(out, c[i]);
		return 0;
	}
	return -1;
}

static int
ap_err_charset(struct ap *p, const char *cs, size_t len)
{
	struct buf	q;
	char		*lower = xstrndup(cs, len);
	size_t		 i;

	for (i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, lower, len);
	AP_ERR(p, "charset not supported: %s", buf_str(&q));
	buf_release(&q);
	free(lower);
	return -1;
}

/*
 * decodeRFC2047Word: an encoded-word is replaced by its text (*encoded
 * set); anything that is not one stays as it is; an encoded-word in a
 * charset other than UTF-8, ISO-8859-1 and US-ASCII is an error.
 */
static int
ap_decode_word(struct ap *p, struct buf *word, bool *encoded)
{
	const char	*w = buf_str(word), *cs, *q1, *q2;
	size_t		 len = buf_len(word), i, nq = 0, tlen;
	struct buf	 raw, text;
	int		 rc, bad;

	*encoded = false;
	for (i = 0; i < len; i++)
		nq += w[i] == '?';
	if (len < 8 || strncmp(w, "=?", 2) != 0 || w[len - 2] != '?' ||
	    w[len - 1] != '=' || nq != 4)
		return 0;
	cs = w + 2;
	q1 = memchr(cs, '?', len - 2);
	q2 = memchr(q1 + 1, '?', (size_t)(w + len - (q1 + 1)));
	if (q1 == cs || q2 - q1 != 2)
		return 0;
	buf_init(&raw, BUF_NOCAP);
	buf_init(&text, BUF_NOCAP);
	tlen = (size_t)(w + len - 2 - (q2 + 1));
	if (q1[1] == 'b' || q1[1] == 'B')
		bad = b64_decode(q2 + 1, tlen, &raw);
	else if (q1[1] == 'q' || q1[1] == 'Q')
		bad = q_decode(q2 + 1, tlen, &raw);
	else
		bad = -1;
	rc = 0;
	if (bad == 0) {
		*encoded = true;
		if (charset_convert(cs, (size_t)(q1 - cs), &raw, &text) == 0) {
			buf_reset(word);
			buf_add(word, buf_str(&text), buf_len(&text));
		} else
			rc = ap_err_charset(p, cs, (size_t)(q1 - cs));
	}
	buf_release(&raw);
	buf_release(&text);
	return rc;
}

/* consumeDisplayNameComment after an addr-spec: "a@b (Name)". */
static int
ap_name_comment(struct ap *p)
{
	struct buf	comment, word;
	const char	*c, *end;
	bool		encoded;
	size_t		n;
	int		rc = 0;

	ap_consume(p, '(');
	buf_init(&comment, BUF_NOCAP);
	buf_init(&word, BUF_NOCAP);
	if (!ap_comment(p, &comment)) {
		rc = AP_ERR(p, "mail: misformatted parenthetical comment");
		goto out;
	}
	c = buf_str(&comment);
	end = c + buf_len(&comment);
	while (c < end && rc == 0) {
		n = strcspn(c, " \t");
		if (c + n > end)
			n = (size_t)(end - c);
		if (n > 0) {
			buf_reset(&word);
			buf_add(&word, c, n);
			rc = ap_decode_word(p, &word, &encoded);
		}
		c += n + 1;
	}
out:
	buf_release(&comment);
	buf_release(&word);
	return rc;
}

/* consumeAddrSpec: "local@domain" into out; p unchanged on error. */
static int
ap_addr_spec(struct ap *p, struct buf *out)
{
	struct ap	orig = *p;
	struct buf	local, domain;
	int		rc = -1;

	buf_init(&local, BUF_NOCAP);
	buf_init(&domain, BUF_NOCAP);
	ap_skip_space(p);
	if (ap_empty(p)) {
		AP_ERR(p, "mail: no addr-spec");
		goto out;
	}
	if (p->s[0] == '"') {
		/* any failure reads as an empty local part, as in Go */
		if (ap_quoted_string(p, &local) == -1 ||
		    buf_len(&local) == 0) {
			AP_ERR(p, "mail: empty quoted string in addr-spec");
			goto out;
		}
	} else if (ap_atom(p, true, false, &local) == -1)
		goto out;
	if (!ap_consume(p, '@')) {
		AP_ERR(p, "mail: missing @ in addr-spec");
		goto out;
	}
	ap_skip_space(p);
	if (ap_empty(p)) {
		AP_ERR(p, "mail: no domain in addr-spec");
		goto out;
	}
	if (ap_atom(p, true, false, &domain) == -1)
		goto out;
	buf_add(out, buf_str(&local), buf_len(&local));
	buf_addch(out, '@');
	buf_add(out, buf_str(&domain), buf_len(&domain));
	rc = 0;
out:
	if (rc == -1)
		*p = orig;
	buf_release(&local);
	buf_release(&domain);
	return rc;
}

/* consumePhrase: the display name (words joined by spaces) into out. */
static int
ap_phrase(struct ap *p, struct buf *out)
{
	struct buf	word;
	bool		encoded, prev_encoded = false;
	size_t		words = 0;
	int		rc = 0;

	buf_init(&word, BUF_NOCAP);
	for (;;) {
		ap_skip_space(p);
		if (ap_empty(p))
			break;
		buf_reset(&word);
		encoded = false;
		if (p->s[0] == '"')
			rc = ap_quoted_string(p, &word);
		else {
			rc = ap_atom(p, true, true, &word);
			if (rc == 0)
				rc = ap_decode_word(p, &word, &encoded);
		}
		if (rc == -1)
			break;
		if (words > 0 && !(prev_encoded && encoded))
			buf_addch(out, ' ');
		if (!(prev_encoded && encoded))
			words++;
		buf_add(out, buf_str(&word), buf_len(&word));
		prev_encoded = encoded;
	}
	buf_release(&word);
	if (rc == -1 && words == 0) {
		ad_err_prefix(p->err, "mail: missing word in phrase");
		return -1;
	}
	return 0;
}

static void
addrs_push(struct mime_addrs *a, const struct buf *spec)
{
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n++] = xstrdup(buf_str(spec));
}

static bool
all_atext(const struct buf *b)
{
	const char	*s = buf_str(b);
	size_t		 i = 0, len = buf_len(b);
	uint32_t	 r;
	int		 n;

	while (i < len) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &r);
		if (n < 0)
			n = 1;		/* U+FFFD: a vchar */
		else if (!is_atext(r, true, false))
			return false;
		i += (size_t)n;
	}
	return true;
}

static int ap_address(struct ap *p, bool group, struct mime_addrs *out);

/* consumeGroupList, after "display-name:". */
static int
ap_group(struct ap *p, struct mime_addrs *out)
{
	ap_skip_space(p);
	if (ap_consume(p, ';')) {
		ap_skip_cfws(p);
		return 0;
	}
	for (;;) {
		ap_skip_space(p);
		if (ap_address(p, false, out) == -1)
			return -1;
		if (!ap_skip_cfws(p))
			return AP_ERR(p, "mail: misformatted parenthetical "
			    "comment");
		if (ap_consume(p, ';')) {
			ap_skip_cfws(p);
			return 0;
		}
		if (!ap_consume(p, ','))
			return AP_ERR(p, "mail: expected comma");
	}
}

/* name-addr after the display name: "<" addr-spec ">". */
static int
ap_angle_addr(struct ap *p, const struct buf *name, struct mime_addrs *out)
{
	struct buf	spec;

	if (!ap_consume(p, '<')) {
		/* "foo.bar" may have meant "foo.bar@domain" */
		if (all_atext(name))
			return AP_ERR(p, "mail: missing '@' or angle-addr");
		return AP_ERR(p, "mail: no angle-addr");
	}
	buf_init(&spec, BUF_NOCAP);
	if (ap_addr_spec(p, &spec) == -1) {
		buf_release(&spec);
		return -1;
	}
	if (!ap_consume(p, '>')) {
		buf_release(&spec);
		return AP_ERR(p, "mail: unclosed angle-addr");
	}
	addrs_push(out, &spec);
	buf_release(&spec);
	return 0;
}

/* parseAddress: a mailbox, or a group's members when group is true. */
static int
ap_address(struct ap *p, bool group, struct mime_addrs *out)
{
	struct buf	b;
	int		rc = -1;

	ap_skip_space(p);
	if (ap_empty(p))
		return AP_ERR(p, "mail: no address");
	buf_init(&b, BUF_NOCAP);
	if (ap_addr_spec(p, &b) == 0) {
		addrs_push(out, &b);
		ap_skip_space(p);
		rc = 0;
		if (!ap_empty(p) && p->s[0] == '(')
			rc = ap_name_comment(p);
		goto out;
	}
	buf_reset(&b);
	if (p->s[0] != '<' && ap_phrase(p, &b) == -1)
		goto out;
	ap_skip_space(p);
	if (group && ap_consume(p, ':'))
		rc = ap_group(p, out);
	else
		rc = ap_angle_addr(p, &b, out);
out:
	buf_release(&b);
	return rc;
}

int
mime_parse_address_list(const char *list, struct mime_addrs *out,
    struct ad_err *err)
{
	struct ap	p = { list, strlen(list), err };

	memset(out, 0, sizeof(*out));
	for (;;) {
		ap_skip_space(&p);
		/* empty entries are skipped (RFC 5322 obs-addr-list) */
		if (ap_consume(&p, ','))
			continue;
		if (ap_address(&p, true, out) == -1)
			return -1;
		if (!ap_skip_cfws(&p))
			return AP_ERR(&p, "mail: misformatted parenthetical "
			    "comment");
		if (ap_empty(&p))
			return 0;
		if (p.s[0] != ',')
			return AP_ERR(&p, "mail: expected comma");
		while (ap_consume(&p, ','))
			ap_skip_space(&p);
		if (ap_empty(&p))
			return 0;
	}
}

void
mime_addrs_release(struct mime_addrs *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* ------------------------------------------------------------ misc --- */

void
mime_date(struct buf *out, ad_time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t		 secs = (time_t)(t / AD_SEC);
	struct tm	 tm;
	long		 off;

	if (t < 0 && t % AD_SEC != 0)
		secs--;
	localtime_r(&secs, &tm);
	off = tm.tm_gmtoff / 60;
	buf_addf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

void
mime_random(void *p, size_t len)
{
	unsigned char	*b = p;
	ssize_t		 n;
	size_t		 got = 0;
	uint64_t	 x;

	while (got < len) {
		n = getrandom(b + got, len - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* no entropy (never on Linux >= 3.17): uniqueness is what counts */
	x = (uint64_t)ad_now() ^ ((uint64_t)ad_mono() << 17);
	for (; got < len; got++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[got] = (unsigned char)x;
	}
}

void
mime_boundary(char out[MIME_BOUNDARY_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		r[MIME_BOUNDARY_LEN / 2];
	size_t			i;

	mime_random(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 0x0f];
	}
	out[MIME_BOUNDARY_LEN] = '\0';
}

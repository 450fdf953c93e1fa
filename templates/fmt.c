/*
 * Go's fmt package over template values (fmt/print.go, fmt/format.go,
 * Go 1.19): Sprint's spacing rule (a space between operands when neither
 * is a string), Sprintln, and Sprintf with flags, width, precision,
 * argument indexes and Go's error forms (%!d(string=x), %!(EXTRA ...),
 * %!v(MISSING)).  %v prints maps in sorted key order, structs as
 * {a b}, slices as [a b], and uses String() methods (time.Time,
 * time.Duration, ...) as fmt does.  Floats follow strconv.FormatFloat
 * (shortest representation for %v).
 */
#include "templates/tmpl_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"

struct pp {
	struct buf	*b;
	bool		 wid_present, prec_present, minus, plus, sharp, space;
	bool		 zero, plusv, sharpv;
	int		 wid, prec;
	bool		 erroring;
	int		 rc;
};

static void	print_arg(struct pp *p, const struct tval *v, int verb);
static void	print_value(struct pp *p, const struct tval *v, int verb,
		    int depth);

static void
clear_flags(struct pp *p)
{
	p->wid_present = p->prec_present = p->minus = p->plus = false;
	p->sharp = p->space = p->zero = p->plusv = p->sharpv = false;
	p->wid = p->prec = 0;
}

static void
put(struct pp *p, const char *s, size_t n)
{
	p->rc |= buf_add(p->b, s, n);
}

static void
puts_(struct pp *p, const char *s)
{
	put(p, s, strlen(s));
}

static void
putc_(struct pp *p, int c)
{
	p->rc |= buf_addch(p->b, c);
}

static void
put_rune(struct pp *p, uint32_t r)
{
	char	enc[4];

	put(p, enc, (size_t)utf8_encode(r, enc));
}

static void
write_padding(struct pp *p, int n)
{
	char	chunk[64];
	int	k;

	memset(chunk, p->zero ? '0' : ' ', sizeof(chunk));
	while (n > 0 && p->rc == 0) {
		k = n < (int)sizeof(chunk) ? n : (int)sizeof(chunk);
		put(p, chunk, (size_t)k);
		n -= k;
	}
}

static void
pad(struct pp *p, const char *s, size_t n)
{
	int	width;

	if (!p->wid_present || p->wid == 0) {
		put(p, s, n);
		return;
	}
	width = p->wid - (int)utf8_runecount(s, n);
	if (!p->minus) {
		write_padding(p, width);
		put(p, s, n);
	} else {
		put(p, s, n);
		write_padding(p, width);
	}
}

static void
pad_str(struct pp *p, const char *s)
{
	pad(p, s, strlen(s));
}

/* ---------------------------------------------------------- integers --- */

static const char ldigits[] = "0123456789abcdefx";
static const char udigits[] = "0123456789ABCDEFX";

static void
fmt_integer(struct pp *p, uint64_t u, int base, bool is_signed, int verb,
    const char *digits)
{
	bool	neg = is_signed && (int64_t)u < 0;
	char	small[80], *buf = small;
	size_t	size = sizeof(small);
	int	i, prec = 0;
	bool	oldzero;

	if (neg)
		u = 0 - u;
	if (p->wid_present || p->prec_present) {
		size_t	width = 3 + (size_t)p->wid + (size_t)p->prec;

		if (width > size) {
			buf = malloc(width);
			if (buf == NULL) {
				p->rc = -1;
				return;
			}
			size = width;
		}
	}
	if (p->prec_present) {
		prec = p->prec;
		if (prec == 0 && u == 0) {
			oldzero = p->zero;
			p->zero = false;
			write_padding(p, p->wid);
			p->zero = oldzero;
			goto out;
		}
	} else if (p->zero && p->wid_present) {
		prec = p->wid;
		if (neg || p->plus || p->space)
			prec--;
	}
	i = (int)size;
	while (u >= (uint64_t)base) {
		buf[--i] = digits[u % (uint64_t)base];
		u /= (uint64_t)base;
	}
	buf[--i] = digits[u];
	while (i > 0 && prec > (int)size - i)
		buf[--i] = '0';
	if (p->sharp) {
		if (base == 2) {
			buf[--i] = 'b';
			buf[--i] = '0';
		} else if (base == 8 && buf[i] != '0') {
			buf[--i] = '0';
		} else if (base == 16) {
			buf[--i] = digits[16];
			buf[--i] = '0';
		}
	}
	if (verb == 'O') {
		buf[--i] = 'o';
		buf[--i] = '0';
	}
	if (neg)
		buf[--i] = '-';
	else if (p->plus)
		buf[--i] = '+';
	else if (p->space)
		buf[--i] = ' ';
	oldzero = p->zero;
	p->zero = false;
	pad(p, buf + i, size - (size_t)i);
	p->zero = oldzero;
out:
	if (buf != small)
		free(buf);
}

static void
fmt_0x64(struct pp *p, uint64_t v, bool lead)
{
	bool	sharp = p->sharp;

	p->sharp = lead;
	fmt_integer(p, v, 16, false, 'v', ldigits);
	p->sharp = sharp;
}

static void
fmt_unicode(struct pp *p, uint64_t u)
{
	char	buf[160];
	int	i = (int)sizeof(buf), prec = 4;
	bool	oldzero;

	if (p->prec_present && p->prec > 4) {
		prec = p->prec;
		if (prec > 100)
			prec = 100;
	}
	if (p->sharp && u <= 0x10ffff && utf8_isprint((uint32_t)u)) {
		char	enc[4];
		int	w = utf8_encode((uint32_t)u, enc);

		buf[--i] = '\'';
		i -= w;
		memcpy(buf + i, enc, (size_t)w);
		buf[--i] = '\'';
		buf[--i] = ' ';
	}
	while (u >= 16) {
		buf[--i] = udigits[u & 0xf];
		prec--;
		u >>= 4;
	}
	buf[--i] = udigits[u];
	prec--;
	while (prec > 0) {
		buf[--i] = '0';
		prec--;
	}
	buf[--i] = '+';
	buf[--i] = 'U';
	oldzero = p->zero;
	p->zero = false;
	pad(p, buf + i, sizeof(buf) - (size_t)i);
	p->zero = oldzero;
}

static void
fmt_c(struct pp *p, uint64_t c)
{
	char		enc[4];
	uint32_t	r = c > 0x10ffff ? 0xfffd : (uint32_t)c;

	pad(p, enc, (size_t)utf8_encode(r, enc));
}

/* strconv.QuoteRune / QuoteRuneToASCII. */
static void
quote_rune(struct buf *b, uint32_t r, bool ascii)
{
	static const char hex[] = "0123456789abcdef";
	char		enc[4];

	if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		r = 0xfffd;
	buf_addch(b, '\'');
	if (r == '\'' || r == '\\') {
		buf_addch(b, '\\');
		buf_addch(b, (int)r);
	} else if (r < 0x80 ? (r >= 0x20 && r < 0x7f) :
	    (!ascii && utf8_isprint(r))) {
		buf_add(b, enc, (size_t)utf8_encode(r, enc));
	} else {
		switch (r) {
		case '\a': buf_addstr(b, "\\a"); break;
		case '\b': buf_addstr(b, "\\b"); break;
		case '\f': buf_addstr(b, "\\f"); break;
		case '\n': buf_addstr(b, "\\n"); break;
		case '\r': buf_addstr(b, "\\r"); break;
		case '\t': buf_addstr(b, "\\t"); break;
		case '\v': buf_addstr(b, "\\v"); break;
		default:
			if (r < ' ' || r == 0x7f) {
				buf_addstr(b, "\\x");
				buf_addch(b, hex[r >> 4]);
				buf_addch(b, hex[r & 15]);
			} else if (r < 0x10000)
				buf_addf(b, "\\u%04x", r);
			else
				buf_addf(b, "\\U%08x", r);
		}
	}
	buf_addch(b, '\'');
}

static void
fmt_qc(struct pp *p, uint64_t c)
{
	struct buf	b;

	buf_init(&b, 64);
	quote_rune(&b, c > 0x10ffff ? 0xfffd : (uint32_t)c, p->plus);
	pad(p, buf_str(&b), buf_len(&b));
	buf_release(&b);
}

static void
fmt_integer_verb(struct pp *p, uint64_t v, bool is_signed, int verb);

/* ------------------------------------------------------------ floats --- */

/*
 * Decimal digits of f (f > 0, finite): shortest round-trip when n < 0,
 * else n significant digits.  Returns the digit count; *dp is the decimal
 * point position (value = 0.d1d2... * 10^dp).
 */
static int
float_digits(double f, int n, char *d, int *dp)
{
	char	tmp[64];
	int	i, k, e, p;

	if (n < 0) {
		for (p = 1; p <= 17; p++) {
			snprintf(tmp, sizeof(tmp), "%.*e", p - 1, f);
			if (strtod(tmp, NULL) == f)
				break;
		}
	} else {
		p = n == 0 ? 1 : n;
		if (p > 40)
			p = 40;
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, f);
	}
	for (i = 0, k = 0; tmp[i] != 'e'; i++) {
		if (tmp[i] != '.')
			d[k++] = tmp[i];
	}
	e = (int)strtol(tmp + i + 1, NULL, 10);
	while (k > 1 && d[k - 1] == '0')
		k--;
	d[k] = '\0';
	*dp = e + 1;
	return k;
}

static void
fmt_e(struct buf *b, bool neg, const char *d, int nd, int dp, int prec, int fmt)
{
	int	i, exp;

	if (neg)
		buf_addch(b, '-');
	buf_addch(b, nd > 0 ? d[0] : '0');
	if (prec > 0) {
		buf_addch(b, '.');
		for (i = 1; i <= prec; i++)
			buf_addch(b, i < nd ? d[i] : '0');
	}
	buf_addch(b, fmt);
	exp = dp - 1;
	if (nd == 0 || (nd == 1 && d[0] == '0'))
		exp = 0;
	buf_addch(b, exp < 0 ? '-' : '+');
	if (exp < 0)
		exp = -exp;
	buf_addf(b, "%02d", exp);
}

static void
fmt_f(struct buf *b, bool neg, const char *d, int nd, int dp, int prec)
{
	int	i;

	if (neg)
		buf_addch(b, '-');
	if (dp > 0) {
		for (i = 0; i < dp; i++)
			buf_addch(b, i < nd ? d[i] : '0');
	} else
		buf_addch(b, '0');
	if (prec > 0) {
		buf_addch(b, '.');
		for (i = 0; i < prec; i++) {
			int	j = dp + i;

			buf_addch(b, j >= 0 && j < nd ? d[j] : '0');
		}
	}
}

static void
fmt_hexfloat(struct buf *b, double f, int prec, int fmt)
{
	uint64_t	mant;
	int		exp, i, nd;
	bool		neg = signbit(f);
	char		tmp[40];

	if (neg)
		f = -f;
	if (f == 0) {
		mant = 0;
		exp = 0;
	} else {
		double	fr = frexp(f, &exp);

		mant = (uint64_t)ldexp(fr, 53);
		exp--;
	}
	/* mant has 53 bits: 1.xxxx (52 bits = 13 hex digits). */
	if (prec >= 0 && prec < 13) {
		int		shift = (13 - prec) * 4;
		uint64_t	half = (uint64_t)1 << (shift - 1);
		uint64_t	rem = mant & (((uint64_t)1 << shift) - 1);

		mant >>= shift;
		if (rem > half || (rem == half && (mant & 1)))
			mant++;
		if (mant >> (prec * 4 + 1)) {
			mant >>= 1;
			exp++;
		}
		mant <<= shift;
	}
	if (neg)
		buf_addch(b, '-');
	buf_addstr(b, fmt == 'X' ? "0X" : "0x");
	buf_addch(b, mant ? '1' : '0');
	snprintf(tmp, sizeof(tmp), fmt == 'X' ? "%013llX" : "%013llx",
	    (unsigned long long)(mant & (((uint64_t)1 << 52) - 1)));
	nd = 13;
	if (prec < 0)
		while (nd > 0 && tmp[nd - 1] == '0')
			nd--;
	else
		nd = prec;
	if (nd > 0) {
		buf_addch(b, '.');
		for (i = 0; i < nd; i++)
			buf_addch(b, i < 13 ? tmp[i] : '0');
	}
	buf_addch(b, fmt == 'X' ? 'P' : 'p');
	buf_addf(b, "%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static void
fmt_binfloat(struct buf *b, double f)
{
	uint64_t	bits;
	int64_t		exp;

	memcpy(&bits, &f, sizeof(bits));
	exp = (int64_t)((bits >> 52) & 0x7ff);
	if (bits >> 63)
		buf_addch(b, '-');
	if (exp == 0)
		exp++;
	else
		bits |= (uint64_t)1 << 52;
	buf_addf(b, "%llup%+lld",
	    (unsigned long long)(bits & (((uint64_t)1 << 53) - 1)),
	    (long long)(exp - 1023 - 52));
}

int
tfmt_float(struct buf *b, double f, int fmt, int prec)
{
	char	d[64];
	int	nd, dp, eprec, exp;
	bool	neg = signbit(f), shortest = prec < 0;

	if (isnan(f))
		return buf_addstr(b, "NaN");
	if (isinf(f))
		return buf_addstr(b, f < 0 ? "-Inf" : "+Inf");
	if (fmt == 'b') {
		fmt_binfloat(b, f);
		return 0;
	}
	if (fmt == 'x' || fmt == 'X') {
		fmt_hexfloat(b, f, prec, fmt);
		return 0;
	}
	if (neg)
		f = -f;
	if (f == 0) {
		d[0] = '0';
		d[1] = '\0';
		nd = 1;
		dp = 1;
	} else if (shortest)
		nd = float_digits(f, -1, d, &dp);
	else if (fmt == 'e' || fmt == 'E')
		nd = float_digits(f, prec + 1, d, &dp);
	else if (fmt == 'f') {
		char	*s = NULL;
		int	 rc;

		/* Exact decimal rounding: let printf do it. */
		if (asprintf(&s, "%s%.*f", neg ? "-" : "", prec, f) < 0)
			return -1;
		rc = buf_addstr(b, s);
		free(s);
		return rc;
	} else
		nd = float_digits(f, prec == 0 ? 1 : prec, d, &dp);
	if (f == 0)
		dp = 1;
	switch (fmt) {
	case 'e':
	case 'E':
		fmt_e(b, neg, d, nd, dp, shortest ? nd - 1 : prec, fmt);
		return 0;
	case 'f':
		fmt_f(b, neg, d, nd, dp, nd - dp > 0 ? nd - dp : 0);
		return 0;
	}
	/* %g */
	if (shortest)
		eprec = 6;
	else {
		if (prec == 0)
			prec = 1;
		eprec = prec;
		if (eprec > nd && nd >= dp)
			eprec = nd;
	}
	if (shortest)
		prec = nd;
	exp = dp - 1;
	if (f == 0)
		exp = 0;
	if (exp < -4 || exp >= eprec) {
		if (prec > nd)
			prec = nd;
		fmt_e(b, neg, d, nd, dp, prec - 1, fmt + 'e' - 'g');
		return 0;
	}
	if (prec > dp)
		prec = nd;
	fmt_f(b, neg, d, nd, dp, prec - dp > 0 ? prec - dp : 0);
	return 0;
}

static void
fmt_float(struct pp *p, double v, int verb, int prec)
{
	struct buf	num;
	char		*s;
	size_t		 n;
	bool		 oldzero;

	if (p->prec_present)
		prec = p->prec;
	buf_init(&num, BUF_NOCAP);
	buf_addch(&num, '+');
	tfmt_float(&num, v, verb, prec);
	s = (char *)buf_str(&num);
	n = buf_len(&num);
	if (s[1] == '-' || s[1] == '+') {
		s++;
		n--;
	}
	if (p->space && s[0] == '+' && !p->plus)
		s[0] = ' ';
	if (s[1] == 'I' || s[1] == 'N') {
		oldzero = p->zero;
		p->zero = false;
		if (s[1] == 'N' && !p->space && !p->plus) {
			s++;
			n--;
		}
		pad(p, s, n);
		p->zero = oldzero;
		buf_release(&num);
		return;
	}
	if (p->sharp && verb != 'b') {
		struct buf	out, tail;
		int		digits = 0;
		size_t		i;
		bool		has_dot = false, nonzero = false;

		if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x')
			digits = prec == -1 ? 6 : prec;
		buf_init(&out, BUF_NOCAP);
		buf_init(&tail, 64);
		buf_addch(&out, s[0]);
		for (i = 1; i < n; i++) {
			char c = s[i];

			if (c == '.')
				has_dot = true;
			else if (c == 'p' || c == 'P' || ((c == 'e' ||
			    c == 'E') && verb != 'x' && verb != 'X')) {
				buf_add(&tail, s + i, n - i);
				break;
			} else {
				if (c != '0')
					nonzero = true;
				if (nonzero)
					digits--;
			}
			buf_addch(&out, c);
		}
		if (!has_dot) {
			if (buf_len(&out) == 2 && buf_str(&out)[1] == '0')
				digits--;
			buf_addch(&out, '.');
		}
		while (digits-- > 0)
			buf_addch(&out, '0');
		buf_add(&out, buf_str(&tail), buf_len(&tail));
		buf_release(&tail);
		buf_release(&num);
		num = out;
		s = (char *)buf_str(&num);
		n = buf_len(&num);
	}
	if (p->plus || s[0] != '+') {
		if (p->zero && p->wid_present && p->wid > (int)n) {
			putc_(p, s[0]);
			write_padding(p, p->wid - (int)n);
			put(p, s + 1, n - 1);
		} else
			pad(p, s, n);
	} else
		pad(p, s + 1, n - 1);
	buf_release(&num);
}

static void bad_verb(struct pp *p, const struct tval *v, int verb);

static void
fmt_float_verb(struct pp *p, const struct tval *v, double f, int verb)
{
	switch (verb) {
	case 'v':
		fmt_float(p, f, 'g', -1);
		break;
	case 'b': case 'g': case 'G': case 'x': case 'X':
		fmt_float(p, f, verb, -1);
		break;
	case 'f': case 'e': case 'E':
		fmt_float(p, f, verb, 6);
		break;
	case 'F':
		fmt_float(p, f, 'f', 6);
		break;
	default:
		bad_verb(p, v, verb);
	}
}

static void
fmt_complex(struct pp *p, const struct tval *v, int verb)
{
	bool	oldplus;

	switch (verb) {
	case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f':
	case 'F': case 'e': case 'E':
		oldplus = p->plus;
		putc_(p, '(');
		fmt_float_verb(p, v, v->u.c.re, verb);
		p->plus = true;
		fmt_float_verb(p, v, v->u.c.im, verb);
		puts_(p, "i)");
		p->plus = oldplus;
		break;
	default:
		bad_verb(p, v, verb);
	}
}

/* ----------------------------------------------------------- strings --- */

static size_t
truncate_runes(const struct pp *p, const char *s, size_t n)
{
	size_t		i = 0;
	int		k;
	uint32_t	r;

	if (!p->prec_present)
		return n;
	for (k = p->prec; i < n && k > 0; k--)
		i += tu_decode(s + i, n - i, &r);
	return i;
}

static void
fmt_sbx(struct pp *p, const char *s, size_t n, const char *digits)
{
	size_t	length = n, i;
	int	width;

	if (p->prec_present && (size_t)p->prec < length)
		length = (size_t)p->prec;
	width = 2 * (int)length;
	if (width > 0) {
		if (p->space) {
			if (p->sharp)
				width *= 2;
			width += (int)length - 1;
		} else if (p->sharp)
			width += 2;
	} else {
		if (p->wid_present)
			write_padding(p, p->wid);
		return;
	}
	if (p->wid_present && p->wid > width && !p->minus)
		write_padding(p, p->wid - width);
	if (p->sharp) {
		putc_(p, '0');
		putc_(p, digits[16]);
	}
	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)s[i];

		if (p->space && i > 0) {
			putc_(p, ' ');
			if (p->sharp) {
				putc_(p, '0');
				putc_(p, digits[16]);
			}
		}
		putc_(p, digits[c >> 4]);
		putc_(p, digits[c & 15]);
	}
	if (p->wid_present && p->wid > width && p->minus)
		write_padding(p, p->wid - width);
}

static bool
can_backquote(const char *s, size_t n)
{
	size_t		i = 0;
	uint32_t	r;
	size_t		w;

	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		if (w == 1 && r == 0xfffd && (unsigned char)s[i] >= 0x80)
			return false;
		if (r == 0xfeff)
			return false;
		if ((r < ' ' && r != '\t') || r == '`' || r == 0x7f)
			return false;
		i += w;
	}
	return true;
}

/* strconv.QuoteToASCII. */
static void
quote_ascii(struct buf *b, const char *s, size_t n)
{
	size_t		i = 0, w;
	uint32_t	r;

	buf_addch(b, '"');
	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		if (w == 1 && r == 0xfffd && (unsigned char)s[i] >= 0x80) {
			buf_addf(b, "\\x%02x", (unsigned char)s[i]);
			i++;
			continue;
		}
		if (r >= 0x80 || r < ' ' || r == 0x7f) {
			struct buf q;

			buf_init(&q, 32);
			quote_rune(&q, r, true);
			buf_add(b, buf_str(&q) + 1, buf_len(&q) - 2);
			buf_release(&q);
		} else if (r == '"' || r == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, (int)r);
		} else
			buf_addch(b, (int)r);
		i += w;
	}
	buf_addch(b, '"');
}

static void
fmt_q(struct pp *p, const char *s, size_t n)
{
	struct buf	q;

	n = truncate_runes(p, s, n);
	buf_init(&q, BUF_NOCAP);
	if (p->sharp && can_backquote(s, n)) {
		buf_addch(&q, '`');
		buf_add(&q, s, n);
		buf_addch(&q, '`');
	} else if (p->plus)
		quote_ascii(&q, s, n);
	else
		buf_add_goquote(&q, s, n);
	pad(p, buf_str(&q), buf_len(&q));
	buf_release(&q);
}

static void
fmt_string(struct pp *p, const struct tval *v, const char *s, size_t n,
    int verb)
{
	switch (verb) {
	case 'v':
		if (p->sharpv)
			fmt_q(p, s, n);
		else
			pad(p, s, truncate_runes(p, s, n));
		break;
	case 's':
		pad(p, s, truncate_runes(p, s, n));
		break;
	case 'x':
		fmt_sbx(p, s, n, ldigits);
		break;
	case 'X':
		fmt_sbx(p, s, n, udigits);
		break;
	case 'q':
		fmt_q(p, s, n);
		break;
	default:
		bad_verb(p, v, verb);
	}
}

/* ------------------------------------------------------------- values --- */

static void
fmt_integer_verb(struct pp *p, uint64_t v, bool is_signed, int verb)
{
	switch (verb) {
	case 'v':
		if (p->sharpv && !is_signed)
			fmt_0x64(p, v, true);
		else
			fmt_integer(p, v, 10, is_signed, verb, ldigits);
		break;
	case 'd':
		fmt_integer(p, v, 10, is_signed, verb, ldigits);
		break;
	case 'b':
		fmt_integer(p, v, 2, is_signed, verb, ldigits);
		break;
	case 'o':
	case 'O':
		fmt_integer(p, v, 8, is_signed, verb, ldigits);
		break;
	case 'x':
		fmt_integer(p, v, 16, is_signed, verb, ldigits);
		break;
	case 'X':
		fmt_integer(p, v, 16, is_signed, verb, udigits);
		break;
	case 'c':
		fmt_c(p, v);
		break;
	case 'q':
		fmt_qc(p, v);
		break;
	case 'U':
		fmt_unicode(p, v);
		break;
	default:
		p->rc |= 0;
		break;
	}
}

static bool
is_nil_arg(const struct tval *v)
{
	return v->t == NULL || v->t->kind == TK_IFACE;
}

static void
bad_verb(struct pp *p, const struct tval *v, int verb)
{
	p->erroring = true;
	puts_(p, "%!");
	put_rune(p, (uint32_t)verb);
	putc_(p, '(');
	if (!is_nil_arg(v)) {
		puts_(p, v->t->name);
		putc_(p, '=');
		print_value(p, v, 'v', 0);
	} else
		puts_(p, "<nil>");
	putc_(p, ')');
	p->erroring = false;
}

static bool
handle_methods(struct pp *p, const struct tval *v, int verb)
{
	struct buf	s;

	if (p->erroring || !v->t->stringer)
		return false;
	if (p->sharpv) {
		if (v->t != &tt_time)
			return false;
		buf_init(&s, 256);
		gtime_gostring(&s, v->u.tm);
		pad(p, buf_str(&s), buf_len(&s));
		buf_release(&s);
		return true;
	}
	switch (verb) {
	case 'v': case 's': case 'x': case 'X': case 'q':
		break;
	default:
		return false;
	}
	buf_init(&s, BUF_NOCAP);
	tfmt_stringer(&s, v);
	fmt_string(p, v, buf_str(&s), buf_len(&s), verb);
	buf_release(&s);
	return true;
}

static void
fmt_pointer(struct pp *p, const struct tval *v, int verb)
{
	uint64_t	u = (uint64_t)(uintptr_t)v->u.fv;

	switch (verb) {
	case 'v':
		if (p->sharpv) {
			putc_(p, '(');
			puts_(p, v->t->name);
			puts_(p, ")(");
			if (u == 0)
				puts_(p, "nil");
			else
				fmt_0x64(p, u, true);
			putc_(p, ')');
		} else if (u == 0)
			pad_str(p, "<nil>");
		else
			fmt_0x64(p, u, !p->sharp);
		break;
	case 'p':
		fmt_0x64(p, u, !p->sharp);
		break;
	case 'b': case 'o': case 'd': case 'x': case 'X':
		fmt_integer_verb(p, u, false, verb);
		break;
	default:
		bad_verb(p, v, verb);
	}
}

static void
print_map(struct pp *p, const struct tval *v, int verb, int depth)
{
	const struct tmap	*m = v->u.m;
	size_t			 i;

	if (p->sharpv) {
		puts_(p, v->t->name);
		if (m == NULL) {
			puts_(p, "(nil)");
			return;
		}
		putc_(p, '{');
	} else
		puts_(p, "map[");
	for (i = 0; m != NULL && i < m->n; i++) {
		struct tval	k = tv_str(&tt_string, m->e[i].k.p,
				    m->e[i].k.n);

		if (i > 0)
			puts_(p, p->sharpv ? ", " : " ");
		print_value(p, &k, verb, depth + 1);
		putc_(p, ':');
		print_value(p, &m->e[i].v, verb, depth + 1);
	}
	putc_(p, p->sharpv ? '}' : ']');
}

/* time.Time's unexported fields {wall ext loc}, for verbs like %d. */
static void
print_time_struct(struct pp *p, const struct tval *v, int verb, int depth)
{
	const struct gtime	*t = v->u.tm;
	struct tval		 f;

	if (p->sharpv)
		puts_(p, "time.Time");
	putc_(p, '{');
	if (p->plusv || p->sharpv)
		puts_(p, "wall:");
	f.t = &tt_uint8;	/* an unsigned integer */
	f.u.u = (uint64_t)t->nsec;
	fmt_integer_verb(p, f.u.u, false, verb);
	putc_(p, p->sharpv ? ',' : ' ');
	if (p->sharpv)
		putc_(p, ' ');
	if (p->plusv || p->sharpv)
		puts_(p, "ext:");
	fmt_integer_verb(p, (uint64_t)(t->sec - GT_ZERO_SEC), true, verb);
	putc_(p, p->sharpv ? ',' : ' ');
	if (p->sharpv)
		putc_(p, ' ');
	if (p->plusv || p->sharpv)
		puts_(p, "loc:");
	f.t = &tt_location;
	f.u.loc = t->loc == gloc_utc() ? NULL : t->loc;
	(void)depth;
	fmt_pointer(p, &f, verb);
	putc_(p, '}');
}

static void
print_struct(struct pp *p, const struct tval *v, int verb, int depth)
{
	size_t	i;

	if (v->t == &tt_time) {
		print_time_struct(p, v, verb, depth);
		return;
	}
	if (p->sharpv)
		puts_(p, v->t->name);
	putc_(p, '{');
	for (i = 0; v->t->fields[i] != NULL; i++) {
		if (i > 0)
			puts_(p, p->sharpv ? ", " : " ");
		if (p->plusv || p->sharpv) {
			puts_(p, v->t->fields[i]);
			putc_(p, ':');
		}
		print_value(p, &v->u.fv[i], verb, depth + 1);
	}
	putc_(p, '}');
}

static void
print_slice(struct pp *p, const struct tval *v, int verb, int depth)
{
	const struct tslice	*s = v->u.sl;
	size_t			 i;

	if (p->sharpv) {
		puts_(p, v->t->name);
		if (s == NULL) {
			puts_(p, "(nil)");
			return;
		}
		putc_(p, '{');
		for (i = 0; i < s->n; i++) {
			if (i > 0)
				puts_(p, ", ");
			print_value(p, &s->v[i], verb, depth + 1);
		}
		putc_(p, '}');
		return;
	}
	putc_(p, '[');
	for (i = 0; s != NULL && i < s->n; i++) {
		if (i > 0)
			putc_(p, ' ');
		print_value(p, &s->v[i], verb, depth + 1);
	}
	putc_(p, ']');
}

static void
print_value(struct pp *p, const struct tval *v, int verb, int depth)
{
	if (depth > 0 && v->t != NULL && v->t->kind != TK_IFACE &&
	    handle_methods(p, v, verb))
		return;
	if (v->t == NULL) {
		if (depth == 0)
			puts_(p, "<invalid reflect.Value>");
		else if (verb == 'v')
			puts_(p, "<nil>");
		else
			bad_verb(p, v, verb);
		return;
	}
	switch (v->t->kind) {
	case TK_BOOL:
		if (verb == 't' || verb == 'v')
			pad_str(p, v->u.b ? "true" : "false");
		else
			bad_verb(p, v, verb);
		break;
	case TK_INT:
	case TK_UINT:
		if (strchr("vdboOxXcqU", verb) == NULL || verb == 0)
			bad_verb(p, v, verb);
		else
			fmt_integer_verb(p, v->t->kind == TK_INT ?
			    (uint64_t)v->u.i : v->u.u, v->t->kind == TK_INT,
			    verb);
		break;
	case TK_FLOAT:
		fmt_float_verb(p, v, v->u.f, verb);
		break;
	case TK_COMPLEX:
		fmt_complex(p, v, verb);
		break;
	case TK_STRING:
		fmt_string(p, v, v->u.s.p, v->u.s.n, verb);
		break;
	case TK_MAP:
		print_map(p, v, verb, depth);
		break;
	case TK_STRUCT:
		print_struct(p, v, verb, depth);
		break;
	case TK_IFACE:
		if (p->sharpv) {
			puts_(p, v->t->name);
			puts_(p, "(nil)");
		} else
			puts_(p, "<nil>");
		break;
	case TK_SLICE:
		print_slice(p, v, verb, depth);
		break;
	case TK_PTR:
		if (depth == 0 && v->t == &tt_data_ptr && v->u.fv != NULL) {
			struct tval	d = { .t = &tt_data };

			d.u.fv = v->u.fv;
			putc_(p, '&');
			print_value(p, &d, verb, depth + 1);
			break;
		}
		fmt_pointer(p, v, verb);
		break;
	default:
		putc_(p, '?');
		puts_(p, v->t->name);
		putc_(p, '?');
	}
}

static void
print_arg(struct pp *p, const struct tval *v, int verb)
{
	if (is_nil_arg(v)) {
		if (verb == 'T' || verb == 'v')
			pad_str(p, "<nil>");
		else
			bad_verb(p, v, verb);
		return;
	}
	if (verb == 'T') {
		size_t n = strlen(v->t->name);

		pad(p, v->t->name, truncate_runes(p, v->t->name, n));
		return;
	}
	if (verb == 'p') {
		if (v->t->kind == TK_PTR || v->t->kind == TK_MAP ||
		    v->t->kind == TK_SLICE)
			fmt_pointer(p, v, 'p');
		else
			bad_verb(p, v, verb);
		return;
	}
	if (handle_methods(p, v, verb))
		return;
	print_value(p, v, verb, 0);
}

/* ----------------------------------------------------------- printf --- */

static bool
too_large(int64_t x)
{
	return x > 1000000 || x < -1000000;
}

static int
parsenum(const char *s, int start, int end, int *num, bool *ok)
{
	int	i = start;

	*num = 0;
	*ok = false;
	if (start >= end)
		return start;
	for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
		if (too_large(*num)) {
			*ok = false;
			return i;
		}
		*num = *num * 10 + (s[i] - '0');
		*ok = true;
	}
	return i;
}

static bool
int_from_arg(const struct tval *a, size_t na, size_t *argnum, int *num)
{
	bool	isint = false;

	*num = 0;
	if (*argnum < na) {
		const struct tval *v = &a[*argnum];

		if (v->t != NULL && v->t->kind == TK_INT) {
			*num = (int)v->u.i;
			isint = (int64_t)*num == v->u.i;
		} else if (v->t != NULL && v->t->kind == TK_UINT) {
			*num = (int)v->u.u;
			isint = (int64_t)v->u.u >= 0 &&
			    (uint64_t)*num == v->u.u;
		}
		(*argnum)++;
		if (too_large(*num)) {
			*num = 0;
			isint = false;
		}
	}
	return isint;
}

struct pfmt {
	bool	reordered, good_argnum;
};

/* Parses [n]; returns the new i. */
static int
arg_number(struct pfmt *st, size_t *argnum, const char *f, int i, int end,
    size_t numargs, bool *found)
{
	int	j, idx;
	bool	ok;

	*found = false;
	if (i >= end || f[i] != '[')
		return i;
	st->reordered = true;
	if (end - i < 3) {
		st->good_argnum = false;
		return i + 1;
	}
	for (j = i + 1; j < end; j++) {
		if (f[j] != ']')
			continue;
		if (parsenum(f, i + 1, j, &idx, &ok) != j || !ok) {
			st->good_argnum = false;
			return j + 1;
		}
		idx--;
		if (idx >= 0 && (size_t)idx < numargs) {
			*argnum = (size_t)idx;
			*found = true;
		} else {
			st->good_argnum = false;
			*found = true;
		}
		return j + 1;
	}
	st->good_argnum = false;
	return i + 1;
}

static void
print_extra(struct pp *p, const struct tval *a, size_t na, size_t argnum)
{
	size_t	i;

	clear_flags(p);
	puts_(p, "%!(EXTRA ");
	for (i = argnum; i < na; i++) {
		if (i > argnum)
			puts_(p, ", ");
		if (is_nil_arg(&a[i]))
			puts_(p, "<nil>");
		else {
			puts_(p, a[i].t->name);
			putc_(p, '=');
			print_arg(p, &a[i], 'v');
		}
	}
	putc_(p, ')');
}

static int
parse_flags(struct pp *p, const char *f, int i, int end)
{
	for (; i < end; i++) {
		switch (f[i]) {
		case '#':
			p->sharp = true;
			break;
		case '0':
			p->zero = !p->minus;
			break;
		case '+':
			p->plus = true;
			break;
		case '-':
			p->minus = true;
			p->zero = false;
			break;
		case ' ':
			p->space = true;
			break;
		default:
			return i;
		}
	}
	return i;
}

static int
parse_width_prec(struct pp *p, struct pfmt *st, const char *f, int i,
    int end, const struct tval *a, size_t na, size_t *argnum,
    bool *after_index)
{
	bool	ok;

	i = arg_number(st, argnum, f, i, end, na, after_index);
	if (i < end && f[i] == '*') {
		i++;
		p->wid_present = int_from_arg(a, na, argnum, &p->wid);
		if (!p->wid_present)
			puts_(p, "%!(BADWIDTH)");
		if (p->wid < 0) {
			p->wid = -p->wid;
			p->minus = true;
			p->zero = false;
		}
		*after_index = false;
	} else {
		i = parsenum(f, i, end, &p->wid, &ok);
		p->wid_present = ok;
		if (*after_index && p->wid_present)
			st->good_argnum = false;
	}
	if (i + 1 < end && f[i] == '.') {
		i++;
		if (*after_index)
			st->good_argnum = false;
		i = arg_number(st, argnum, f, i, end, na, after_index);
		if (i < end && f[i] == '*') {
			i++;
			p->prec_present = int_from_arg(a, na, argnum, &p->prec);
			if (p->prec < 0) {
				p->prec = 0;
				p->prec_present = false;
			}
			if (!p->prec_present)
				puts_(p, "%!(BADPREC)");
			*after_index = false;
		} else {
			i = parsenum(f, i, end, &p->prec, &ok);
			p->prec_present = true;
			if (!ok)
				p->prec = 0;
		}
	}
	if (!*after_index)
		i = arg_number(st, argnum, f, i, end, na, after_index);
	return i;
}

static void
do_printf(struct pp *p, const char *f, int end, const struct tval *a,
    size_t na)
{
	struct pfmt	st = { false, true };
	size_t		argnum = 0;
	bool		after_index = false;
	int		i = 0, lasti;
	uint32_t	verb;

	while (i < end && p->rc == 0) {
		st.good_argnum = true;
		lasti = i;
		while (i < end && f[i] != '%')
			i++;
		if (i > lasti)
			put(p, f + lasti, (size_t)(i - lasti));
		if (i >= end)
			break;
		i++;
		clear_flags(p);
		i = parse_flags(p, f, i, end);
		if (i < end && f[i] >= 'a' && f[i] <= 'z' && argnum < na) {
			if (f[i] == 'v') {
				p->sharpv = p->sharp;
				p->sharp = false;
				p->plusv = p->plus;
				p->plus = false;
			}
			print_arg(p, &a[argnum], f[i]);
			argnum++;
			i++;
			continue;
		}
		i = parse_width_prec(p, &st, f, i, end, a, na, &argnum,
		    &after_index);
		if (i >= end) {
			puts_(p, "%!(NOVERB)");
			break;
		}
		i += (int)tu_decode(f + i, (size_t)(end - i), &verb);
		if (verb == '%') {
			putc_(p, '%');
		} else if (!st.good_argnum) {
			puts_(p, "%!");
			put_rune(p, verb);
			puts_(p, "(BADINDEX)");
		} else if (argnum >= na) {
			puts_(p, "%!");
			put_rune(p, verb);
			puts_(p, "(MISSING)");
		} else {
			if (verb == 'v') {
				p->sharpv = p->sharp;
				p->sharp = false;
				p->plusv = p->plus;
				p->plus = false;
			}
			print_arg(p, &a[argnum], (int)verb);
			argnum++;
		}
	}
	if (!st.reordered && argnum < na)
		print_extra(p, a, na, argnum);
}

/* ------------------------------------------------------------- entry --- */

static void
pp_init(struct pp *p, struct buf *b)
{
	memset(p, 0, sizeof(*p));
	p->b = b;
}

int
tfmt_sprintf(struct buf *b, const char *f, size_t fn, const struct tval *v,
    size_t n)
{
	struct pp	p;

	pp_init(&p, b);
	if (fn > (size_t)1 << 30)
		return -1;
	do_printf(&p, f, (int)fn, v, n);
	return p.rc;
}

int
tfmt_sprint(struct buf *b, const struct tval *v, size_t n)
{
	struct pp	p;
	size_t		i;
	bool		prev_str = false, is_str;

	pp_init(&p, b);
	for (i = 0; i < n && p.rc == 0; i++) {
		is_str = v[i].t != NULL && v[i].t->kind == TK_STRING;
		if (i > 0 && !is_str && !prev_str)
			putc_(&p, ' ');
		clear_flags(&p);
		print_arg(&p, &v[i], 'v');
		prev_str = is_str;
	}
	return p.rc;
}

int
tfmt_sprintln(struct buf *b, const struct tval *v, size_t n)
{
	struct pp	p;
	size_t		i;

	pp_init(&p, b);
	for (i = 0; i < n && p.rc == 0; i++) {
		if (i > 0)
			putc_(&p, ' ');
		clear_flags(&p);
		print_arg(&p, &v[i], 'v');
	}
	putc_(&p, '\n');
	return p.rc;
}

int
tfmt_value(struct buf *b, const struct tval *v, int verb)
{
	struct pp	p;

	pp_init(&p, b);
	print_arg(&p, v, verb);
	return p.rc;
}

int
tfmt_stringer(struct buf *b, const struct tval *v)
{
	char	tmp[64];

	if (v->t == &tt_time)
		return gtime_string(b, v->u.tm);
	if (v->t == &tt_duration)
		return buf_addstr(b, dur_string(v->u.i, tmp));
	if (v->t == &tt_month)
		return buf_addstr(b, month_string(v->u.i, tmp));
	if (v->t == &tt_weekday)
		return buf_addstr(b, weekday_string(v->u.i, tmp));
	if (v->t == &tt_location)
		return buf_addstr(b, gloc_name(v->u.loc));
	return 0;
}

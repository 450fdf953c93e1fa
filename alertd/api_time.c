/*
 * api_time: go-openapi strfmt.DateTime as the API v2 parses and prints
 * it.  Parsing tries strfmt's layouts in its order with the semantics of
 * Go 1.19's time.Parse (which is lenient in known ways: any number of
 * fraction digits after seconds, one-digit hours, spaces), and reports
 * the last layout's error in Go's words, because Alertmanager returns it
 * to the client ("parsing time \"x\" as \"2006-01-02 15:04:05\": cannot
 * parse \"x\" as \"2006\"").  Declared in api_silences.h.
 */
#include "alertd/api_silences.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "alertd/buf.h"

enum tk {
	TK_END, TK_LIT, TK_YEAR, TK_MON, TK_DAY, TK_HOUR, TK_MIN, TK_SEC,
	TK_FRAC0, TK_FRAC9, TK_TZC, TK_TZ
};

struct tok {
	enum tk		 t;
	const char	*s;	/* the layout text of the element */
	int		 n;	/* TK_FRAC0: digits */
};

#define D	{ TK_LIT, "-", 0 }
#define C	{ TK_LIT, ":", 0 }
#define DATE	{ TK_YEAR, "2006", 0 }, D, { TK_MON, "01", 0 }, D, \
		{ TK_DAY, "02", 0 }
#define HM	{ TK_HOUR, "15", 0 }, C, { TK_MIN, "04", 0 }
#define HMS	HM, C, { TK_SEC, "05", 0 }
#define T	{ TK_LIT, "T", 0 }
#define END	{ TK_END, "", 0 }

struct layout {
	const char	*name;
	struct tok	 t[16];
};

/* strfmt.DateTimeFormats, in order. */
static const struct layout layouts[] = {
	{ "2006-01-02T15:04:05.000000Z07:00", { DATE, T, HMS,
	    { TK_FRAC0, ".000000", 6 }, { TK_TZC, "Z07:00", 0 }, END } },
	{ "2006-01-02T15:04:05.000000Z0700", { DATE, T, HMS,
	    { TK_FRAC0, ".000000", 6 }, { TK_TZ, "Z0700", 0 }, END } },
	{ "2006-01-02T15:04:05.000Z07:00", { DATE, T, HMS,
	    { TK_FRAC0, ".000", 3 }, { TK_TZC, "Z07:00", 0 }, END } },
	{ "2006-01-02T15:04:05.000Z0700", { DATE, T, HMS,
	    { TK_FRAC0, ".000", 3 }, { TK_TZ, "Z0700", 0 }, END } },
	{ "2006-01-02T15:04:05Z07:00", { DATE, T, HMS,
	    { TK_TZC, "Z07:00", 0 }, END } },
	{ "2006-01-02T15:04:05.999999999Z07:00", { DATE, T, HMS,
	    { TK_FRAC9, ".999999999", 0 }, { TK_TZC, "Z07:00", 0 }, END } },
	{ "2006-01-02T15:04:05", { DATE, T, HMS, END } },
	{ "2006-01-02T15:04Z", { DATE, T, HM, { TK_LIT, "Z", 0 }, END } },
	{ "2006-01-02T15:04", { DATE, T, HM, END } },
	{ "2006-01-02 15:04:05", { DATE, { TK_LIT, " ", 0 }, HMS, END } },
};

struct pstate {
	const char	*v;	/* remaining value */
	size_t		 len;
	int		 year, mon, day, hour, min, sec, nsec, off;
	bool		 has_off;
};

static bool
isdig(const struct pstate *p, size_t i)
{
	return i < p->len && p->v[i] >= '0' && p->v[i] <= '9';
}

static void
adv(struct pstate *p, size_t n)
{
	p->v += n;
	p->len -= n;
}

/* Go's getnum. */
static int
getnum(struct pstate *p, bool fixed, int *out)
{
	if (!isdig(p, 0))
		return -1;
	if (!isdig(p, 1)) {
		if (fixed)
			return -1;
		*out = p->v[0] - '0';
		adv(p, 1);
		return 0;
	}
	*out = (p->v[0] - '0') * 10 + (p->v[1] - '0');
	adv(p, 2);
	return 0;
}

/* Go's atoi on exactly s[0..n) (optional sign, then digits). */
static int
atoi_n(const char *s, size_t n, int *out)
{
	long	v = 0;
	bool	neg = false;
	size_t	i = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 100000000)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = (int)(neg ? -v : v);
	return 0;
}

/* Go's parseNanoseconds over the next n bytes (separator included). */
static int
nanos(struct pstate *p, size_t n)
{
	int	ns, i;

	if (p->v[0] != '.' && p->v[0] != ',')
		return -1;
	if (atoi_n(p->v + 1, (n > 10 ? 10 : n) - 1, &ns) == -1)
		return -1;
	for (i = (int)(n > 10 ? 10 : n); i < 10; i++)
		ns *= 10;
	p->nsec = ns;
	return 0;
}

static int
tz(struct pstate *p, bool colon)
{
	int	hr, mm;
	char	sign;

	if (p->len >= 1 && p->v[0] == 'Z') {
		adv(p, 1);
		p->off = 0;
		p->has_off = true;
		return 0;
	}
	if (p->len < (colon ? 6u : 5u) || (colon && p->v[3] != ':'))
		return -1;
	sign = p->v[0];
	if (atoi_n(p->v + 1, 2, &hr) == -1 ||
	    atoi_n(p->v + (colon ? 4 : 3), 2, &mm) == -1) {
		adv(p, colon ? 6 : 5);
		return -1;
	}
	adv(p, colon ? 6 : 5);
	p->off = (hr * 60 + mm) * 60;
	if (sign == '-')
		p->off = -p->off;
	else if (sign != '+')
		return -1;
	p->has_off = true;
	return 0;
}

/* Go's skip() for a literal layout chunk. */
static int
skip_lit(struct pstate *p, const char *lit)
{
	while (*lit != '\0') {
		if (*lit == ' ') {
			if (p->len > 0 && p->v[0] != ' ')
				return -1;
			while (*lit == ' ')
				lit++;
			while (p->len > 0 && p->v[0] == ' ')
				adv(p, 1);
			continue;
		}
		if (p->len == 0 || p->v[0] != *lit)
			return -1;
		lit++;
		adv(p, 1);
	}
	return 0;
}

/* Go's time.quote. */
static void
tquote(struct buf *b, const char *s, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c < ' ') {
			buf_addf(b, "\\x%c%c", hex[c >> 4], hex[c & 15]);
			continue;
		}
		if (c == '"' || c == '\\')
			buf_addch(b, '\\');
		buf_addch(b, (char)c);
	}
	buf_addch(b, '"');
}

static void
perr(struct buf *e, const char *val, size_t vlen, const char *layout,
    const char *lelem, const struct pstate *p, const char *msg)
{
	buf_reset(e);
	buf_addstr(e, "parsing time ");
	tquote(e, val, vlen);
	if (msg != NULL) {
		buf_addstr(e, msg);
		return;
	}
	buf_addstr(e, " as ");
	tquote(e, layout, strlen(layout));
	buf_addstr(e, ": cannot parse ");
	tquote(e, p->v, p->len);
	buf_addstr(e, " as ");
	tquote(e, lelem, strlen(lelem));
}

/* One std element; returns 0, -1 (bad), or sets *range. */
static int
elem(struct pstate *p, const struct tok *t, const struct tok *next,
    const char **range)
{
	size_t	n;

	switch (t->t) {
	case TK_YEAR:
		if (p->len < 4 || !isdig(p, 0))
			return -1;
		n = 4;
		adv(p, 4);
		return atoi_n(p->v - n, n, &p->year);
	case TK_MON:
		if (getnum(p, true, &p->mon) == -1)
			return -1;
		if (p->mon <= 0 || p->mon > 12)
			*range = "month";
		return 0;
	case TK_DAY:
		return getnum(p, true, &p->day);
	case TK_HOUR:
		if (getnum(p, false, &p->hour) == -1)
			return -1;
		if (p->hour >= 24)
			*range = "hour";
		return 0;
	case TK_MIN:
		if (getnum(p, true, &p->min) == -1)
			return -1;
		if (p->min >= 60)
			*range = "minute";
		return 0;
	case TK_SEC:
		if (getnum(p, true, &p->sec) == -1)
			return -1;
		if (p->sec >= 60) {
			*range = "second";
			return 0;
		}
		if (p->len >= 2 && (p->v[0] == '.' || p->v[0] == ',') &&
		    isdig(p, 1) && next->t != TK_FRAC0 && next->t != TK_FRAC9) {
			for (n = 2; isdig(p, n); n++)
				;
			if (nanos(p, n) == -1)
				return -1;
			adv(p, n);
		}
		return 0;
	case TK_FRAC0:
		if (p->len < (size_t)t->n + 1)
			return -1;
		n = (size_t)t->n + 1;
		if (nanos(p, n) == -1) {
			adv(p, n);
			return -1;
		}
		adv(p, n);
		return 0;
	case TK_FRAC9:
		if (p->len < 2 || (p->v[0] != '.' && p->v[0] != ',') ||
		    !isdig(p, 1))
			return 0;
		for (n = 1; n < 10 && isdig(p, n); n++)
			;
		if (nanos(p, n) == -1)
			return -1;
		adv(p, n);
		return 0;
	case TK_TZC:
	case TK_TZ:
		return tz(p, t->t == TK_TZC);
	default:
		return -1;
	}
}

static bool
leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in(int m, int y)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static int
parse_layout(const struct layout *l, const char *s, size_t len,
    struct pstate *p, struct buf *e)
{
	const struct tok	*t;
	const char		*range;

	memset(p, 0, sizeof(*p));
	p->v = s;
	p->len = len;
	p->mon = p->day = -1;
	for (t = l->t; t->t != TK_END; t++) {
		if (t->t == TK_LIT) {
			if (skip_lit(p, t->s) == -1) {
				perr(e, s, len, l->name, t->s, p, NULL);
				return -1;
			}
			continue;
		}
		range = NULL;
		if (elem(p, t, t + 1, &range) == -1 || range != NULL) {
			char	msg[64];

			snprintf(msg, sizeof(msg), ": %s out of range",
			    range ? range : "");
			perr(e, s, len, l->name, t->s, p, range ? msg : NULL);
			return -1;
		}
	}
	if (p->len > 0) {
		struct buf	m;

		buf_init(&m, BUF_NOCAP);
		buf_addstr(&m, ": extra text: ");
		tquote(&m, p->v, p->len);
		perr(e, s, len, l->name, "", p, buf_str(&m));
		buf_release(&m);
		return -1;
	}
	if (p->mon < 0)
		p->mon = 1;
	if (p->day < 1 || p->day > days_in(p->mon, p->year)) {
		perr(e, s, len, l->name, "", p, ": day out of range");
		return -1;
	}
	return 0;
}

int
api_parse_datetime(const char *s, size_t len, ad_time_t *t, int32_t *off,
    struct buf *errmsg)
{
	struct pstate	p;
	struct buf	e;
	size_t		i;
	int64_t		days, secs;

	*off = 0;
	if (len == 0) {
		*t = 0;		/* strfmt.NewDateTime(): the Unix epoch */
		return 0;
	}
	buf_init(&e, BUF_NOCAP);
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (parse_layout(&layouts[i], s, len, &p, &e) == 0)
			break;
	if (i == sizeof(layouts) / sizeof(layouts[0])) {
		if (errmsg != NULL)
			buf_addstr(errmsg, buf_str(&e));
		buf_release(&e);
		return -1;
	}
	buf_release(&e);
	days = time_days_from_civil(p.year, (unsigned)p.mon, (unsigned)p.day);
	secs = days * 86400 + p.hour * 3600 + p.min * 60 + p.sec - p.off;
	/* Outside what ad_time_t holds (1678..2262): clamp. */
	if (secs >= INT64_MAX / AD_SEC - 1)
		*t = INT64_MAX;
	else if (secs <= INT64_MIN / AD_SEC + 1)
		*t = INT64_MIN + 1;
	else
		*t = secs * AD_SEC + p.nsec;
	*off = p.has_off ? p.off : 0;
	return 0;
}

char *
api_format_datetime(ad_time_t t, int32_t off, char out[API_TIME_MAX])
{
	char	tmp[TIME_FMT_MAX];
	size_t	n;
	int32_t	a = off < 0 ? -off : off;

	time_format_millis(t + (int64_t)off * AD_SEC, tmp);
	n = strlen(tmp);
	if (off == 0 || n == 0 || tmp[n - 1] != 'Z') {
		snprintf(out, API_TIME_MAX, "%s", tmp);
		return out;
	}
	tmp[n - 1] = '\0';
	snprintf(out, API_TIME_MAX, "%s%c%02d:%02d", tmp, off < 0 ? '-' : '+',
	    (int)(a / 3600), (int)(a / 60 % 60));
	return out;
}

/*
 * Go library behaviours the API depends on (see api_gofmt.h): a small
 * reimplementation of time.Parse for the layouts strfmt.DateTime tries,
 * with its leniencies (one-digit hours, ',' as decimal mark, "+25:00"
 * offsets, any number of fraction digits after "05") and its error texts,
 * and of url.ParseRequestURI's validity rules.
 */
#include "alertd/api_gofmt.h"

#include <stdio.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/gourl.h"
#include "alertd/utf8.h"

enum std {
	S_END, S_Y4, S_M2, S_D2, S_H, S_MI, S_S, S_F0, S_F9, S_TZC, S_TZ
};

struct chunk {
	const char	*prefix;	/* literal before the element */
	enum std	 std;
	const char	*stdstr;	/* the element as in the layout */
};

struct layout {
	const char		*text;
	const struct chunk	*c;
};

#define DATE	{ "", S_Y4, "2006" }, { "-", S_M2, "01" }, { "-", S_D2, "02" }
#define HM(sep)	{ sep, S_H, "15" }, { ":", S_MI, "04" }
#define SEC	{ ":", S_S, "05" }

static const struct chunk l_micro[] = { DATE, HM("T"), SEC,
	{ "", S_F0, ".000000" }, { "", S_TZC, "Z07:00" }, { "", S_END, "" } };
static const struct chunk l_micro_nc[] = { DATE, HM("T"), SEC,
	{ "", S_F0, ".000000" }, { "", S_TZ, "Z0700" }, { "", S_END, "" } };
static const struct chunk l_milli[] = { DATE, HM("T"), SEC,
	{ "", S_F0, ".000" }, { "", S_TZC, "Z07:00" }, { "", S_END, "" } };
static const struct chunk l_milli_nc[] = { DATE, HM("T"), SEC,
	{ "", S_F0, ".000" }, { "", S_TZ, "Z0700" }, { "", S_END, "" } };
static const struct chunk l_rfc3339[] = { DATE, HM("T"), SEC,
	{ "", S_TZC, "Z07:00" }, { "", S_END, "" } };
static const struct chunk l_nano[] = { DATE, HM("T"), SEC,
	{ "", S_F9, ".999999999" }, { "", S_TZC, "Z07:00" },
	{ "", S_END, "" } };
static const struct chunk l_local[] = { DATE, HM("T"), SEC,
	{ "", S_END, "" } };
static const struct chunk l_hm_z[] = { DATE, HM("T"), { "Z", S_END, "" } };
static const struct chunk l_hm[] = { DATE, HM("T"), { "", S_END, "" } };
static const struct chunk l_space[] = { DATE, HM(" "), SEC,
	{ "", S_END, "" } };

/* strfmt.DateTimeFormats, in order. */
static const struct layout layouts[] = {
	{ "2006-01-02T15:04:05.000000Z07:00", l_micro },
	{ "2006-01-02T15:04:05.000000Z0700", l_micro_nc },
	{ "2006-01-02T15:04:05.000Z07:00", l_milli },
	{ "2006-01-02T15:04:05.000Z0700", l_milli_nc },
	{ "2006-01-02T15:04:05Z07:00", l_rfc3339 },
	{ "2006-01-02T15:04:05.999999999Z07:00", l_nano },
	{ "2006-01-02T15:04:05", l_local },
	{ "2006-01-02T15:04Z", l_hm_z },
	{ "2006-01-02T15:04", l_hm },
	{ "2006-01-02 15:04:05", l_space },
};

/* A string being parsed: the rest of the value. */
struct str {
	const char	*p;
	size_t		 n;
};

struct tm_parts {
	int64_t	year;
	int	month, day, hour, min, sec, nsec;
	int	off;		/* seconds east of UTC */
};

static bool
isdig(struct str s, size_t i)
{
	return i < s.n && s.p[i] >= '0' && s.p[i] <= '9';
}

static void
adv(struct str *s, size_t k)
{
	s->p += k;
	s->n -= k;
}

/* Go's getnum: one or two digits (two when fixed). */
static int
getnum(struct str *s, bool fixed, int *out)
{
	if (!isdig(*s, 0))
		return -1;
	if (!isdig(*s, 1)) {
		if (fixed)
			return -1;
		*out = s->p[0] - '0';
		adv(s, 1);
		return 0;
	}
	*out = (s->p[0] - '0') * 10 + (s->p[1] - '0');
	adv(s, 2);
	return 0;
}

/* Go's time.atoi: optional sign, then only digits (at least none). */
static int
go_atoi(const char *p, size_t n, int64_t *out)
{
	bool	neg = false;
	int64_t	x = 0;
	size_t	i = 0;

	if (n > 0 && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i = 1;
	}
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' || x > INT64_MAX / 10 - 10)
			return -1;
		x = x * 10 + (p[i] - '0');
	}
	*out = neg ? -x : x;
	return 0;
}

/* Go's parseNanoseconds over the first nbytes of s (s->p[0] is . or ,). */
static int
parse_nanos(struct str s, size_t nbytes, int *ns, const char **range)
{
	int64_t	v;
	size_t	i;

	if (s.p[0] != '.' && s.p[0] != ',')
		return -1;
	if (nbytes > 10)
		nbytes = 10;
	if (go_atoi(s.p + 1, nbytes - 1, &v) == -1)
		return -1;
	if (v < 0) {
		*range = "fractional second";
		return 0;
	}
	for (i = nbytes; i < 10; i++)
		v *= 10;
	*ns = (int)v;
	return 0;
}

/* Go's skip: the literal prefix of a layout chunk. */
static int
skip(struct str *v, const char *prefix)
{
	while (*prefix != '\0') {
		if (*prefix == ' ') {
			if (v->n > 0 && v->p[0] != ' ')
				return -1;
			while (*prefix == ' ')
				prefix++;
			while (v->n > 0 && v->p[0] == ' ')
				adv(v, 1);
			continue;
		}
		if (v->n == 0 || v->p[0] != *prefix)
			return -1;
		prefix++;
		adv(v, 1);
	}
	return 0;
}

static int
parse_zone(struct str *v, bool colon, struct tm_parts *tp)
{
	int64_t	hr, mm;
	char	sign;

	if (v->n >= 1 && v->p[0] == 'Z') {
		adv(v, 1);
		tp->off = 0;
		return 0;
	}
	if (v->n < (colon ? 6u : 5u) || (colon && v->p[3] != ':'))
		return -1;
	sign = v->p[0];
	if (go_atoi(v->p + 1, 2, &hr) == -1 ||
	    go_atoi(v->p + (colon ? 4 : 3), 2, &mm) == -1) {
		adv(v, colon ? 6 : 5);
		return -1;
	}
	adv(v, colon ? 6 : 5);
	tp->off = (int)((hr * 60 + mm) * 60);
	if (sign == '-')
		tp->off = -tp->off;
	else if (sign != '+')
		return -1;
	return 0;
}

static int
parse_second(struct str *v, const struct chunk *next, struct tm_parts *tp,
    const char **range)
{
	size_t	n;

	if (getnum(v, true, &tp->sec) == -1)
		return -1;
	if (tp->sec >= 60) {
		*range = "second";
		return 0;
	}
	if (v->n < 2 || (v->p[0] != '.' && v->p[0] != ',') || !isdig(*v, 1))
		return 0;
	if (next->std == S_F0 || next->std == S_F9)
		return 0;
	for (n = 2; isdig(*v, n); n++)
		;
	if (parse_nanos(*v, n, &tp->nsec, range) == -1)
		return -1;
	adv(v, n);
	return 0;
}

static int
parse_frac9(struct str *v, struct tm_parts *tp, const char **range)
{
	size_t	i = 0;

	if (v->n < 2 || (v->p[0] != '.' && v->p[0] != ',') || !isdig(*v, 1))
		return 0;
	while (i < 9 && isdig(*v, i + 1))
		i++;
	if (parse_nanos(*v, 1 + i, &tp->nsec, range) == -1)
		return -1;
	adv(v, 1 + i);
	return 0;
}

/* One layout element; -1 on a syntax error, *range on a range error. */
static int
parse_std(const struct chunk *c, struct str *v, struct tm_parts *tp,
    const char **range)
{
	int64_t	y;
	size_t	nd;

	switch (c->std) {
	case S_Y4:
		if (v->n < 4 || !isdig(*v, 0))
			return -1;
		adv(v, 4);
		if (go_atoi(v->p - 4, 4, &y) == -1)
			return -1;
		tp->year = y;
		return 0;
	case S_M2:
		if (getnum(v, true, &tp->month) == -1)
			return -1;
		if (tp->month <= 0 || tp->month > 12)
			*range = "month";
		return 0;
	case S_D2:
		return getnum(v, true, &tp->day);
	case S_H:
		if (getnum(v, false, &tp->hour) == -1)
			return -1;
		if (tp->hour >= 24)
			*range = "hour";
		return 0;
	case S_MI:
		if (getnum(v, true, &tp->min) == -1)
			return -1;
		if (tp->min >= 60)
			*range = "minute";
		return 0;
	case S_S:
		return parse_second(v, c + 1, tp, range);
	case S_F0:
		nd = strlen(c->stdstr);
		if (v->n < nd)
			return -1;
		if (parse_nanos(*v, nd, &tp->nsec, range) == -1) {
			adv(v, nd);
			return -1;
		}
		adv(v, nd);
		return 0;
	case S_F9:
		return parse_frac9(v, tp, range);
	case S_TZC:
	case S_TZ:
		return parse_zone(v, c->std == S_TZC, tp);
	case S_END:
		break;
	}
	return 0;
}

/* Go's time.quote. */
static void
time_quote(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t	r;
	size_t		i = 0, j;
	int		w;

	buf_addch(b, '"');
	while (i < len) {
		w = utf8_decode((const unsigned char *)s + i, len - i, &r);
		if (w < 0)
			w = 1;
		if ((unsigned char)s[i] >= 0x80 || (unsigned char)s[i] < ' ') {
			for (j = 0; j < (size_t)w; j++) {
				buf_addstr(b, "\\x");
				buf_addch(b, hex[(unsigned char)s[i + j] >> 4]);
				buf_addch(b, hex[(unsigned char)s[i + j] & 15]);
			}
		} else {
			if (s[i] == '"' || s[i] == '\\')
				buf_addch(b, '\\');
			buf_addch(b, s[i]);
		}
		i += (size_t)w;
	}
	buf_addch(b, '"');
}

static int
days_in(int m, int64_t y)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return dm[m - 1];
}

/* Seconds from 0001-01-01T00:00:00Z to the Unix epoch. */
#define GO_ZERO_UNIX	(-62135596800LL)

static int64_t
unix_secs(const struct tm_parts *tp)
{
	return time_days_from_civil(tp->year, (unsigned)tp->month,
	    (unsigned)tp->day) * 86400 + tp->hour * 3600 + tp->min * 60 +
	    tp->sec - tp->off;
}

/*
 * The instant of tp; -1 outside ad_time_t's range, or with saturate the
 * nearest instant it holds (never AD_TIME_ZERO).
 */
static int
to_time(const struct tm_parts *tp, bool saturate, ad_time_t *t)
{
	int64_t	secs = unix_secs(tp);

	if (secs == GO_ZERO_UNIX && tp->nsec == 0) {
		*t = AD_TIME_ZERO;
		return 0;
	}
	if (__builtin_mul_overflow(secs, AD_SEC, t) ||
	    __builtin_add_overflow(*t, (int64_t)tp->nsec, t) ||
	    *t == AD_TIME_ZERO) {
		if (!saturate)
			return -1;
		*t = secs > 0 ? INT64_MAX : AD_TIME_ZERO + 1;
	}
	return 0;
}

static void
parse_error(struct buf *msg, const struct layout *l, struct str all,
    const char *elem, struct str v, const char *range)
{
	buf_addstr(msg, "parsing time ");
	time_quote(msg, all.p, all.n);
	if (range != NULL) {
		buf_addf(msg, ": %s out of range", range);
		return;
	}
	buf_addstr(msg, " as ");
	time_quote(msg, l->text, strlen(l->text));
	buf_addstr(msg, ": cannot parse ");
	time_quote(msg, v.p, v.n);
	buf_addstr(msg, " as ");
	time_quote(msg, elem, strlen(elem));
}

/* Go's time.Parse(l, s) in UTC; 0, or -1 with its error in msg. */
static int
parse_layout(const struct layout *l, struct str all, struct tm_parts *tp,
    struct buf *msg)
{
	const struct chunk	*c;
	const char		*range = NULL;
	struct str		 v = all;

	memset(tp, 0, sizeof(*tp));
	for (c = l->c;; c++) {
		if (skip(&v, c->prefix) == -1) {
			parse_error(msg, l, all, c->prefix, v, NULL);
			return -1;
		}
		if (c->std == S_END)
			break;
		if (parse_std(c, &v, tp, &range) == -1 || range != NULL) {
			parse_error(msg, l, all, c->stdstr, v, range);
			return -1;
		}
	}
	if (v.n != 0) {
		buf_addstr(msg, "parsing time ");
		time_quote(msg, all.p, all.n);
		buf_addstr(msg, ": extra text: ");
		time_quote(msg, v.p, v.n);
		return -1;
	}
	if (tp->day < 1 || tp->day > days_in(tp->month, tp->year)) {
		buf_addstr(msg, "parsing time ");
		time_quote(msg, all.p, all.n);
		buf_addstr(msg, ": day out of range");
		return -1;
	}
	return 0;
}

static int
parse_datetime(const char *s, size_t len, bool saturate, ad_time_t *t,
    int32_t *off, struct buf *msg)
{
	struct tm_parts	 tp;
	struct buf	 last;
	size_t		 i;
	int		 rc = -1;

	if (len == 0) {
		/* strfmt.NewDateTime(): the Unix epoch, not the zero time. */
		*t = 0;
		*off = 0;
		return 0;
	}
	buf_init(&last, BUF_NOCAP);
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		buf_reset(&last);
		if (parse_layout(&layouts[i], (struct str){ s, len }, &tp,
		    &last) == -1)
			continue;
		if (to_time(&tp, saturate, t) == -1) {
			buf_reset(&last);
			buf_addstr(&last, "parsing time ");
			time_quote(&last, s, len);
			buf_addstr(&last, ": outside the range alertd "
			    "supports (years 1678 to 2262)");
			break;
		}
		*off = tp.off;
		rc = 0;
		break;
	}
	if (rc == -1 && msg != NULL)
		buf_add(msg, buf_str(&last), buf_len(&last));
	buf_release(&last);
	return rc;
}

int
api_go_parse_datetime(const char *s, size_t len, ad_time_t *t, int32_t *off,
    struct buf *msg)
{
	return parse_datetime(s, len, false, t, off, msg);
}

int
api_go_parse_datetime_sat(const char *s, size_t len, ad_time_t *t,
    int32_t *off, struct buf *msg)
{
	return parse_datetime(s, len, true, t, off, msg);
}

int
api_go_datetime_unix(const char *s, size_t len, int64_t *sec, int32_t *nsec)
{
	struct tm_parts	 tp;
	struct buf	 msg;
	size_t		 i;
	int		 rc = -1;

	buf_init(&msg, BUF_NOCAP);
	for (i = 0; len > 0 && i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		buf_reset(&msg);
		if (parse_layout(&layouts[i], (struct str){ s, len }, &tp,
		    &msg) == 0) {
			*sec = unix_secs(&tp);
			*nsec = tp.nsec;
			rc = 0;
			break;
		}
	}
	buf_release(&msg);
	return rc;
}

/* Two decimal digits of v (< 100) at p. */
static char *
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/*
 * The digits by hand rather than through snprintf: GET /api/v2/alerts
 * prints three of these per alert.  Years outside 0..9999 (never for an
 * ad_time_t, but cheap to keep right) take snprintf.
 */
char *
api_go_format_datetime(ad_time_t t, int32_t off, char out[API_GO_TIME_MAX])
{
	int64_t		 secs, days, rem, y;
	unsigned	 mo, d, ms;
	char		*p = out;
	int		 z;

	if (t == AD_TIME_ZERO) {
		secs = GO_ZERO_UNIX;
		ms = 0;
		off = 0;
	} else {
		secs = t / AD_SEC - (t % AD_SEC < 0);
		ms = (unsigned)((t - secs * AD_SEC) / 1000000);
	}
	secs += off;
	days = secs / 86400 - (secs % 86400 < 0);
	rem = secs - days * 86400;
	time_civil_from_days(days, &y, &mo, &d);
	if (y < 0 || y > 9999)
		p += snprintf(p, API_GO_TIME_MAX - 32, "%04lld", (long long)y);
	else {
		p = put2(p, (unsigned)(y / 100));
		p = put2(p, (unsigned)(y % 100));
	}
	*p++ = '-';
	p = put2(p, mo);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (unsigned)(rem / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(rem / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(rem % 60));
	*p++ = '.';
	*p++ = (char)('0' + ms / 100);
	p = put2(p, ms % 100);
	if (off == 0) {
		*p++ = 'Z';
		*p = '\0';
		return out;
	}
	z = off / 60;
	*p++ = z < 0 ? '-' : '+';
	z = z < 0 ? -z : z;
	if (z / 60 >= 100) {
		snprintf(p, 16, "%02d:%02d", z / 60, z % 60);
		return out;
	}
	p = put2(p, (unsigned)(z / 60));
	*p++ = ':';
	p = put2(p, (unsigned)(z % 60));
	*p = '\0';
	return out;
}

/* ------------------------------------------------ url.ParseRequestURI -- */

bool
api_go_request_uri_valid(const char *s, size_t n)
{
	return gourl_parse_request_uri(s, n, NULL, NULL) == 0;
}

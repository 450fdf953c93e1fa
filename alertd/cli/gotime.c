/*
 * Go's time layouts (see gotime.h): the layout is walked element by
 * element as Go's nextStdChunk does, including its quirks ("Jan" is a
 * month only when not followed by a lower-case letter, "_2006" is a
 * literal '_' then the year, a fraction must not be followed by a digit).
 */
#include "alertd/cli/gotime.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"

enum gotime_std {
	STD_NONE, STD_LONG_MONTH, STD_MONTH, STD_NUM_MONTH, STD_ZERO_MONTH,
	STD_LONG_WEEKDAY, STD_WEEKDAY, STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY,
	STD_UNDER_YEARDAY, STD_ZERO_YEARDAY, STD_HOUR, STD_HOUR12,
	STD_ZERO_HOUR12, STD_MINUTE, STD_ZERO_MINUTE, STD_SECOND,
	STD_ZERO_SECOND, STD_LONG_YEAR, STD_YEAR, STD_PM, STD_LPM, STD_TZ,
	STD_ISO_TZ, STD_ISO_SECONDS_TZ, STD_ISO_SHORT_TZ, STD_ISO_COLON_TZ,
	STD_ISO_COLON_SECONDS_TZ, STD_NUM_TZ, STD_NUM_SECONDS_TZ,
	STD_NUM_SHORT_TZ, STD_NUM_COLON_TZ, STD_NUM_COLON_SECONDS_TZ,
	STD_FRAC0, STD_FRAC9
};

/* One element: layout[0..prefix) is literal, then the element. */
struct gotime_chunk {
	size_t		prefix;
	enum gotime_std	std;
	size_t		len;		/* bytes of the element */
	int		digits;		/* fractions */
	char		sep;		/* fractions: '.' or ',' */
};

#define GOTIME_ZERO_SEC	(-62135596800LL)	/* 0001-01-01T00:00:00Z */

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};
static const char *const day_names[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

static bool
has(const char *s, size_t i, const char *lit)
{
	return strncmp(s + i, lit, strlen(lit)) == 0;
}

static bool
starts_lower(const char *s)
{
	return *s >= 'a' && *s <= 'z';
}

static bool
isdig(const char *s, size_t i)
{
	return s[i] >= '0' && s[i] <= '9';
}

static bool
chunk_set(struct gotime_chunk *c, size_t i, enum gotime_std std, size_t len)
{
	c->prefix = i;
	c->std = std;
	c->len = len;
	return true;
}

/* Numeric zones, "-0700" ... and "Z0700" ...; z is 'Z' or '-'. */
static bool
chunk_zone(const char *l, size_t i, struct gotime_chunk *c)
{
	static const struct {
		const char	*lit;
		enum gotime_std	 num, iso;
	} zones[] = {
		{ "070000", STD_NUM_SECONDS_TZ, STD_ISO_SECONDS_TZ },
		{ "07:00:00", STD_NUM_COLON_SECONDS_TZ,
		    STD_ISO_COLON_SECONDS_TZ },
		{ "0700", STD_NUM_TZ, STD_ISO_TZ },
		{ "07:00", STD_NUM_COLON_TZ, STD_ISO_COLON_TZ },
		{ "07", STD_NUM_SHORT_TZ, STD_ISO_SHORT_TZ },
	};
	size_t	k;

	for (k = 0; k < sizeof(zones) / sizeof(zones[0]); k++) {
		if (has(l, i + 1, zones[k].lit))
			return chunk_set(c, i, l[i] == '-' ? zones[k].num :
			    zones[k].iso, 1 + strlen(zones[k].lit));
	}
	return false;
}

static bool
chunk_frac(const char *l, size_t i, struct gotime_chunk *c)
{
	char	ch = l[i + 1];
	size_t	j = i + 1;

	if (ch != '0' && ch != '9')
		return false;
	while (l[j] == ch)
		j++;
	if (isdig(l, j))
		return false;
	chunk_set(c, i, ch == '0' ? STD_FRAC0 : STD_FRAC9, j - i);
	c->digits = (int)(j - i - 1);
	c->sep = l[i];
	return true;
}

static bool
chunk_at(const char *l, size_t i, struct gotime_chunk *c)
{
	static const enum gotime_std zero_x[] = { STD_ZERO_MONTH,
	    STD_ZERO_DAY, STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND,
	    STD_YEAR };

	switch (l[i]) {
	case 'J':
		if (has(l, i, "January"))
			return chunk_set(c, i, STD_LONG_MONTH, 7);
		if (has(l, i, "Jan") && !starts_lower(l + i + 3))
			return chunk_set(c, i, STD_MONTH, 3);
		return false;
	case 'M':
		if (has(l, i, "Monday"))
			return chunk_set(c, i, STD_LONG_WEEKDAY, 6);
		if (has(l, i, "Mon") && !starts_lower(l + i + 3))
			return chunk_set(c, i, STD_WEEKDAY, 3);
		if (has(l, i, "MST"))
			return chunk_set(c, i, STD_TZ, 3);
		return false;
	case '0':
		if (l[i + 1] >= '1' && l[i + 1] <= '6')
			return chunk_set(c, i, zero_x[l[i + 1] - '1'], 2);
		if (has(l, i, "002"))
			return chunk_set(c, i, STD_ZERO_YEARDAY, 3);
		return false;
	case '1':
		if (l[i + 1] == '5')
			return chunk_set(c, i, STD_HOUR, 2);
		return chunk_set(c, i, STD_NUM_MONTH, 1);
	case '2':
		if (has(l, i, "2006"))
			return chunk_set(c, i, STD_LONG_YEAR, 4);
		return chunk_set(c, i, STD_DAY, 1);
	case '_':
		if (has(l, i, "_2006")) {
			/* A literal '_' and the year. */
			return chunk_set(c, i + 1, STD_LONG_YEAR, 4);
		}
		if (l[i + 1] == '2')
			return chunk_set(c, i, STD_UNDER_DAY, 2);
		if (has(l, i, "__2"))
			return chunk_set(c, i, STD_UNDER_YEARDAY, 3);
		return false;
	case '3':
		return chunk_set(c, i, STD_HOUR12, 1);
	case '4':
		return chunk_set(c, i, STD_MINUTE, 1);
	case '5':
		return chunk_set(c, i, STD_SECOND, 1);
	case 'P':
		return l[i + 1] == 'M' && chunk_set(c, i, STD_PM, 2);
	case 'p':
		return l[i + 1] == 'm' && chunk_set(c, i, STD_LPM, 2);
	case '-':
	case 'Z':
		return chunk_zone(l, i, c);
	case '.':
	case ',':
		return chunk_frac(l, i, c);
	}
	return false;
}

/* Go's nextStdChunk. */
static void
next_chunk(const char *layout, struct gotime_chunk *c)
{
	size_t	i;

	memset(c, 0, sizeof(*c));
	for (i = 0; layout[i] != '\0'; i++) {
		if (chunk_at(layout, i, c))
			return;
	}
	c->prefix = i;
	c->std = STD_NONE;
}

void
gotime_utc(struct gotime *t, int64_t sec, int32_t nsec)
{
	t->sec = sec;
	t->nsec = nsec;
	t->off = 0;
	snprintf(t->zone, sizeof(t->zone), "UTC");
}

void
gotime_local(struct gotime *t, int64_t sec, int32_t nsec)
{
	struct tm	tm;
	time_t		tt = (time_t)sec;

	gotime_utc(t, sec, nsec);
	if (localtime_r(&tt, &tm) == NULL)
		return;
	t->off = (int32_t)tm.tm_gmtoff;
	snprintf(t->zone, sizeof(t->zone), "%s",
	    tm.tm_zone != NULL ? tm.tm_zone : "");
}

void
gotime_zero(struct gotime *t)
{
	gotime_utc(t, GOTIME_ZERO_SEC, 0);
}

int
gotime_is_zero(const struct gotime *t)
{
	return t->sec == GOTIME_ZERO_SEC && t->nsec == 0;
}

int
gotime_cmp(const struct gotime *a, const struct gotime *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}

/* Go's appendInt: zero-padded to width, '-' before the padding. */
static int
add_int(struct buf *out, int64_t v, int width)
{
	char	tmp[32];
	int	n;

	if (v < 0) {
		if (buf_addch(out, '-') == -1)
			return -1;
		v = -v;
	}
	n = snprintf(tmp, sizeof(tmp), "%0*lld", width, (long long)v);
	return buf_add(out, tmp, (size_t)n);
}

struct gotime_fields {
	int64_t		year;
	unsigned	month, day;
	int		yday, wday, hour, min, sec;
};

static void
fields(const struct gotime *t, struct gotime_fields *f)
{
	int64_t	local = t->sec + t->off;
	int64_t	days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t	secs = local - days * 86400;

	time_civil_from_days(days, &f->year, &f->month, &f->day);
	f->yday = (int)(days - time_days_from_civil(f->year, 1, 1)) + 1;
	f->wday = (int)(((days % 7) + 7 + 4) % 7);
	f->hour = (int)(secs / 3600);
	f->min = (int)(secs / 60 % 60);
	f->sec = (int)(secs % 60);
}

static int
format_zone(struct buf *out, const struct gotime *t, enum gotime_std std)
{
	int	off = t->off, zone, rc = 0;
	bool	iso = std == STD_ISO_TZ || std == STD_ISO_COLON_TZ ||
		    std == STD_ISO_SECONDS_TZ || std == STD_ISO_SHORT_TZ ||
		    std == STD_ISO_COLON_SECONDS_TZ;
	bool	colon = std == STD_ISO_COLON_TZ || std == STD_NUM_COLON_TZ ||
		    std == STD_ISO_COLON_SECONDS_TZ ||
		    std == STD_NUM_COLON_SECONDS_TZ;
	bool	secs = std == STD_ISO_SECONDS_TZ || std == STD_NUM_SECONDS_TZ ||
		    std == STD_ISO_COLON_SECONDS_TZ ||
		    std == STD_NUM_COLON_SECONDS_TZ;

	if (off == 0 && iso)
		return buf_addch(out, 'Z');
	rc |= buf_addch(out, off < 0 ? '-' : '+');
	off = off < 0 ? -off : off;
	zone = off / 60;
	rc |= add_int(out, zone / 60, 2);
	if (colon)
		rc |= buf_addch(out, ':');
	if (std != STD_NUM_SHORT_TZ && std != STD_ISO_SHORT_TZ)
		rc |= add_int(out, zone % 60, 2);
	if (secs) {
		if (colon)
			rc |= buf_addch(out, ':');
		rc |= add_int(out, off % 60, 2);
	}
	return rc;
}

static int
format_frac(struct buf *out, int32_t nsec, const struct gotime_chunk *c)
{
	char	digits[10];
	int	n = c->digits > 9 ? 9 : c->digits;

	snprintf(digits, sizeof(digits), "%09d", (int)nsec);
	if (c->std == STD_FRAC9) {
		while (n > 0 && digits[n - 1] == '0')
			n--;
		if (n == 0)
			return 0;
	}
	if (buf_addch(out, c->sep) == -1)
		return -1;
	return buf_add(out, digits, (size_t)n);
}

static int
format_tz_name(struct buf *out, const struct gotime *t)
{
	int	zone = t->off / 60, rc = 0;

	if (t->zone[0] != '\0')
		return buf_addstr(out, t->zone);
	rc |= buf_addch(out, zone < 0 ? '-' : '+');
	zone = zone < 0 ? -zone : zone;
	rc |= add_int(out, zone / 60, 2);
	rc |= add_int(out, zone % 60, 2);
	return rc;
}

static int
hour12(int hour)
{
	return hour % 12 == 0 ? 12 : hour % 12;
}

static int
format_one(struct buf *out, const struct gotime *t,
    const struct gotime_fields *f, const struct gotime_chunk *c)
{
	switch (c->std) {
	case STD_YEAR:
		return add_int(out, (f->year < 0 ? -f->year : f->year) % 100, 2);
	case STD_LONG_YEAR:	return add_int(out, f->year, 4);
	case STD_MONTH:
		return buf_add(out, month_names[f->month - 1], 3);
	case STD_LONG_MONTH:
		return buf_addstr(out, month_names[f->month - 1]);
	case STD_NUM_MONTH:	return add_int(out, f->month, 0);
	case STD_ZERO_MONTH:	return add_int(out, f->month, 2);
	case STD_WEEKDAY:	return buf_add(out, day_names[f->wday], 3);
	case STD_LONG_WEEKDAY:	return buf_addstr(out, day_names[f->wday]);
	case STD_DAY:		return add_int(out, f->day, 0);
	case STD_UNDER_DAY:
		if (f->day < 10 && buf_addch(out, ' ') == -1)
			return -1;
		return add_int(out, f->day, 0);
	case STD_ZERO_DAY:	return add_int(out, f->day, 2);
	case STD_UNDER_YEARDAY:
		if (buf_addstr(out, f->yday < 10 ? "  " :
		    f->yday < 100 ? " " : "") == -1)
			return -1;
		return add_int(out, f->yday, 0);
	case STD_ZERO_YEARDAY:	return add_int(out, f->yday, 3);
	case STD_HOUR:		return add_int(out, f->hour, 2);
	case STD_HOUR12:	return add_int(out, hour12(f->hour), 0);
	case STD_ZERO_HOUR12:	return add_int(out, hour12(f->hour), 2);
	case STD_MINUTE:	return add_int(out, f->min, 0);
	case STD_ZERO_MINUTE:	return add_int(out, f->min, 2);
	case STD_SECOND:	return add_int(out, f->sec, 0);
	case STD_ZERO_SECOND:	return add_int(out, f->sec, 2);
	case STD_PM:	return buf_addstr(out, f->hour >= 12 ? "PM" : "AM");
	case STD_LPM:	return buf_addstr(out, f->hour >= 12 ? "pm" : "am");
	case STD_TZ:		return format_tz_name(out, t);
	case STD_FRAC0:
	case STD_FRAC9:		return format_frac(out, t->nsec, c);
	case STD_NONE:		return 0;
	default:		return format_zone(out, t, c->std);
	}
}

int
gotime_format(struct buf *out, const struct gotime *t, const char *layout)
{
	struct gotime_fields	f;
	struct gotime_chunk	c;
	int			rc = 0;

	fields(t, &f);
	while (*layout != '\0') {
		next_chunk(layout, &c);
		rc |= buf_add(out, layout, c.prefix);
		if (c.std == STD_NONE)
			break;
		rc |= format_one(out, t, &f, &c);
		layout += c.prefix + c.len;
	}
	return rc != 0 ? -1 : 0;
}

/* ------------------------------------------------------------ parsing */

struct gotime_parse {
	int64_t	year;
	int	month, day, yday, hour, min, sec, nsec;
	bool	utc, am, pm;
	int	zoff;			/* -1: none */
	bool	has_off;
	char	zname[GOTIME_ZONE_MAX];
};

/* The time package's own quote(): bytes >= 0x80 and controls as \xNN. */
static void
quote_time(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	buf_addch(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80 || *p < ' ') {
			buf_addstr(b, "\\x");
			buf_addch(b, hex[*p >> 4]);
			buf_addch(b, hex[*p & 15]);
			continue;
		}
		if (*p == '"' || *p == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

/* Go's ParseError.Error(); elem NULL means the message form. */
static int
parse_error(struct ad_err *err, const char *layout, const char *value,
    const char *elem, size_t elemlen, const char *rest, const char *msg)
{
	struct buf	b;
	char		*e;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "parsing time ");
	quote_time(&b, value);
	if (msg != NULL) {
		buf_addstr(&b, msg);
	} else {
		e = xstrndup(elem, elemlen);
		buf_addstr(&b, " as ");
		quote_time(&b, layout);
		buf_addstr(&b, ": cannot parse ");
		quote_time(&b, rest);
		buf_addstr(&b, " as ");
		quote_time(&b, e);
		free(e);
	}
	ad_err_set(err, AD_EINVAL, "%s", buf_str(&b));
	buf_release(&b);
	return -1;
}

/* ": extra text: \"...\"" */
static int
parse_extra(struct ad_err *err, const char *layout, const char *value,
    const char *rest)
{
	struct buf	b;
	int		rc;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, ": extra text: ");
	quote_time(&b, rest);
	rc = parse_error(err, layout, value, NULL, 0, rest, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* Go's getnum: one or two digits (two when fixed). */
static int
getnum(const char **s, bool fixed, int *v)
{
	const char	*p = *s;

	if (!isdig(p, 0))
		return -1;
	if (!isdig(p, 1)) {
		if (fixed)
			return -1;
		*v = p[0] - '0';
		*s = p + 1;
		return 0;
	}
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	*s = p + 2;
	return 0;
}

static int
getnum3(const char **s, bool fixed, int *v)
{
	int	i, n = 0;

	for (i = 0; i < 3 && isdig(*s, (size_t)i); i++)
		n = n * 10 + ((*s)[i] - '0');
	if (i == 0 || (fixed && i != 3))
		return -1;
	*v = n;
	*s += i;
	return 0;
}

/* Go's skip: literal text, where a space matches any run of spaces. */
static int
skip_prefix(const char **value, const char *prefix, size_t n)
{
	const char	*v = *value;
	size_t		 i = 0;

	while (i < n) {
		if (prefix[i] == ' ') {
			if (*v != '\0' && *v != ' ')
				return -1;
			while (i < n && prefix[i] == ' ')
				i++;
			while (*v == ' ')
				v++;
			continue;
		}
		if (*v == '\0' || *v != prefix[i])
			return -1;
		i++;
		v++;
	}
	*value = v;
	return 0;
}

/* Go's lookup: a case-insensitive name (full or 3-letter) prefix. */
static int
lookup_name(const char **s, const char *const *names, size_t n, bool abbr,
    int *idx)
{
	size_t	i, len;

	for (i = 0; i < n; i++) {
		len = abbr ? 3 : strlen(names[i]);
		if (strncasecmp(*s, names[i], len) == 0) {
			*idx = (int)i;
			*s += len;
			return 0;
		}
	}
	return -1;
}

/* Go's parseNanoseconds over s[0..n) (s[0] is the separator). */
static int
parse_nanos(const char *s, size_t n, int *ns)
{
	size_t	i;
	int	v = 0;

	if (s[0] != '.' && s[0] != ',')
		return -1;
	if (n > 10)
		n = 10;
	for (i = 1; i < n; i++) {
		if (!isdig(s, i))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	for (; i < 10; i++)
		v *= 10;
	*ns = v;
	return 0;
}

static int
parse_digits(const char *s, size_t n, int *v)
{
	size_t	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdig(s, i))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
parse_zone(const char **value, enum gotime_std std, struct gotime_parse *p)
{
	const char	*v = *value;
	size_t		 len = strlen(v), hpos = 1, mpos = 0, spos = 0, used;
	int		 hr, mm = 0, ss = 0;

	if ((std == STD_ISO_TZ || std == STD_ISO_SHORT_TZ ||
	    std == STD_ISO_COLON_TZ) && v[0] == 'Z') {
		*value = v + 1;
		p->utc = true;
		return 0;
	}
	switch (std) {
	case STD_ISO_COLON_TZ:
	case STD_NUM_COLON_TZ:
		if (len < 6 || v[3] != ':')
			return -1;
		mpos = 4, used = 6;
		break;
	case STD_NUM_SHORT_TZ:
	case STD_ISO_SHORT_TZ:
		if (len < 3)
			return -1;
		used = 3;
		break;
	case STD_ISO_COLON_SECONDS_TZ:
	case STD_NUM_COLON_SECONDS_TZ:
		if (len < 9 || v[3] != ':' || v[6] != ':')
			return -1;
		mpos = 4, spos = 7, used = 9;
		break;
	case STD_ISO_SECONDS_TZ:
	case STD_NUM_SECONDS_TZ:
		if (len < 7)
			return -1;
		mpos = 3, spos = 5, used = 7;
		break;
	default:
		if (len < 5)
			return -1;
		mpos = 3, used = 5;
	}
	if (parse_digits(v + hpos, 2, &hr) == -1 ||
	    (mpos != 0 && parse_digits(v + mpos, 2, &mm) == -1) ||
	    (spos != 0 && parse_digits(v + spos, 2, &ss) == -1) ||
	    (v[0] != '+' && v[0] != '-'))
		return -1;
	p->zoff = ((hr * 60 + mm) * 60 + ss) * (v[0] == '-' ? -1 : 1);
	p->has_off = true;
	*value = v + used;
	return 0;
}

/* Go's parseTimeZone, reduced to "UTC" and upper-case abbreviations. */
static int
parse_tz_name(const char **value, struct gotime_parse *p)
{
	const char	*v = *value;
	size_t		 n = 0;

	if (strncmp(v, "UTC", 3) == 0) {
		p->utc = true;
		*value = v + 3;
		return 0;
	}
	while (n < 5 && v[n] >= 'A' && v[n] <= 'Z')
		n++;
	if (n < 3)
		return -1;
	snprintf(p->zname, sizeof(p->zname), "%.*s", (int)n, v);
	*value = v + n;
	return 0;
}

/* Seconds, and Go's quirk: a fraction after them is read here. */
static int
parse_seconds(const char **value, enum gotime_std std, const char *rest,
    struct gotime_parse *p, const char **range)
{
	struct gotime_chunk	c;
	const char		*v;
	size_t			 n;

	if (getnum(value, std == STD_ZERO_SECOND, &p->sec) == -1)
		return -1;
	if (p->sec < 0 || p->sec >= 60) {
		*range = "second";
		return 0;
	}
	v = *value;
	if (!((v[0] == '.' || v[0] == ',') && isdig(v, 1)))
		return 0;
	next_chunk(rest, &c);
	if (c.std == STD_FRAC0 || c.std == STD_FRAC9)
		return 0;
	for (n = 2; isdig(v, n); n++)
		;
	if (parse_nanos(v, n, &p->nsec) == -1)
		return -1;
	*value = v + n;
	return 0;
}

static int
parse_frac(const char **value, const struct gotime_chunk *c,
    struct gotime_parse *p)
{
	const char	*v = *value;
	size_t		 n;

	if (c->std == STD_FRAC0) {
		n = 1 + (size_t)c->digits;
		if (strlen(v) < n || parse_nanos(v, n, &p->nsec) == -1)
			return -1;
		*value = v + n;
		return 0;
	}
	if (!((v[0] == '.' || v[0] == ',') && isdig(v, 1)))
		return 0;
	for (n = 0; n < 9 && isdig(v, n + 1); n++)
		;
	if (parse_nanos(v, n + 1, &p->nsec) == -1)
		return -1;
	*value = v + n + 1;
	return 0;
}

static int
parse_ampm(const char **value, bool upper, struct gotime_parse *p)
{
	const char	*v = *value;

	if (strlen(v) < 2)
		return -1;
	if (strncmp(v, upper ? "PM" : "pm", 2) == 0)
		p->pm = true;
	else if (strncmp(v, upper ? "AM" : "am", 2) == 0)
		p->am = true;
	else
		return -1;
	*value = v + 2;
	return 0;
}

static int
parse_year(const char **value, bool lng, struct gotime_parse *p)
{
	const char	*v = *value;
	int		 y;

	if (!lng) {
		if (strlen(v) < 2 || parse_digits(v, 2, &y) == -1)
			return -1;
		p->year = y >= 69 ? 1900 + y : 2000 + y;
		*value = v + 2;
		return 0;
	}
	if (strlen(v) < 4 || parse_digits(v, 4, &y) == -1)
		return -1;
	p->year = y;
	*value = v + 4;
	return 0;
}

/* One element; *range names a field out of range (Go's rangeErrString). */
static int
parse_one(const char **v, const struct gotime_chunk *c, const char *rest,
    struct gotime_parse *p, const char **range)
{
	int	rc = 0, idx = 0;

	switch (c->std) {
	case STD_YEAR:
	case STD_LONG_YEAR:
		return parse_year(v, c->std == STD_LONG_YEAR, p);
	case STD_MONTH:
	case STD_LONG_MONTH:
		rc = lookup_name(v, month_names, 12, c->std == STD_MONTH, &idx);
		p->month = idx + 1;
		return rc;
	case STD_NUM_MONTH:
	case STD_ZERO_MONTH:
		rc = getnum(v, c->std == STD_ZERO_MONTH, &p->month);
		if (rc == 0 && (p->month <= 0 || p->month > 12))
			*range = "month";
		return rc;
	case STD_WEEKDAY:
	case STD_LONG_WEEKDAY:
		return lookup_name(v, day_names, 7, c->std == STD_WEEKDAY,
		    &idx);
	case STD_DAY:
	case STD_UNDER_DAY:
	case STD_ZERO_DAY:
		if (c->std == STD_UNDER_DAY && **v == ' ')
			(*v)++;
		return getnum(v, c->std == STD_ZERO_DAY, &p->day);
	case STD_UNDER_YEARDAY:
	case STD_ZERO_YEARDAY:
		while (c->std == STD_UNDER_YEARDAY && **v == ' ')
			(*v)++;
		return getnum3(v, c->std == STD_ZERO_YEARDAY, &p->yday);
	case STD_HOUR:
		rc = getnum(v, false, &p->hour);
		if (p->hour < 0 || p->hour >= 24)
			*range = "hour";
		return rc;
	case STD_HOUR12:
	case STD_ZERO_HOUR12:
		rc = getnum(v, c->std == STD_ZERO_HOUR12, &p->hour);
		if (p->hour < 0 || p->hour > 12)
			*range = "hour";
		return rc;
	case STD_MINUTE:
	case STD_ZERO_MINUTE:
		rc = getnum(v, c->std == STD_ZERO_MINUTE, &p->min);
		if (p->min < 0 || p->min >= 60)
			*range = "minute";
		return rc;
	case STD_SECOND:
	case STD_ZERO_SECOND:
		return parse_seconds(v, c->std, rest, p, range);
	case STD_PM:
	case STD_LPM:
		return parse_ampm(v, c->std == STD_PM, p);
	case STD_TZ:
		return parse_tz_name(v, p);
	case STD_FRAC0:
	case STD_FRAC9:
		return parse_frac(v, c, p);
	case STD_NONE:
		return 0;
	default:
		return parse_zone(v, c->std, p);
	}
}

static bool
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in(int month, int64_t year)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (month == 2 && is_leap(year))
		return 29;
	return d[month - 1];
}

/* Day of year to month and day, as Go's parse does it. */
static const char *
resolve_yday(struct gotime_parse *p)
{
	int	m = 1, d = p->yday;

	if (d < 1 || d > (is_leap(p->year) ? 366 : 365))
		return ": day-of-year out of range";
	while (d > days_in(m, p->year))
		d -= days_in(m++, p->year);
	if (p->month >= 0 && p->month != m)
		return ": day-of-year does not match month";
	if (p->day >= 0 && p->day != d)
		return ": day-of-year does not match day";
	p->month = m;
	p->day = d;
	return NULL;
}

/* The instant, and the zone as Go's parse picks it. */
static void
parse_finish(const struct gotime_parse *p, struct gotime *t)
{
	int64_t		days = time_days_from_civil(p->year,
			    (unsigned)p->month, (unsigned)p->day);
	int64_t		sec = days * 86400 + p->hour * 3600 + p->min * 60 +
			    p->sec;
	struct gotime	local;

	gotime_utc(t, sec, p->nsec);
	if (p->utc)
		return;
	if (p->has_off) {
		t->sec -= p->zoff;
		gotime_local(&local, t->sec, t->nsec);
		if (local.off == p->zoff && (p->zname[0] == '\0' ||
		    strcmp(local.zone, p->zname) == 0)) {
			*t = local;
			return;
		}
		t->off = p->zoff;
		snprintf(t->zone, sizeof(t->zone), "%s", p->zname);
		return;
	}
	if (p->zname[0] != '\0') {
		gotime_local(&local, t->sec, t->nsec);
		if (strcmp(local.zone, p->zname) == 0) {
			t->sec -= local.off;
			gotime_local(t, t->sec, t->nsec);
			return;
		}
		snprintf(t->zone, sizeof(t->zone), "%s", p->zname);
	}
}

int
gotime_parse(const char *layout, const char *s, struct gotime *t,
    struct ad_err *err)
{
	struct gotime_parse	p = { .month = -1, .day = -1, .yday = -1,
				    .zoff = -1 };
	struct gotime_chunk	c;
	const char		*l = layout, *v = s, *range = NULL, *msg;
	char			 tmp[128];

	for (;;) {
		next_chunk(l, &c);
		if (skip_prefix(&v, l, c.prefix) == -1)
			return parse_error(err, layout, s, l, c.prefix, v,
			    NULL);
		if (c.std == STD_NONE) {
			if (*v == '\0')
				break;
			return parse_extra(err, layout, s, v);
		}
		l += c.prefix + c.len;
		if (parse_one(&v, &c, l, &p, &range) == -1 || range != NULL) {
			if (range == NULL)
				return parse_error(err, layout, s,
				    l - c.len, c.len, v, NULL);
			snprintf(tmp, sizeof(tmp), ": %s out of range", range);
			return parse_error(err, layout, s, NULL, 0, v, tmp);
		}
	}
	if (p.pm && p.hour < 12)
		p.hour += 12;
	else if (p.am && p.hour == 12)
		p.hour = 0;
	if (p.yday >= 0) {
		msg = resolve_yday(&p);
		if (msg != NULL)
			return parse_error(err, layout, s, NULL, 0, v, msg);
	}
	if (p.month < 0)
		p.month = 1;
	if (p.day < 0)
		p.day = 1;
	if (p.day < 1 || p.day > days_in(p.month, p.year))
		return parse_error(err, layout, s, NULL, 0, v,
		    ": day out of range");
	parse_finish(&p, t);
	return 0;
}

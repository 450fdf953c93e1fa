/*
 * Time parsing and formatting with Go's exact output (see timeutil.h).
 * Civil-date conversion after Howard Hinnant's days_from_civil.
 */
#include "alertd/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alertd/buf.h"
#include "alertd/err.h"

ad_time_t
ad_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ad_time_t)ts.tv_sec * AD_SEC + ts.tv_nsec;
}

int64_t
ad_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * AD_SEC + ts.tv_nsec;
}

int64_t
time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int
digits(const char *s, size_t n, int *out)
{
	size_t	i;
	int	v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int
time_parse_rfc3339(const char *s, size_t len, ad_time_t *t)
{
	int		Y, M, D, h, mi, sec, oh = 0, om = 0;
	int64_t		days, secs, frac = 0, scale = AD_SEC;
	size_t		i;

	if (len < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M) || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	i = 19;
	if (i < len && (s[i] == '.' || s[i] == ',')) {
		size_t	start = ++i;

		while (i < len && isdigit((unsigned char)s[i])) {
			if (i - start < 9) {
				frac = frac * 10 + (s[i] - '0');
				scale /= 10;
			}
			i++;
		}
		if (i == start)
			return -1;
		frac *= scale;
	}
	if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z'))
		;
	else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':' && digits(s + i + 1, 2, &oh) == 0 &&
	    digits(s + i + 4, 2, &om) == 0 && oh < 24 && om < 60) {
		if (s[i] == '-') {
			oh = -oh;
			om = -om;
		}
	} else
		return -1;
	if (Y == 1 && M == 1 && D == 1 && h == 0 && mi == 0 && sec == 0 &&
	    frac == 0 && oh == 0 && om == 0) {
		*t = AD_TIME_ZERO;
		return 0;
	}
	if (Y < 1678 || Y > 2261)
		return -1;
	days = time_days_from_civil(Y, (unsigned)M, (unsigned)D);
	secs = days * 86400 + h * 3600 + mi * 60 + sec - oh * 3600 - om * 60;
	*t = secs * AD_SEC + frac;
	return 0;
}

static void
split(ad_time_t t, struct tm *tm, long *nsec)
{
	int64_t		secs, days, rem, y;
	unsigned	m, d;

	secs = t / AD_SEC;
	*nsec = (long)(t % AD_SEC);
	if (*nsec < 0) {
		*nsec += AD_SEC;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	tm->tm_year = (int)y;
	tm->tm_mon = (int)m;
	tm->tm_mday = (int)d;
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
}

char *
time_format_rfc3339nano(ad_time_t t, char out[TIME_FMT_MAX])
{
	struct tm	tm;
	long		ns;
	int		n, digs;
	char		fr[16];

	if (t == AD_TIME_ZERO)
		return strcpy(out, "0001-01-01T00:00:00Z");
	split(t, &tm, &ns);
	n = snprintf(out, TIME_FMT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d",
	    tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
	if (ns != 0) {
		snprintf(fr, sizeof(fr), "%09ld", ns);
		for (digs = 9; fr[digs - 1] == '0'; digs--)
			;
		fr[digs] = '\0';
		n += snprintf(out + n, TIME_FMT_MAX - (size_t)n, ".%s", fr);
	}
	snprintf(out + n, TIME_FMT_MAX - (size_t)n, "Z");
	return out;
}

char *
time_format_millis(ad_time_t t, char out[TIME_FMT_MAX])
{
	struct tm	tm;
	long		ns;

	if (t == AD_TIME_ZERO)
		return strcpy(out, "0001-01-01T00:00:00.000Z");
	split(t, &tm, &ns);
	snprintf(out, TIME_FMT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ns / 1000000);
	return out;
}

char *
time_format_rfc3339(ad_time_t t, char out[TIME_FMT_MAX])
{
	struct tm	tm;
	long		ns;

	if (t == AD_TIME_ZERO)
		return strcpy(out, "0001-01-01T00:00:00Z");
	split(t, &tm, &ns);
	snprintf(out, TIME_FMT_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
	return out;
}

int
dur_parse_prom(const char *s, ad_dur_t *d, struct ad_err *err)
{
	static const struct { const char *unit; int64_t ms; } units[] = {
		{ "y", 365LL * 86400000 }, { "w", 7LL * 86400000 },
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 },
		{ "s", 1000 }, { "ms", 1 },
	};
	const char	*p = s;
	size_t		 u = 0, ul;
	int64_t		 total = 0, n;
	int		 overflow = 0, any = 0;

	if (strcmp(s, "0") == 0) {
		*d = 0;
		return 0;
	}
	if (*s == '\0')
		return ad_err_set(err, AD_EINVAL, "empty duration string");
	while (*p != '\0') {
		const char *q = p;

		n = 0;
		while (isdigit((unsigned char)*q)) {
			if (n > (INT64_MAX - 9) / 10)
				overflow = 1;
			else
				n = n * 10 + (*q - '0');
			q++;
		}
		if (q == p)
			goto bad;
		/* The units must come in order, each at most once. */
		for (; u < sizeof(units) / sizeof(units[0]); u++) {
			ul = strlen(units[u].unit);
			if (strncmp(q, units[u].unit, ul) == 0 &&
			    !(ul == 1 && units[u].unit[0] == 'm' && q[1] == 's'))
				break;
		}
		if (u == sizeof(units) / sizeof(units[0]))
			goto bad;
		if (n > INT64_MAX / AD_MS / units[u].ms)
			overflow = 1;
		else {
			total += n * units[u].ms * AD_MS;
			if (total < 0)
				overflow = 1;
		}
		p = q + strlen(units[u].unit);
		u++;
		any = 1;
	}
	if (!any)
		goto bad;
	if (overflow)
		return ad_err_set(err, AD_EINVAL, "duration out of range");
	*d = total;
	return 0;
bad:
	{
		struct buf	b;

		buf_init(&b, 400);
		buf_add_goquote(&b, s, strlen(s));
		ad_err_set(err, AD_EINVAL, "not a valid duration string: %s",
		    buf_str(&b));
		buf_release(&b);
	}
	return -1;
}

char *
dur_format_prom(ad_dur_t d, char out[DUR_FMT_MAX])
{
	static const struct { const char *unit; int64_t ms; int exact; } u[] = {
		{ "y", 365LL * 86400000, 1 }, { "w", 7LL * 86400000, 1 },
		{ "d", 86400000, 0 }, { "h", 3600000, 0 }, { "m", 60000, 0 },
		{ "s", 1000, 0 }, { "ms", 1, 0 },
	};
	int64_t	ms = d / AD_MS, v;
	size_t	i, n = 0;

	out[0] = '\0';
	if (ms == 0)
		return strcpy(out, "0s");
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (u[i].exact && ms % u[i].ms != 0)
			continue;
		v = ms / u[i].ms;
		if (v > 0) {
			n += (size_t)snprintf(out + n, DUR_FMT_MAX - n,
			    "%lld%s", (long long)v, u[i].unit);
			ms -= v * u[i].ms;
		}
	}
	return out;
}

/* Go's fmtInt: writes v backwards ending before buf[w]; returns new w. */
static int
fmt_int(char *buf, int w, uint64_t v)
{
	do {
		buf[--w] = (char)(v % 10 + '0');
		v /= 10;
	} while (v > 0);
	return w;
}

/* Go's fmtFrac: the prec low digits of *v as ".ddd" without trailing zeros. */
static int
fmt_frac(char *buf, int w, uint64_t *v, int prec)
{
	int	i, printed = 0, digit;

	for (i = 0; i < prec; i++) {
		digit = (int)(*v % 10);
		printed = printed || digit != 0;
		if (printed)
			buf[--w] = (char)(digit + '0');
		*v /= 10;
	}
	if (printed)
		buf[--w] = '.';
	return w;
}

/* time.Duration.String(), writing backwards as Go does. */
char *
dur_format_go(ad_dur_t d, char out[DUR_FMT_MAX])
{
	char		buf[32];
	int		w = sizeof(buf), prec;
	uint64_t	u = (uint64_t)d;

	if (d < 0)
		u = -u;
	if (u == 0)
		return strcpy(out, "0s");
	buf[--w] = 's';
	if (u < (uint64_t)AD_SEC) {
		if (u < 1000) {
			prec = 0;
			buf[--w] = 'n';
		} else if (u < 1000000) {
			prec = 3;
			w -= 2;
			memcpy(buf + w, "\xc2\xb5", 2);	/* U+00B5 */
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		w = fmt_frac(buf, w, &u, prec);
		w = fmt_int(buf, w, u);
	} else {
		w = fmt_frac(buf, w, &u, 9);
		w = fmt_int(buf, w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			w = fmt_int(buf, w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				w = fmt_int(buf, w, u);
			}
		}
	}
	if (d < 0)
		buf[--w] = '-';
	memcpy(out, buf + w, sizeof(buf) - (size_t)w);
	out[sizeof(buf) - (size_t)w] = '\0';
	return out;
}

/* Go's time.ParseDuration unit table. */
static int64_t
go_dur_unit(const char *u, size_t len)
{
	static const struct { const char *unit; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
		{ "\xce\xbcs", 1000 }, { "ms", AD_MS }, { "s", AD_SEC },
		{ "m", AD_MIN }, { "h", AD_HOUR },
	};
	size_t	i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].unit) == len &&
		    memcmp(units[i].unit, u, len) == 0)
			return units[i].ns;
	return 0;
}

/*
 * time.ParseDuration, with its messages: "time: invalid duration \"x\"",
 * "time: missing unit in duration \"1\"", "time: unknown unit \"d\" in
 * duration \"1d\"".
 */
int
dur_parse_go(const char *s, ad_dur_t *d, struct ad_err *err)
{
	const char	*p = s;
	double		 total = 0;
	int		 neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*d = 0;
		return 0;
	}
	if (*p == '\0')
		goto bad;
	while (*p != '\0') {
		double		v = 0, scale = 1;
		int		any = 0;
		int64_t		unit;
		size_t		ul;

		if (*p != '.' && !isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++, any = 1)
			v = v * 10 + (*p - '0');
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++, any = 1) {
				scale /= 10;
				v += (*p - '0') * scale;
			}
		if (!any)
			goto bad;
		ul = strcspn(p, ".0123456789");
		if (ul == 0)
			return ad_err_set(err, AD_EINVAL, "time: missing unit "
			    "in duration \"%s\"", s);
		unit = go_dur_unit(p, ul);
		if (unit == 0)
			return ad_err_set(err, AD_EINVAL, "time: unknown unit "
			    "\"%.*s\" in duration \"%s\"", (int)ul, p, s);
		total += v * (double)unit;
		p += ul;
	}
	if (total > 9.2e18)
		goto bad;
	*d = (ad_dur_t)(neg ? -total : total);
	return 0;
bad:
	return ad_err_set(err, AD_EINVAL, "time: invalid duration \"%s\"", s);
}

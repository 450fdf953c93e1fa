/*
 * time.Time as templates see it (Go 1.19's time package): locations (UTC,
 * Local from $TZ or /etc/localtime, fixed zones, IANA zones read from
 * /usr/share/zoneinfo TZif files with their POSIX TZ footer), Format and
 * Parse with Go's layout language, String() ("2006-01-02 15:04:05.999999999
 * -0700 MST" and " m=+..." for monotonic readings), Date normalization and
 * the Duration/Month/Weekday strings.  Locations are loaded once and
 * shared (immutable); fixed zones made by Parse live in an arena.
 */
#include "templates/tmpl_priv.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"

#define SEC_PER_DAY	86400LL
#define OMEGA		INT64_MAX
#define ALPHA		INT64_MIN

struct gzone {
	int32_t		off;
	bool		isdst;
	char		abbr[16];
};

struct gloc {
	char		 name[128];
	bool		 fixed;
	struct gzone	*zones;
	size_t		 nzones;
	int64_t		*tx;
	uint8_t		*txi;
	size_t		 ntx;
	char		*extend;
	struct gzone	 fz;		/* fixed zone storage */
};

static struct gloc	utc_loc = { .name = "UTC" };
static struct gloc	local_loc;
static pthread_once_t	local_once = PTHREAD_ONCE_INIT;
static int64_t		mono_start;

const struct gtime gtime_zero = { .sec = GT_ZERO_SEC, .loc = &utc_loc };

static const char *const long_months[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };
static const char *const long_days[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };

/* ---------------------------------------------------------- strings --- */


const char *
dur_string(int64_t d, char out[64])
{
	return dur_format_go(d, out);
}

const char *
month_string(int64_t m, char out[64])
{
	if (m >= 1 && m <= 12)
		return long_months[m - 1];
	snprintf(out, 64, "%%!Month(%llu)", (unsigned long long)m);
	return out;
}

const char *
weekday_string(int64_t d, char out[64])
{
	if (d >= 0 && d <= 6)
		return long_days[d];
	snprintf(out, 64, "%%!Weekday(%llu)", (unsigned long long)d);
	return out;
}

/* --------------------------------------------------------- TZif data --- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzhdr {
	int	version;
	size_t	isut, isstd, leap, time, type, chars;
};

static int
tz_header(const unsigned char *p, size_t n, struct tzhdr *h)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = p[4] == 0 ? 1 : p[4] - '0';
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	if (h->type == 0 || h->type > 256 || h->time > 100000 ||
	    h->chars > 10000)
		return -1;
	return 0;
}

static int
tz_fill(struct gloc *l, const unsigned char *d, size_t n,
    const struct tzhdr *h, size_t tsz)
{
	size_t	need = h->time * tsz + h->time + h->type * 6 + h->chars, i;
	const unsigned char *types, *chars;

	if (n < need)
		return -1;
	l->ntx = h->time;
	l->tx = xcalloc(h->time + 1, sizeof(*l->tx));
	l->txi = xcalloc(h->time + 1, 1);
	for (i = 0; i < h->time; i++)
		l->tx[i] = tsz == 8 ? be64(d + i * 8) :
		    (int64_t)(int32_t)be32(d + i * 4);
	memcpy(l->txi, d + h->time * tsz, h->time);
	types = d + h->time * tsz + h->time;
	chars = types + h->type * 6;
	l->nzones = h->type;
	l->zones = xcalloc(h->type, sizeof(*l->zones));
	for (i = 0; i < h->type; i++) {
		size_t	ai = types[i * 6 + 5];

		l->zones[i].off = (int32_t)be32(types + i * 6);
		l->zones[i].isdst = types[i * 6 + 4] != 0;
		if (ai < h->chars)
			snprintf(l->zones[i].abbr, sizeof(l->zones[i].abbr),
			    "%.*s", (int)strnlen((const char *)chars + ai,
			    h->chars - ai), chars + ai);
	}
	for (i = 0; i < h->time; i++) {
		if (l->txi[i] >= h->type)
			return -1;
	}
	if (l->ntx == 0) {
		/* Fixed locations like Etc/GMT0: one transition at -inf. */
		l->tx[0] = ALPHA;
		l->txi[0] = 0;
		l->ntx = 1;
	}
	return 0;
}

static int
tz_parse(struct gloc *l, const unsigned char *p, size_t n)
{
	struct tzhdr	h, h2;
	size_t		v1;
	const unsigned char *d;

	if (tz_header(p, n, &h) != 0)
		return -1;
	if (h.version < 2)
		return tz_fill(l, p + 44, n - 44, &h, 4);
	v1 = h.time * 5 + h.type * 6 + h.chars + h.leap * 8 + h.isstd + h.isut;
	if (n < 44 + v1 || tz_header(p + 44 + v1, n - 44 - v1, &h2) != 0)
		return -1;
	d = p + 88 + v1;
	if (tz_fill(l, d, n - 88 - v1, &h2, 8) != 0)
		return -1;
	d += h2.time * 9 + h2.type * 6 + h2.chars + h2.leap * 12 + h2.isstd +
	    h2.isut;
	if (d < p + n && *d == '\n') {
		const unsigned char *e = memchr(d + 1, '\n', (size_t)(p + n -
		    d - 1));

		if (e != NULL && e > d + 1)
			l->extend = xstrndup((const char *)d + 1,
			    (size_t)(e - d - 1));
	}
	return 0;
}

static void
gloc_free(struct gloc *l)
{
	free(l->zones);
	free(l->tx);
	free(l->txi);
	free(l->extend);
	free(l);
}

static struct gloc *
tz_load_file(const char *path, const char *name)
{
	struct buf	 b;
	struct gloc	*l;

	buf_init(&b, 1 << 20);
	if (buf_read_file(&b, path, NULL) != 0) {
		buf_release(&b);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	if (tz_parse(l, (const unsigned char *)buf_str(&b), buf_len(&b)) !=
	    0) {
		gloc_free(l);
		l = NULL;
	}
	buf_release(&b);
	return l;
}

/* ---------------------------------------------------- POSIX TZ rules --- */

struct tzrule {
	int	kind;		/* 'J', 'D' (day of year), 'M' */
	int	day, week, mon, time;
};

static bool
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static const int days_before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
	273, 304, 334, 365 };

static int
days_in(int m, int64_t y)
{
	if (m == 2 && is_leap(y))
		return 29;
	return days_before[m] - days_before[m - 1];
}

static const char *
tzset_name(const char *s, char *out, size_t olen)
{
	size_t	i;

	if (*s == '\0')
		return NULL;
	if (*s == '<') {
		const char *e = strchr(s, '>');

		if (e == NULL)
			return NULL;
		snprintf(out, olen, "%.*s", (int)(e - s - 1), s + 1);
		return e + 1;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= '0' && s[i] <= '9') || s[i] == ',' ||
		    s[i] == '-' || s[i] == '+')
			break;
	}
	if (i < 3)
		return NULL;
	snprintf(out, olen, "%.*s", (int)i, s);
	return s + i;
}

static const char *
tzset_num(const char *s, int min, int max, int *num)
{
	int	n = 0, k = 0;

	while (s[k] >= '0' && s[k] <= '9') {
		n = n * 10 + (s[k] - '0');
		if (n > max)
			return NULL;
		k++;
	}
	if (k == 0 || n < min)
		return NULL;
	*num = n;
	return s + k;
}

static const char *
tzset_offset(const char *s, int *off)
{
	bool	neg = false;
	int	h, m, sec;

	if (*s == '+')
		s++;
	else if (*s == '-') {
		s++;
		neg = true;
	}
	s = tzset_num(s, 0, 24 * 7, &h);
	if (s == NULL)
		return NULL;
	*off = h * 3600;
	if (*s == ':') {
		s = tzset_num(s + 1, 0, 59, &m);
		if (s == NULL)
			return NULL;
		*off += m * 60;
		if (*s == ':') {
			s = tzset_num(s + 1, 0, 59, &sec);
			if (s == NULL)
				return NULL;
			*off += sec;
		}
	}
	if (neg)
		*off = -*off;
	return s;
}

static const char *
tzset_rule(const char *s, struct tzrule *r)
{
	memset(r, 0, sizeof(*r));
	if (*s == 'J') {
		r->kind = 'J';
		s = tzset_num(s + 1, 1, 365, &r->day);
	} else if (*s == 'M') {
		r->kind = 'M';
		s = tzset_num(s + 1, 1, 12, &r->mon);
		if (s == NULL || *s != '.')
			return NULL;
		s = tzset_num(s + 1, 1, 5, &r->week);
		if (s == NULL || *s != '.')
			return NULL;
		s = tzset_num(s + 1, 0, 6, &r->day);
	} else {
		r->kind = 'D';
		s = tzset_num(s, 0, 365, &r->day);
	}
	if (s == NULL)
		return NULL;
	if (*s != '/') {
		r->time = 7200;
		return s;
	}
	return tzset_offset(s + 1, &r->time);
}

static int64_t
tzrule_time(int64_t year, const struct tzrule *r, int off)
{
	int64_t	s = 0;
	int	m1, dow, d, i;
	int64_t	yy0, yy1, yy2;

	switch (r->kind) {
	case 'J':
		s = (int64_t)(r->day - 1) * SEC_PER_DAY;
		if (is_leap(year) && r->day >= 60)
			s += SEC_PER_DAY;
		break;
	case 'D':
		s = (int64_t)r->day * SEC_PER_DAY;
		break;
	case 'M':
		m1 = (r->mon + 9) % 12 + 1;
		yy0 = year;
		if (r->mon <= 2)
			yy0--;
		yy1 = yy0 / 100;
		yy2 = yy0 % 100;
		dow = (int)(((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 -
		    2 * yy1) % 7);
		if (dow < 0)
			dow += 7;
		d = r->day - dow;
		if (d < 0)
			d += 7;
		for (i = 1; i < r->week; i++) {
			if (d + 7 >= days_in(r->mon, year))
				break;
			d += 7;
		}
		d += days_before[r->mon - 1];
		if (is_leap(year) && r->mon > 2)
			d++;
		s = (int64_t)d * SEC_PER_DAY;
		break;
	}
	return s + r->time - off;
}

struct zinfo {
	const char	*abbr;
	int		 off;
	int64_t		 start, end;
	bool		 isdst;
};

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool
tz_rule_lookup(const char *s, int64_t last, int64_t sec, struct zinfo *z,
    char names[2][64])
{
	int		stdoff, dstoff;
	struct tzrule	r1, r2;
	int64_t		days, y, ystart, ysec, s1, s2;
	unsigned	m, d;
	bool		stddst = false, dstdst = true;
	char		*stdn = names[0], *dstn = names[1];

	s = tzset_name(s, stdn, 64);
	if (s == NULL || (s = tzset_offset(s, &stdoff)) == NULL)
		return false;
	stdoff = -stdoff;
	if (*s == '\0' || *s == ',') {
		*z = (struct zinfo){ stdn, stdoff, last, OMEGA, false };
		return true;
	}
	s = tzset_name(s, dstn, 64);
	if (s == NULL)
		return false;
	if (*s == '\0' || *s == ',')
		dstoff = stdoff + 3600;
	else {
		s = tzset_offset(s, &dstoff);
		if (s == NULL)
			return false;
		dstoff = -dstoff;
	}
	if (*s == '\0')
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' && *s != ';')
		return false;
	s = tzset_rule(s + 1, &r1);
	if (s == NULL || *s != ',')
		return false;
	s = tzset_rule(s + 1, &r2);
	if (s == NULL || *s != '\0')
		return false;
	days = floordiv(sec, SEC_PER_DAY);
	time_civil_from_days(days, &y, &m, &d);
	ystart = time_days_from_civil(y, 1, 1) * SEC_PER_DAY;
	ysec = sec - ystart;
	s1 = tzrule_time(y, &r1, stdoff);
	s2 = tzrule_time(y, &r2, dstoff);
	if (s2 < s1) {
		int64_t	ts = s1;
		char	*tn = stdn;
		int	to = stdoff;
		bool	td = stddst;

		s1 = s2; s2 = ts;
		stdn = dstn; dstn = tn;
		stdoff = dstoff; dstoff = to;
		stddst = dstdst; dstdst = td;
	}
	if (ysec < s1)
		*z = (struct zinfo){ stdn, stdoff, ystart, s1 + ystart,
		    stddst };
	else if (ysec >= s2)
		*z = (struct zinfo){ stdn, stdoff, s2 + ystart,
		    ystart + 365 * SEC_PER_DAY, stddst };
	else
		*z = (struct zinfo){ dstn, dstoff, s1 + ystart, s2 + ystart,
		    dstdst };
	return true;
}

static size_t
first_zone(const struct gloc *l)
{
	size_t	i;
	bool	used = false;

	for (i = 0; i < l->ntx; i++)
		used = used || l->txi[i] == 0;
	if (!used)
		return 0;
	if (l->ntx > 0 && l->zones[l->txi[0]].isdst) {
		for (i = l->txi[0]; i > 0; i--) {
			if (!l->zones[i - 1].isdst)
				return i - 1;
		}
	}
	for (i = 0; i < l->nzones; i++) {
		if (!l->zones[i].isdst)
			return i;
	}
	return 0;
}

/* Location.lookup; names[] holds names computed from the TZ footer. */
static void
loc_lookup(const struct gloc *l, int64_t sec, struct zinfo *z,
    char names[2][64])
{
	size_t			 lo, hi, mid;
	const struct gzone	*zn;

	if (l->fixed) {
		*z = (struct zinfo){ l->fz.abbr, l->fz.off, ALPHA, OMEGA,
		    false };
		return;
	}
	if (l->nzones == 0) {
		*z = (struct zinfo){ "UTC", 0, ALPHA, OMEGA, false };
		return;
	}
	if (l->ntx == 0 || sec < l->tx[0]) {
		zn = &l->zones[first_zone(l)];
		*z = (struct zinfo){ zn->abbr, zn->off, ALPHA,
		    l->ntx > 0 ? l->tx[0] : OMEGA, zn->isdst };
		return;
	}
	lo = 0;
	hi = l->ntx;
	z->end = OMEGA;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (sec < l->tx[mid]) {
			z->end = l->tx[mid];
			hi = mid;
		} else
			lo = mid;
	}
	zn = &l->zones[l->txi[lo]];
	z->abbr = zn->abbr;
	z->off = zn->off;
	z->start = l->tx[lo];
	z->isdst = zn->isdst;
	if (lo == l->ntx - 1 && l->extend != NULL) {
		struct zinfo	e;

		if (tz_rule_lookup(l->extend, z->start, sec, &e, names))
			*z = e;
	}
}

/* ------------------------------------------------------- locations --- */

static void
local_init(void)
{
	const char	*tz = getenv("TZ");
	struct gloc	*l = NULL;
	char		 path[512];

	mono_start = ad_mono();
	if (tz == NULL)
		l = tz_load_file("/etc/localtime", "Local");
	else if (*tz != '\0') {
		if (*tz == ':')
			tz++;
		if (*tz == '/')
			snprintf(path, sizeof(path), "%s", tz);
		else
			snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s",
			    tz);
		l = tz_load_file(path, "Local");
	}
	if (l != NULL) {
		local_loc = *l;
		free(l);
		snprintf(local_loc.name, sizeof(local_loc.name), "Local");
	} else
		snprintf(local_loc.name, sizeof(local_loc.name), "UTC");
}

const struct gloc *
gloc_utc(void)
{
	return &utc_loc;
}

const struct gloc *
gloc_local(void)
{
	pthread_once(&local_once, local_init);
	return &local_loc;
}

static pthread_mutex_t	 loaded_mu = PTHREAD_MUTEX_INITIALIZER;
static struct gloc	**loaded;
static size_t		 nloaded;

const struct gloc *
gloc_load(const char *name, char *err, size_t errlen)
{
	struct gloc	*l = NULL;
	char		 path[512];
	size_t		 i;

	if (*name == '\0' || strcmp(name, "UTC") == 0)
		return &utc_loc;
	if (strcmp(name, "Local") == 0)
		return gloc_local();
	if (strstr(name, "..") != NULL || name[0] == '/' || name[0] == '\\' ||
	    strlen(name) > 100) {
		snprintf(err, errlen, "time: invalid location name");
		return NULL;
	}
	pthread_mutex_lock(&loaded_mu);
	for (i = 0; i < nloaded; i++) {
		if (strcmp(loaded[i]->name, name) == 0) {
			l = loaded[i];
			break;
		}
	}
	if (l == NULL) {
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
		l = tz_load_file(path, name);
		if (l != NULL && nloaded < 1024) {
			loaded = xreallocarray(loaded, nloaded + 1,
			    sizeof(*loaded));
			loaded[nloaded++] = l;
		} else if (l != NULL) {
			gloc_free(l);
			l = NULL;
		}
	}
	pthread_mutex_unlock(&loaded_mu);
	if (l == NULL)
		snprintf(err, errlen, "unknown time zone %s", name);
	return l;
}

const struct gloc *
gloc_fixed(struct tarena *a, const char *name, int off)
{
	struct gloc	*l = tarena_zalloc(a, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->fixed = true;
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->fz.abbr, sizeof(l->fz.abbr), "%s", name);
	l->fz.off = off;
	return l;
}

const char *
gloc_name(const struct gloc *l)
{
	return l != NULL ? l->name : "UTC";
}

static void
zone_of(const struct gtime *t, struct zinfo *z, char names[2][64])
{
	const struct gloc *l = t->loc != NULL ? t->loc : &utc_loc;

	if (l == &local_loc)
		gloc_local();
	loc_lookup(l, t->sec, z, names);
}

void
gtime_zone(const struct gtime *t, char abbr[64], int *off)
{
	char		names[2][64];
	struct zinfo	z;

	zone_of(t, &z, names);
	snprintf(abbr, 64, "%s", z.abbr);
	*off = z.off;
}

bool
gtime_isdst(const struct gtime *t)
{
	char		names[2][64];
	struct zinfo	z;

	zone_of(t, &z, names);
	return z.isdst;
}

void
gtime_now(struct gtime *t)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->loc = gloc_local();
	t->sec = ts.tv_sec;
	t->nsec = (int32_t)ts.tv_nsec;
	t->mono = true;
	t->mono_ns = ad_mono() - mono_start;
}

/* ------------------------------------------------------------ civil --- */

void
gtime_civil(const struct gtime *t, struct gcivil *c)
{
	char		names[2][64];
	struct zinfo	z;
	int64_t		local, days, rem;
	unsigned	m, d;

	zone_of(t, &z, names);
	local = t->sec + z.off;
	days = floordiv(local, SEC_PER_DAY);
	rem = local - days * SEC_PER_DAY;
	time_civil_from_days(days, &c->year, &m, &d);
	c->month = (int)m;
	c->day = (int)d;
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
	c->wday = (int)(((days + 4) % 7 + 7) % 7);
	c->yday = (int)(days - time_days_from_civil(c->year, 1, 1)) + 1;
	c->off = z.off;
	snprintf(c->abbr, sizeof(c->abbr), "%s", z.abbr);
}

static void
norm(int64_t *hi, int64_t *lo, int64_t base)
{
	if (*lo < 0) {
		int64_t n = (-*lo - 1) / base + 1;

		*hi -= n;
		*lo += n * base;
	}
	if (*lo >= base) {
		int64_t n = *lo / base;

		*hi += n;
		*lo -= n * base;
	}
}

void
gtime_date(struct gtime *t, int64_t y, int64_t mo, int64_t d, int64_t h,
    int64_t mi, int64_t s, int64_t ns, const struct gloc *loc)
{
	char		names[2][64];
	struct zinfo	z;
	int64_t		m = mo - 1, usec, utc;

	norm(&y, &m, 12);
	norm(&s, &ns, AD_SEC);
	norm(&mi, &s, 60);
	norm(&h, &mi, 60);
	norm(&d, &h, 24);
	usec = (time_days_from_civil(y, (unsigned)m + 1, 1) + d - 1) *
	    SEC_PER_DAY + h * 3600 + mi * 60 + s;
	memset(t, 0, sizeof(*t));
	t->loc = loc;
	t->sec = usec;
	zone_of(t, &z, names);
	if (z.off != 0) {
		utc = usec - z.off;
		if (utc < z.start || utc >= z.end) {
			t->sec = utc;
			zone_of(t, &z, names);
		}
		usec -= z.off;
	}
	t->sec = usec;
	t->nsec = (int32_t)ns;
}

void
gtime_add(struct gtime *t, int64_t d)
{
	int64_t	dsec = d / AD_SEC, nsec = t->nsec + d % AD_SEC;

	if (nsec >= AD_SEC) {
		dsec++;
		nsec -= AD_SEC;
	} else if (nsec < 0) {
		dsec--;
		nsec += AD_SEC;
	}
	t->sec += dsec;
	t->nsec = (int32_t)nsec;
	if (t->mono)
		t->mono_ns += d;
}

int
gtime_cmp(const struct gtime *t, const struct gtime *u)
{
	if (t->mono && u->mono)
		return t->mono_ns < u->mono_ns ? -1 : t->mono_ns > u->mono_ns;
	if (t->sec != u->sec)
		return t->sec < u->sec ? -1 : 1;
	return t->nsec < u->nsec ? -1 : t->nsec > u->nsec;
}

int64_t
gtime_sub(const struct gtime *t, const struct gtime *u)
{
	__int128	d;

	if (t->mono && u->mono) {
		int64_t	r;

		if (__builtin_sub_overflow(t->mono_ns, u->mono_ns, &r))
			return t->mono_ns > u->mono_ns ? INT64_MAX : INT64_MIN;
		return r;
	}
	d = (__int128)(t->sec - u->sec) * AD_SEC + (t->nsec - u->nsec);
	if (d > INT64_MAX)
		return INT64_MAX;
	if (d < INT64_MIN)
		return INT64_MIN;
	return (int64_t)d;
}

/* ----------------------------------------------------------- format --- */

enum {
	STD_NONE, STD_LONG_MONTH, STD_MONTH, STD_NUM_MONTH, STD_ZERO_MONTH,
	STD_LONG_WEEKDAY, STD_WEEKDAY, STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY,
	STD_UNDER_YDAY, STD_ZERO_YDAY, STD_HOUR, STD_HOUR12, STD_ZERO_HOUR12,
	STD_MINUTE, STD_ZERO_MINUTE, STD_SECOND, STD_ZERO_SECOND,
	STD_LONG_YEAR, STD_YEAR, STD_PM, STD_pm, STD_TZ, STD_ISO_TZ,
	STD_ISO_SEC_TZ, STD_ISO_SHORT_TZ, STD_ISO_COLON_TZ,
	STD_ISO_COLON_SEC_TZ, STD_NUM_TZ, STD_NUM_SEC_TZ, STD_NUM_SHORT_TZ,
	STD_NUM_COLON_TZ, STD_NUM_COLON_SEC_TZ, STD_FRAC0, STD_FRAC9
};

struct chunk {
	size_t	prefix;		/* bytes of literal text before std */
	int	std;
	size_t	len;		/* bytes of the std element */
	int	ndig;		/* fractional digits */
	char	sep;		/* fractional separator */
};

static bool
has(const char *l, size_t n, size_t i, const char *s)
{
	size_t	k = strlen(s);

	return n - i >= k && memcmp(l + i, s, k) == 0;
}

static int
std_zero(char c)
{
	static const int v[] = { STD_ZERO_MONTH, STD_ZERO_DAY,
		STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR };

	return v[c - '1'];
}

static bool
chunk_tz(const char *l, size_t n, size_t i, struct chunk *c)
{
	static const struct { const char *s; int std; } tz[] = {
		{ "-070000", STD_NUM_SEC_TZ }, { "-07:00:00",
		STD_NUM_COLON_SEC_TZ }, { "-0700", STD_NUM_TZ },
		{ "-07:00", STD_NUM_COLON_TZ }, { "-07", STD_NUM_SHORT_TZ },
		{ "Z070000", STD_ISO_SEC_TZ }, { "Z07:00:00",
		STD_ISO_COLON_SEC_TZ }, { "Z0700", STD_ISO_TZ },
		{ "Z07:00", STD_ISO_COLON_TZ }, { "Z07", STD_ISO_SHORT_TZ },
	};
	size_t	k;

	for (k = 0; k < sizeof(tz) / sizeof(tz[0]); k++) {
		if (has(l, n, i, tz[k].s)) {
			c->std = tz[k].std;
			c->len = strlen(tz[k].s);
			return true;
		}
	}
	return false;
}

/* January, Jan, Monday, Mon, MST. */
static void
chunk_word(const char *l, size_t n, size_t i, struct chunk *c)
{
	bool	lower_next = n > i + 3 && l[i + 3] >= 'a' && l[i + 3] <= 'z';

	if (has(l, n, i, "January")) {
		c->std = STD_LONG_MONTH;
		c->len = 7;
	} else if (has(l, n, i, "Jan") && !lower_next) {
		c->std = STD_MONTH;
		c->len = 3;
	} else if (has(l, n, i, "Monday")) {
		c->std = STD_LONG_WEEKDAY;
		c->len = 6;
	} else if (has(l, n, i, "Mon") && !lower_next) {
		c->std = STD_WEEKDAY;
		c->len = 3;
	} else if (has(l, n, i, "MST")) {
		c->std = STD_TZ;
		c->len = 3;
	}
}

/* .000 .999 ,000 ,999: fractional seconds, if all digits. */
static void
chunk_frac(const char *l, size_t n, size_t i, struct chunk *c)
{
	size_t	j;

	if (!(n > i + 1 && (l[i + 1] == '0' || l[i + 1] == '9')))
		return;
	for (j = i + 1; j < n && l[j] == l[i + 1]; j++)
		;
	if (j < n && l[j] >= '0' && l[j] <= '9')
		return;
	c->std = l[i + 1] == '0' ? STD_FRAC0 : STD_FRAC9;
	c->ndig = (int)((j - i - 1) & 0xfff);
	c->sep = l[i];
	c->len = j - i;
}

static bool
chunk_at(const char *l, size_t n, size_t i, struct chunk *c)
{
	c->len = 0;
	switch (l[i]) {
	case 'J':
	case 'M':
		chunk_word(l, n, i, c);
		break;
	case '0':
		if (n > i + 1 && l[i + 1] >= '1' && l[i + 1] <= '6') {
			c->std = std_zero(l[i + 1]);
			c->len = 2;
		} else if (has(l, n, i, "002")) {
			c->std = STD_ZERO_YDAY;
			c->len = 3;
		}
		break;
	case '1':
		c->std = has(l, n, i, "15") ? STD_HOUR : STD_NUM_MONTH;
		c->len = c->std == STD_HOUR ? 2 : 1;
		break;
	case '2':
		c->std = has(l, n, i, "2006") ? STD_LONG_YEAR : STD_DAY;
		c->len = c->std == STD_LONG_YEAR ? 4 : 1;
		break;
	case '_':
		if (has(l, n, i, "_2")) {
			if (has(l, n, i + 1, "2006")) {
				c->prefix = i + 1;
				c->std = STD_LONG_YEAR;
				c->len = 4;
				return true;
			}
			c->std = STD_UNDER_DAY;
			c->len = 2;
		} else if (has(l, n, i, "__2")) {
			c->std = STD_UNDER_YDAY;
			c->len = 3;
		}
		break;
	case '3':
		c->std = STD_HOUR12;
		c->len = 1;
		break;
	case '4':
		c->std = STD_MINUTE;
		c->len = 1;
		break;
	case '5':
		c->std = STD_SECOND;
		c->len = 1;
		break;
	case 'P':
		if (has(l, n, i, "PM")) {
			c->std = STD_PM;
			c->len = 2;
		}
		break;
	case 'p':
		if (has(l, n, i, "pm")) {
			c->std = STD_pm;
			c->len = 2;
		}
		break;
	case '-':
	case 'Z':
		chunk_tz(l, n, i, c);
		break;
	case '.':
	case ',':
		chunk_frac(l, n, i, c);
		break;
	}
	if (c->len == 0)
		return false;
	c->prefix = i;
	return true;
}

/* nextStdChunk. */
static void
next_chunk(const char *l, size_t n, struct chunk *c)
{
	size_t	i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		if (chunk_at(l, n, i, c))
			return;
	}
	c->prefix = n;
	c->std = STD_NONE;
}

static void
append_int(struct buf *b, int64_t x, int width)
{
	char		tmp[32];
	uint64_t	u = (uint64_t)x;
	int		k = 0, nd;

	if (x < 0) {
		buf_addch(b, '-');
		u = 0 - u;
	}
	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	for (nd = k; nd < width; nd++)
		buf_addch(b, '0');
	while (k > 0)
		buf_addch(b, tmp[--k]);
}

static void
append_nano(struct buf *b, int ns, const struct chunk *c)
{
	char	digits[16];
	int	n = c->ndig, k;

	if (c->std == STD_FRAC9 && (n == 0 || ns == 0))
		return;
	snprintf(digits, sizeof(digits), "%09d", ns);
	k = n < 9 ? n : 9;
	if (c->std == STD_FRAC9)
		while (k > 0 && digits[k - 1] == '0')
			k--;
	if (k == 0 && c->std == STD_FRAC9)
		return;
	buf_addch(b, c->sep);
	buf_add(b, digits, (size_t)k);
}

static void
append_tz(struct buf *b, int std, int off)
{
	int	zone = off / 60, absoff = off;

	if (off == 0 && (std == STD_ISO_TZ || std == STD_ISO_COLON_TZ ||
	    std == STD_ISO_SEC_TZ || std == STD_ISO_SHORT_TZ ||
	    std == STD_ISO_COLON_SEC_TZ)) {
		buf_addch(b, 'Z');
		return;
	}
	if (zone < 0) {
		buf_addch(b, '-');
		zone = -zone;
		absoff = -absoff;
	} else
		buf_addch(b, '+');
	append_int(b, zone / 60, 2);
	if (std == STD_ISO_COLON_TZ || std == STD_NUM_COLON_TZ ||
	    std == STD_ISO_COLON_SEC_TZ || std == STD_NUM_COLON_SEC_TZ)
		buf_addch(b, ':');
	if (std != STD_NUM_SHORT_TZ && std != STD_ISO_SHORT_TZ)
		append_int(b, zone % 60, 2);
	if (std == STD_ISO_SEC_TZ || std == STD_NUM_SEC_TZ ||
	    std == STD_NUM_COLON_SEC_TZ || std == STD_ISO_COLON_SEC_TZ) {
		if (std == STD_NUM_COLON_SEC_TZ || std == STD_ISO_COLON_SEC_TZ)
			buf_addch(b, ':');
		append_int(b, absoff % 60, 2);
	}
}

static void
append_std(struct buf *b, const struct chunk *c, const struct gcivil *cv,
    const struct gtime *t)
{
	int	hr;

	switch (c->std) {
	case STD_YEAR:
		append_int(b, (cv->year < 0 ? -cv->year : cv->year) % 100, 2);
		break;
	case STD_LONG_YEAR:
		append_int(b, cv->year, 4);
		break;
	case STD_MONTH:
		buf_add(b, long_months[cv->month - 1], 3);
		break;
	case STD_LONG_MONTH:
		buf_addstr(b, long_months[cv->month - 1]);
		break;
	case STD_NUM_MONTH:
		append_int(b, cv->month, 0);
		break;
	case STD_ZERO_MONTH:
		append_int(b, cv->month, 2);
		break;
	case STD_WEEKDAY:
		buf_add(b, long_days[cv->wday], 3);
		break;
	case STD_LONG_WEEKDAY:
		buf_addstr(b, long_days[cv->wday]);
		break;
	case STD_DAY:
		append_int(b, cv->day, 0);
		break;
	case STD_UNDER_DAY:
		if (cv->day < 10)
			buf_addch(b, ' ');
		append_int(b, cv->day, 0);
		break;
	case STD_ZERO_DAY:
		append_int(b, cv->day, 2);
		break;
	case STD_UNDER_YDAY:
		if (cv->yday < 100) {
			buf_addch(b, ' ');
			if (cv->yday < 10)
				buf_addch(b, ' ');
		}
		append_int(b, cv->yday, 0);
		break;
	case STD_ZERO_YDAY:
		append_int(b, cv->yday, 3);
		break;
	case STD_HOUR:
		append_int(b, cv->hour, 2);
		break;
	case STD_HOUR12:
	case STD_ZERO_HOUR12:
		hr = cv->hour % 12;
		append_int(b, hr == 0 ? 12 : hr, c->std == STD_HOUR12 ? 0 : 2);
		break;
	case STD_MINUTE:
	case STD_ZERO_MINUTE:
		append_int(b, cv->min, c->std == STD_MINUTE ? 0 : 2);
		break;
	case STD_SECOND:
	case STD_ZERO_SECOND:
		append_int(b, cv->sec, c->std == STD_SECOND ? 0 : 2);
		break;
	case STD_PM:
		buf_addstr(b, cv->hour >= 12 ? "PM" : "AM");
		break;
	case STD_pm:
		buf_addstr(b, cv->hour >= 12 ? "pm" : "am");
		break;
	case STD_TZ:
		if (cv->abbr[0] != '\0') {
			buf_addstr(b, cv->abbr);
			break;
		}
		append_tz(b, STD_NUM_TZ, cv->off);
		break;
	case STD_FRAC0:
	case STD_FRAC9:
		append_nano(b, t->nsec, c);
		break;
	default:
		append_tz(b, c->std, cv->off);
	}
}

int
gtime_format(struct buf *b, const struct gtime *t, const char *l, size_t n)
{
	struct gcivil	cv;
	struct chunk	c;
	size_t		start = buf_len(b);

	gtime_civil(t, &cv);
	for (;;) {
		next_chunk(l, n, &c);
		buf_add(b, l, c.prefix);
		if (c.std == STD_NONE)
			break;
		append_std(b, &c, &cv, t);
		l += c.prefix + c.len;
		n -= c.prefix + c.len;
	}
	/* buf ops are all-or-nothing; a capped buffer may have lost some. */
	return buf_len(b) >= start ? 0 : -1;
}

int
gtime_string(struct buf *b, const struct gtime *t)
{
	static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
	int	rc;

	rc = gtime_format(b, t, layout, sizeof(layout) - 1);
	if (t->mono) {
		uint64_t m = (uint64_t)(t->mono_ns < 0 ? -t->mono_ns :
		    t->mono_ns);

		rc |= buf_addf(b, " m=%c%llu.%09llu", t->mono_ns < 0 ? '-' :
		    '+', (unsigned long long)(m / AD_SEC),
		    (unsigned long long)(m % AD_SEC));
	}
	return rc;
}

int
gtime_gostring(struct buf *b, const struct gtime *t)
{
	struct gcivil	cv;
	struct gtime	u = *t;
	const char	*name;

	gtime_civil(&u, &cv);
	buf_addstr(b, "time.Date(");
	append_int(b, cv.year, 0);
	buf_addf(b, ", time.%s, %d, %d, %d, %d, %d, ",
	    long_months[cv.month - 1], cv.day, cv.hour, cv.min, cv.sec,
	    t->nsec);
	if (t->loc == NULL || t->loc == &utc_loc)
		buf_addstr(b, "time.UTC");
	else if (t->loc == &local_loc)
		buf_addstr(b, "time.Local");
	else {
		name = gloc_name(t->loc);
		buf_addstr(b, "time.Location(");
		buf_add_goquote(b, name, strlen(name));
		buf_addch(b, ')');
	}
	return buf_addch(b, ')');
}

int
gtime_rfc3339nano(struct buf *b, const struct gtime *t)
{
	static const char layout[] = "2006-01-02T15:04:05.999999999Z07:00";

	return gtime_format(b, t, layout, sizeof(layout) - 1);
}

/* ------------------------------------------------------------ parse --- */

/* time.quote. */
static void
tquote(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i = 0, w, j;
	uint32_t	r;

	buf_addch(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c < ' ') {
			w = tu_decode(s + i, n - i, &r);
			for (j = 0; j < w; j++) {
				buf_addstr(b, "\\x");
				buf_addch(b, hex[(unsigned char)s[i + j] >> 4]);
				buf_addch(b, hex[(unsigned char)s[i + j] & 15]);
			}
			i += w;
			continue;
		}
		if (c == '"' || c == '\\')
			buf_addch(b, '\\');
		buf_addch(b, c);
		i++;
	}
	buf_addch(b, '"');
}

struct pstate {
	const char	*v;
	size_t		 n;
};

static bool
isdig(const struct pstate *p, size_t i)
{
	return i < p->n && p->v[i] >= '0' && p->v[i] <= '9';
}

static void
padv(struct pstate *p, size_t k)
{
	p->v += k;
	p->n -= k;
}

static int
getnum(struct pstate *p, bool fixed, int *out)
{
	if (!isdig(p, 0))
		return -1;
	if (!isdig(p, 1)) {
		if (fixed)
			return -1;
		*out = p->v[0] - '0';
		padv(p, 1);
		return 0;
	}
	*out = (p->v[0] - '0') * 10 + (p->v[1] - '0');
	padv(p, 2);
	return 0;
}

static int
getnum3(struct pstate *p, bool fixed, int *out)
{
	int	n = 0;
	size_t	i;

	for (i = 0; i < 3 && isdig(p, i); i++)
		n = n * 10 + (p->v[i] - '0');
	if (i == 0 || (fixed && i != 3))
		return -1;
	*out = n;
	padv(p, i);
	return 0;
}

static int
lookup_name(struct pstate *p, const char *const *tab, size_t nt, size_t len,
    int *out)
{
	size_t	i, k, l;

	for (i = 0; i < nt; i++) {
		l = len ? len : strlen(tab[i]);
		if (p->n < l)
			continue;
		for (k = 0; k < l; k++) {
			char a = p->v[k], c = tab[i][k];

			if (a >= 'A' && a <= 'Z')
				a |= 0x20;
			if (c >= 'A' && c <= 'Z')
				c |= 0x20;
			if (a != c)
				break;
		}
		if (k == l) {
			*out = (int)i;
			padv(p, l);
			return 0;
		}
	}
	return -1;
}

static int
skip_prefix(struct pstate *p, const char *pre, size_t n)
{
	while (n > 0) {
		if (*pre == ' ') {
			if (p->n > 0 && p->v[0] != ' ')
				return -1;
			while (n > 0 && *pre == ' ') {
				pre++;
				n--;
			}
			while (p->n > 0 && p->v[0] == ' ')
				padv(p, 1);
			continue;
		}
		if (p->n == 0 || p->v[0] != *pre)
			return -1;
		pre++;
		n--;
		padv(p, 1);
	}
	return 0;
}

static int
parse_nanos(const char *v, size_t nbytes, int *ns)
{
	size_t	i;
	int	x = 0;

	if (v[0] != '.' && v[0] != ',')
		return -1;
	if (nbytes > 10)
		nbytes = 10;
	if (nbytes < 2)
		return -1;
	for (i = 1; i < nbytes; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	for (i = nbytes; i < 10; i++)
		x *= 10;
	*ns = x;
	return 0;
}

static size_t
signed_offset_len(const char *v, size_t n)
{
	size_t	i = 1;
	int64_t	x = 0;

	if (n == 0 || (v[0] != '-' && v[0] != '+'))
		return 0;
	while (i < n && v[i] >= '0' && v[i] <= '9') {
		x = x * 10 + (v[i] - '0');
		if (x > 1000000)
			return 0;
		i++;
	}
	if (i == 1 || x > 12)
		return 0;
	return i;
}

static size_t
tz_name_len(const char *v, size_t n)
{
	size_t	up;

	if (n < 3)
		return 0;
	if (n >= 4 && (memcmp(v, "ChST", 4) == 0 || memcmp(v, "MeST", 4) == 0))
		return 4;
	if (memcmp(v, "GMT", 3) == 0)
		return n == 3 ? 3 : 3 + signed_offset_len(v + 3, n - 3);
	if (v[0] == '+' || v[0] == '-')
		return signed_offset_len(v, n);
	for (up = 0; up < 6 && up < n && v[up] >= 'A' && v[up] <= 'Z'; up++)
		;
	switch (up) {
	case 3:
		return 3;
	case 4:
		return v[3] == 'T' || memcmp(v, "WITA", 4) == 0 ? 4 : 0;
	case 5:
		return v[4] == 'T' ? 5 : 0;
	default:
		return 0;
	}
}

struct pres {
	int64_t	year;
	int	month, day, yday, hour, min, sec, nsec;
	bool	am, pm;
	bool	utc;
	int	zoff;
	bool	has_zoff;
	char	zname[16];
	const char *range;	/* out-of-range element */
};

static int
parse_tz_num(struct pstate *p, int std, struct pres *r)
{
	const char	*v = p->v;
	int		hr, mm, ss = 0;
	size_t		len;
	struct pstate	q;

	if ((std == STD_ISO_TZ || std == STD_ISO_SHORT_TZ ||
	    std == STD_ISO_COLON_TZ) && p->n >= 1 && v[0] == 'Z') {
		padv(p, 1);
		r->utc = true;
		return 0;
	}
	if (std == STD_ISO_COLON_TZ || std == STD_NUM_COLON_TZ) {
		if (p->n < 6 || v[3] != ':')
			return -1;
		len = 6;
	} else if (std == STD_NUM_SHORT_TZ || std == STD_ISO_SHORT_TZ) {
		if (p->n < 3)
			return -1;
		len = 3;
	} else if (std == STD_ISO_COLON_SEC_TZ || std == STD_NUM_COLON_SEC_TZ) {
		if (p->n < 9 || v[3] != ':' || v[6] != ':')
			return -1;
		len = 9;
	} else if (std == STD_ISO_SEC_TZ || std == STD_NUM_SEC_TZ) {
		if (p->n < 7)
			return -1;
		len = 7;
	} else {
		if (p->n < 5)
			return -1;
		len = 5;
	}
	q = (struct pstate){ v + 1, 2 };
	if (getnum(&q, true, &hr) != 0)
		return -1;
	mm = 0;
	if (len != 3) {
		q = (struct pstate){ v + (len == 6 || len == 9 ? 4 : 3), 2 };
		if (getnum(&q, true, &mm) != 0)
			return -1;
	}
	if (len == 9 || len == 7) {
		q = (struct pstate){ v + (len == 9 ? 7 : 5), 2 };
		if (getnum(&q, true, &ss) != 0)
			return -1;
	}
	r->zoff = (hr * 60 + mm) * 60 + ss;
	if (v[0] == '-')
		r->zoff = -r->zoff;
	else if (v[0] != '+')
		return -1;
	r->has_zoff = true;
	padv(p, len);
	return 0;
}

/* Go's parse, the date elements. */
static int
parse_date(struct pstate *p, const struct chunk *c, struct pres *r)
{
	size_t		k;
	int		tmp;

	switch (c->std) {
	case STD_YEAR:
		if (p->n < 2 || !isdig(p, 0) || !isdig(p, 1))
			return -1;
		r->year = (p->v[0] - '0') * 10 + (p->v[1] - '0');
		r->year += r->year >= 69 ? 1900 : 2000;
		padv(p, 2);
		return 0;
	case STD_LONG_YEAR:
		if (p->n < 4 || !isdig(p, 0) || !isdig(p, 1) || !isdig(p, 2) ||
		    !isdig(p, 3))
			return -1;
		r->year = (p->v[0] - '0') * 1000 + (p->v[1] - '0') * 100 +
		    (p->v[2] - '0') * 10 + (p->v[3] - '0');
		padv(p, 4);
		return 0;
	case STD_MONTH:
	case STD_LONG_MONTH:
		if (lookup_name(p, long_months, 12, c->std == STD_MONTH ? 3 : 0,
		    &r->month) != 0)
			return -1;
		r->month++;
		return 0;
	case STD_NUM_MONTH:
	case STD_ZERO_MONTH:
		if (getnum(p, c->std == STD_ZERO_MONTH, &r->month) != 0)
			return -1;
		if (r->month <= 0 || r->month > 12)
			r->range = "month";
		return 0;
	case STD_WEEKDAY:
	case STD_LONG_WEEKDAY:
		return lookup_name(p, long_days, 7, c->std == STD_WEEKDAY ? 3 :
		    0, &tmp);
	case STD_DAY:
	case STD_UNDER_DAY:
	case STD_ZERO_DAY:
		if (c->std == STD_UNDER_DAY && p->n > 0 && p->v[0] == ' ')
			padv(p, 1);
		return getnum(p, c->std == STD_ZERO_DAY, &r->day);
	case STD_UNDER_YDAY:
	case STD_ZERO_YDAY:
		for (k = 0; k < 2; k++) {
			if (c->std == STD_UNDER_YDAY && p->n > 0 &&
			    p->v[0] == ' ')
				padv(p, 1);
		}
		return getnum3(p, c->std == STD_ZERO_YDAY, &r->yday);
	default:
		return -1;
	}
}

/* Go's parse, the clock elements. */
static int
parse_clock(struct pstate *p, const struct chunk *c, const char *rest,
    size_t rn, struct pres *r)
{
	static const char *const ampm[] = { "AM", "PM" };
	struct chunk	next;
	size_t		k;

	switch (c->std) {
	case STD_HOUR:
		if (getnum(p, false, &r->hour) != 0)
			return -1;
		if (r->hour >= 24)
			r->range = "hour";
		return 0;
	case STD_HOUR12:
	case STD_ZERO_HOUR12:
		if (getnum(p, c->std == STD_ZERO_HOUR12, &r->hour) != 0)
			return -1;
		if (r->hour > 12)
			r->range = "hour";
		return 0;
	case STD_MINUTE:
	case STD_ZERO_MINUTE:
		if (getnum(p, c->std == STD_ZERO_MINUTE, &r->min) != 0)
			return -1;
		if (r->min >= 60)
			r->range = "minute";
		return 0;
	case STD_SECOND:
	case STD_ZERO_SECOND:
		if (getnum(p, c->std == STD_ZERO_SECOND, &r->sec) != 0)
			return -1;
		if (r->sec >= 60) {
			r->range = "second";
			return 0;
		}
		if (p->n >= 2 && (p->v[0] == '.' || p->v[0] == ',') &&
		    isdig(p, 1)) {
			next_chunk(rest, rn, &next);
			if (next.std == STD_FRAC0 || next.std == STD_FRAC9)
				return 0;
			for (k = 2; isdig(p, k); k++)
				;
			if (parse_nanos(p->v, k, &r->nsec) != 0)
				return -1;
			padv(p, k);
		}
		return 0;
	case STD_PM:
	case STD_pm:
		if (p->n < 2)
			return -1;
		if (memcmp(p->v, c->std == STD_PM ? ampm[1] : "pm", 2) == 0)
			r->pm = true;
		else if (memcmp(p->v, c->std == STD_PM ? ampm[0] : "am",
		    2) == 0)
			r->am = true;
		else
			return -1;
		padv(p, 2);
		return 0;
	default:
		return -1;
	}
}

static int
parse_elem(struct pstate *p, const struct chunk *c, const char *rest,
    size_t rn, struct pres *r)
{
	size_t		k;

	if (c->std < STD_HOUR || c->std == STD_LONG_YEAR ||
	    c->std == STD_YEAR)
		return parse_date(p, c, r);
	if (c->std < STD_TZ)
		return parse_clock(p, c, rest, rn, r);
	switch (c->std) {
	case STD_TZ:
		if (p->n >= 3 && memcmp(p->v, "UTC", 3) == 0) {
			r->utc = true;
			padv(p, 3);
			return 0;
		}
		k = tz_name_len(p->v, p->n);
		if (k == 0)
			return -1;
		snprintf(r->zname, sizeof(r->zname), "%.*s", (int)k, p->v);
		padv(p, k);
		return 0;
	case STD_FRAC0:
		k = 1 + (size_t)c->ndig;
		if (p->n < k)
			return -1;
		if (parse_nanos(p->v, k, &r->nsec) != 0)
			return -1;
		padv(p, k);
		return 0;
	case STD_FRAC9:
		if (p->n < 2 || (p->v[0] != '.' && p->v[0] != ',') ||
		    !isdig(p, 1))
			return 0;
		for (k = 0; k < 9 && isdig(p, k + 1); k++)
			;
		if (parse_nanos(p->v, 1 + k, &r->nsec) != 0)
			return -1;
		padv(p, 1 + k);
		return 0;
	default:
		return parse_tz_num(p, c->std, r);
	}
}

static int
parse_error(struct buf *err, const char *layout, size_t ln, const char *s,
    size_t sn, const char *lelem, size_t lel, const char *velem, size_t vel,
    const char *msg)
{
	buf_addstr(err, "parsing time ");
	tquote(err, s, sn);
	if (msg != NULL) {
		buf_addstr(err, msg);
		return -1;
	}
	buf_addstr(err, " as ");
	tquote(err, layout, ln);
	buf_addstr(err, ": cannot parse ");
	tquote(err, velem, vel);
	buf_addstr(err, " as ");
	tquote(err, lelem, lel);
	return -1;
}

/* Location.lookupName. */
static bool
loc_lookup_name(const struct gloc *l, const char *name, int64_t usec,
    int *off)
{
	char		names[2][64];
	struct zinfo	z;
	size_t		i;

	for (i = 0; !l->fixed && i < l->nzones; i++) {
		if (strcmp(l->zones[i].abbr, name) != 0)
			continue;
		loc_lookup(l, usec - l->zones[i].off, &z, names);
		if (strcmp(z.abbr, l->zones[i].abbr) == 0) {
			*off = z.off;
			return true;
		}
	}
	for (i = 0; !l->fixed && i < l->nzones; i++) {
		if (strcmp(l->zones[i].abbr, name) == 0) {
			*off = l->zones[i].off;
			return true;
		}
	}
	if (l->fixed && strcmp(l->fz.abbr, name) == 0) {
		*off = l->fz.off;
		return true;
	}
	return false;
}

static int
parse_finish(struct pres *r, const struct gloc *loc, struct tarena *a,
    struct gtime *t)
{
	char		names[2][64];
	struct zinfo	z;
	const struct gloc *fz;
	int		off = 0;

	if (r->pm && r->hour < 12)
		r->hour += 12;
	else if (r->am && r->hour == 12)
		r->hour = 0;
	if (r->utc || r->has_zoff || r->zname[0] != '\0')
		gtime_date(t, r->year, r->month, r->day, r->hour, r->min,
		    r->sec, r->nsec, &utc_loc);
	else {
		gtime_date(t, r->year, r->month, r->day, r->hour, r->min,
		    r->sec, r->nsec, loc);
		return 0;
	}
	if (r->utc)
		return 0;
	if (r->has_zoff) {
		t->sec -= r->zoff;
		loc_lookup(loc, t->sec, &z, names);
		if (z.off == r->zoff && (r->zname[0] == '\0' ||
		    strcmp(z.abbr, r->zname) == 0)) {
			t->loc = loc;
			return 0;
		}
		off = r->zoff;
	} else {
		if (loc_lookup_name(loc, r->zname, t->sec, &off)) {
			t->sec -= off;
			t->loc = loc;
			return 0;
		}
		off = strncmp(r->zname, "GMT", 3) == 0 ?
		    (int)strtol(r->zname + 3, NULL, 10) * 3600 : 0;
	}
	fz = gloc_fixed(a, r->zname, off);
	if (fz == NULL)
		return -1;
	t->loc = fz;
	return 0;
}

static int
parse_yday(struct pres *r)
{
	int	m = 0, d = 0, yday = r->yday;

	if (is_leap(r->year)) {
		if (yday == 31 + 29) {
			m = 2;
			d = 29;
		} else if (yday > 31 + 29)
			yday--;
	}
	if (yday < 1 || yday > 365)
		return -1;
	if (m == 0) {
		m = (yday - 1) / 31 + 1;
		if (days_before[m] < yday)
			m++;
		d = yday - days_before[m - 1];
	}
	if (r->month >= 0 && r->month != m)
		return -2;
	r->month = m;
	if (r->day >= 0 && r->day != d)
		return -3;
	r->day = d;
	return 0;
}

int
gtime_parse(const char *layout, size_t ln, const char *s, size_t sn,
    const struct gloc *loc, struct tarena *a, struct gtime *t,
    struct buf *err)
{
	struct pres	r = { .month = -1, .day = -1, .yday = -1 };
	struct pstate	p = { s, sn };
	struct chunk	c;
	const char	*l = layout, *hold;
	size_t		n = ln, holdn;
	int		rc;

	for (;;) {
		next_chunk(l, n, &c);
		if (skip_prefix(&p, l, c.prefix) != 0)
			return parse_error(err, layout, ln, s, sn, l, c.prefix,
			    p.v, p.n, NULL);
		if (c.std == STD_NONE) {
			if (p.n != 0) {
				struct buf m;

				buf_init(&m, BUF_NOCAP);
				buf_addstr(&m, ": extra text: ");
				tquote(&m, p.v, p.n);
				parse_error(err, layout, ln, s, sn, NULL, 0,
				    NULL, 0, buf_str(&m));
				buf_release(&m);
				return -1;
			}
			break;
		}
		hold = p.v;
		holdn = p.n;
		rc = parse_elem(&p, &c, l + c.prefix + c.len,
		    n - c.prefix - c.len, &r);
		if (r.range != NULL) {
			char msg[64];

			snprintf(msg, sizeof(msg), ": %s out of range",
			    r.range);
			return parse_error(err, layout, ln, s, sn, NULL, 0,
			    NULL, 0, msg);
		}
		if (rc != 0)
			return parse_error(err, layout, ln, s, sn,
			    l + c.prefix, c.len, hold, holdn, NULL);
		l += c.prefix + c.len;
		n -= c.prefix + c.len;
	}
	if (r.yday >= 0) {
		rc = parse_yday(&r);
		if (rc != 0)
			return parse_error(err, layout, ln, s, sn, NULL, 0,
			    NULL, 0, rc == -1 ? ": day-of-year out of range" :
			    rc == -2 ? ": day-of-year does not match month" :
			    ": day-of-year does not match day");
	} else {
		if (r.month < 0)
			r.month = 1;
		if (r.day < 0)
			r.day = 1;
	}
	if (r.day < 1 || r.day > days_in(r.month, r.year))
		return parse_error(err, layout, ln, s, sn, NULL, 0, NULL, 0,
		    ": day out of range");
	if (parse_finish(&r, loc, a, t) != 0)
		return parse_error(err, layout, ln, s, sn, NULL, 0, NULL, 0,
		    ": out of memory");
	return 0;
}

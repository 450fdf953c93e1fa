/*
 * timeint: Alertmanager 0.25's time intervals (timeinterval package): the
 * parsers with their exact error texts (strings.ToLower of the input, Go's
 * strconv.Atoi messages), ContainsTime, and Go's time zone handling: our
 * own TZif reader with the POSIX-TZ footer (Go's tzset rules), Go's
 * Location.lookup and time.Date algorithms, time.Local from TZ or
 * /etc/localtime.  The process-wide TZ/tzset/localtime_r are never used.
 *
 * Quirks kept on purpose (they decide whether a notification is muted, and
 * must agree with Alertmanager 0.25):
 *  - the month length used for negative days of month is the number of
 *    whole 24-hour days between the first of the month and the first of
 *    the next one in the spec's location: a month that loses an hour to
 *    DST is one day shorter (in Europe/Berlin, -1 is March 30th).
 *    Alertmanager fixed this after 0.27 (prometheus/alertmanager#5447);
 *  - a day range whose start lies beyond the month's end is skipped, and
 *    negative starts are clamped to -(month length), not to 1;
 *  - months and years are not range-checked ("13" parses, never matches);
 *  - an empty list given explicitly ("weekdays: []") matches nothing.
 */
#include "routing/timeint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

struct timeint_lower {
	int32_t	lo, hi, stride, delta;
};

#include "routing/timeint_tables.inc"

static const char *const weekday_names[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday"
};
static const char *const month_names[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

/* -------------------------------------------------------- strings --- */

/* unicode.ToLower. */
static uint32_t
go_tolower(uint32_t r)
{
	size_t	lo = 0, hi = sizeof(timeint_lower_runs) /
	    sizeof(timeint_lower_runs[0]), mid;
	const struct timeint_lower *l;

	if (r < 0x80)
		return r >= 'A' && r <= 'Z' ? r + 32 : r;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		l = &timeint_lower_runs[mid];
		if ((int32_t)r < l->lo)
			hi = mid;
		else if ((int32_t)r > l->hi)
			lo = mid + 1;
		else
			return ((int32_t)r - l->lo) % l->stride == 0 ?
			    (uint32_t)((int32_t)r + l->delta) : r;
	}
	return r;
}

/* strings.ToLower: rune by rune; invalid bytes become U+FFFD. */
static char *
go_lower(const char *s)
{
	struct buf	b;
	size_t		len = strlen(s), i = 0;
	uint32_t	r;
	char		enc[4];
	int		w;

	buf_init(&b, BUF_NOCAP);
	while (i < len) {
		w = utf8_decode((const unsigned char *)s + i, len - i, &r);
		i += w < 0 ? 1 : (size_t)w;
		buf_add(&b, enc, (size_t)utf8_encode(go_tolower(r), enc));
	}
	return buf_detach(&b, NULL);
}

/*
 * strconv.Atoi on 64-bit: optional sign, decimal digits only.  Fails
 * with Go's NumError text; overflow is detected while scanning, as
 * ParseUint does, so "99999999999999999999x" is out of range, not
 * invalid.
 */
static int
go_atoi(const char *s, int64_t *out, struct ad_err *err)
{
	const uint64_t	 cutoff = UINT64_MAX / 10 + 1;
	const char	*p = s, *why = "invalid syntax";
	uint64_t	 n = 0, n1;
	bool		 neg = false;
	struct buf	 q;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p == '\0')
		goto fail;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto fail;
		why = "value out of range";
		if (n >= cutoff)
			goto fail;
		n1 = n * 10 + (uint64_t)(*p - '0');
		if (n1 < n * 10)
			goto fail;
		n = n1;
		why = "invalid syntax";
	}
	why = "value out of range";
	if (n > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		goto fail;
	*out = neg ? (int64_t)(0 - n) : (int64_t)n;
	return 0;
fail:
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, s, strlen(s));
	ad_err_set(err, AD_EINVAL, "strconv.Atoi: parsing %s: %s", buf_str(&q),
	    why);
	buf_release(&q);
	return -1;
}

/* ---------------------------------------------------------- parsers --- */

enum rkind { RK_WEEKDAY, RK_DOM, RK_MONTH, RK_YEAR };

static int
name_index(const char *const *names, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* memberFromString of each range type (in is already lowercased). */
static int
range_member(enum rkind k, const char *in, int64_t *out, struct ad_err *err)
{
	int	i;

	switch (k) {
	case RK_WEEKDAY:
		i = name_index(weekday_names, 7, in);
		if (i < 0)
			return ad_err_set(err, AD_EINVAL,
			    "%s is not a valid weekday", in);
		*out = i;
		return 0;
	case RK_MONTH:
		i = name_index(month_names, 12, in);
		if (i >= 0) {
			*out = i + 1;
			return 0;
		}
		if (go_atoi(in, out, NULL) == -1)
			return ad_err_set(err, AD_EINVAL,
			    "%s is not a valid month", in);
		return 0;
	default:
		return go_atoi(in, out, err);
	}
}

/* stringableRangeFromString: "a" or "a:b", after strings.ToLower. */
static int
range_from_string(enum rkind k, const char *s, struct timeint_range *r,
    struct ad_err *err)
{
	char	*in = go_lower(s), *colon;
	int	 rc;

	colon = strchr(in, ':');
	if (colon == NULL) {
		rc = range_member(k, in, &r->begin, err);
		r->end = r->begin;
	} else if (strchr(colon + 1, ':') != NULL)
		rc = ad_err_set(err, AD_EINVAL,
		    "couldn't parse range %s, invalid format", in);
	else {
		*colon = '\0';
		rc = range_member(k, in, &r->begin, err);
		if (rc == 0)
			rc = range_member(k, colon + 1, &r->end, err);
	}
	free(in);
	return rc;
}

int
timeint_parse_weekdays(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	struct timeint_range	r;

	if (range_from_string(RK_WEEKDAY, s, &r, err) == -1)
		return -1;
	if (r.begin > r.end)
		return ad_err_set(err, AD_EINVAL,
		    "start day cannot be before end day");
	*out = r;
	return 0;
}

static bool
dom_invalid(int64_t d)
{
	return d == 0 || d < -31 || d > 31;
}

int
timeint_parse_days_of_month(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	struct timeint_range	r;
	int64_t			b, e;

	if (range_from_string(RK_DOM, s, &r, err) == -1)
		return -1;
	if (dom_invalid(r.begin) || dom_invalid(r.end))
		return ad_err_set(err, AD_EINVAL, "%lld is not a valid day of "
		    "the month: out of range", (long long)(dom_invalid(r.begin) ?
		    r.begin : r.end));
	if (r.begin < 0 && r.end > 0)
		return ad_err_set(err, AD_EINVAL,
		    "end day must be negative if start day is negative");
	/* Alertmanager's sanity check assumes a 28-day month. */
	b = r.begin < 0 ? 28 + r.begin : r.begin;
	e = r.end < 0 ? 28 + r.end : r.end;
	if (b > e)
		return ad_err_set(err, AD_EINVAL, "end day %lld is always before "
		    "start day %lld", (long long)r.end, (long long)r.begin);
	*out = r;
	return 0;
}

static const char *
month_name(int64_t m)
{
	return m >= 1 && m <= 12 ? month_names[m - 1] : "";
}

int
timeint_parse_months(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	struct timeint_range	r;

	if (range_from_string(RK_MONTH, s, &r, err) == -1)
		return -1;
	if (r.begin > r.end)
		return ad_err_set(err, AD_EINVAL, "end month %s is before start "
		    "month %s", month_name(r.end), month_name(r.begin));
	*out = r;
	return 0;
}

int
timeint_parse_years(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	struct timeint_range	r;

	if (range_from_string(RK_YEAR, s, &r, err) == -1)
		return -1;
	if (r.begin > r.end)
		return ad_err_set(err, AD_EINVAL, "end year %lld is before start "
		    "year %lld", (long long)r.end, (long long)r.begin);
	*out = r;
	return 0;
}

/* parseTime: ^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$) */
static int
parse_hhmm(const char *s, int64_t *min, struct ad_err *err)
{
	bool	ok;

	ok = strlen(s) == 5 && s[2] == ':' && s[3] >= '0' && s[3] <= '5' &&
	    s[4] >= '0' && s[4] <= '9' && (((s[0] == '0' || s[0] == '1') &&
	    s[1] >= '0' && s[1] <= '9') || (s[0] == '2' && s[1] >= '0' &&
	    s[1] <= '3'));
	if (strcmp(s, "24:00") == 0)
		ok = true;
	if (!ok)
		return ad_err_set(err, AD_EINVAL,
		    "couldn't parse timestamp %s, invalid format", s);
	*min = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 +
	    (s[4] - '0');
	return 0;
}

int
timeint_parse_times(const char *start, const char *end,
    struct timeint_range *out, struct ad_err *err)
{
	int64_t	b, e;

	if (*start == '\0' || *end == '\0')
		return ad_err_set(err, AD_EINVAL,
		    "both start and end times must be provided");
	if (parse_hhmm(start, &b, err) == -1 || parse_hhmm(end, &e, err) == -1)
		return -1;
	if (b >= e)
		return ad_err_set(err, AD_EINVAL,
		    "start time cannot be equal or greater than end time");
	out->begin = b;
	out->end = e;
	return 0;
}

/* ------------------------------------------------------- formatting --- */

char *
timeint_format_minute(int64_t minute, char out[TIMEINT_FMT_MAX])
{
	snprintf(out, TIMEINT_FMT_MAX, "%02lld:%02lld",
	    (long long)(minute / 60), (long long)(minute % 60));
	return out;
}

char *
timeint_format_weekdays(const struct timeint_range *r,
    char out[TIMEINT_FMT_MAX])
{
	const char	*b, *e;

	b = r->begin >= 0 && r->begin <= 6 ? weekday_names[r->begin] : "";
	e = r->end >= 0 && r->end <= 6 ? weekday_names[r->end] : "";
	if (r->begin == r->end)
		snprintf(out, TIMEINT_FMT_MAX, "%s", b);
	else
		snprintf(out, TIMEINT_FMT_MAX, "%s:%s", b, e);
	return out;
}

char *
timeint_format_range(const struct timeint_range *r, char out[TIMEINT_FMT_MAX])
{
	if (r->begin == r->end)
		snprintf(out, TIMEINT_FMT_MAX, "%lld", (long long)r->begin);
	else
		snprintf(out, TIMEINT_FMT_MAX, "%lld:%lld", (long long)r->begin,
		    (long long)r->end);
	return out;
}

void
timeint_spec_release(struct timeint_spec *s)
{
	free(s->times);
	free(s->weekdays);
	free(s->days_of_month);
	free(s->months);
	free(s->years);
	free(s->location);
	memset(s, 0, sizeof(*s));
}

void
timeint_free(struct timeint *ti)
{
	size_t	i;

	if (ti == NULL)
		return;
	for (i = 0; i < ti->n_specs; i++)
		timeint_spec_release(&ti->specs[i]);
	free(ti->specs);
	free(ti->name);
	free(ti);
}

/* ------------------------------------------------------------ zones --- */

#define Z_ALPHA		INT64_MIN
#define Z_OMEGA		INT64_MAX
#define Z_MAXFILE	(10 << 20)	/* Go's maxFileSize */
#define DAY		86400

struct zone_type {
	int32_t	off;
	bool	isdst;
};

struct zone_tx {
	int64_t	when;
	uint8_t	idx;
};

struct timeint_zone {
	char			*key;		/* name as asked for */
	char			*name;		/* Go's Location.String() */
	bool			 utc;		/* Go's UTC: no zone data */
	struct zone_type	*types;
	size_t			 ntypes;
	struct zone_tx		*tx;
	size_t			 ntx;
	char			*extend;	/* POSIX TZ footer or NULL */
	struct timeint_zone	*next;
};

/* Go's errno texts are strerror's with a lowercase initial. */
static int
errno_fail(struct ad_err *err, int e)
{
	char	buf[128], *m;

	m = strerror_r(e, buf, sizeof(buf));
	return ad_err_set(err, AD_EINVAL, "%c%s", m[0] >= 'A' && m[0] <= 'Z' ?
	    m[0] + 32 : m[0], m[0] != '\0' ? m + 1 : "");
}

/* time's readFile: 0, or -1 with *eno (0 for other errors, in err). */
static int
zone_read(const char *path, struct buf *out, int *eno, struct ad_err *err)
{
	char	chunk[4096];
	ssize_t	n;
	int	fd;

	*eno = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		*eno = errno;
		return errno_fail(err, errno);
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(out, chunk, (size_t)n);
		if (buf_len(out) > Z_MAXFILE) {
			close(fd);
			return ad_err_set(err, AD_EINVAL,
			    "time: file %s is too large", path);
		}
	}
	if (n < 0) {
		*eno = errno;
		close(fd);
		return errno_fail(err, *eno);
	}
	close(fd);
	return 0;
}

struct rd {
	const unsigned char	*p;
	size_t			 n;
	bool			 bad;
};

static const unsigned char *
rd_take(struct rd *d, size_t n)
{
	const unsigned char	*p = d->p;

	if (n > d->n) {
		d->bad = true;
		d->p += d->n;
		d->n = 0;
		return NULL;
	}
	d->p += n;
	d->n -= n;
	return p;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
tzif_counts(struct rd *d, size_t n[6])
{
	const unsigned char	*p;
	int			 i;

	for (i = 0; i < 6; i++) {
		p = rd_take(d, 4);
		if (p == NULL || be32(p) > INT32_MAX)
			return -1;
		n[i] = be32(p);
	}
	return 0;
}

enum { NUTC, NSTD, NLEAP, NTIME, NZONE, NCHAR };

static int
tzif_header(struct rd *d, size_t n[6], bool *is64)
{
	const unsigned char	*p;
	size_t			 skip;

	p = rd_take(d, 4);
	if (p == NULL || memcmp(p, "TZif", 4) != 0)
		return -1;
	p = rd_take(d, 16);
	if (p == NULL || (p[0] != 0 && p[0] != '2' && p[0] != '3'))
		return -1;
	*is64 = p[0] != 0;
	if (tzif_counts(d, n) == -1)
		return -1;
	if (!*is64)
		return 0;
	/* Skip the 32-bit data and the second header; read the 64-bit. */
	skip = n[NTIME] * 5 + n[NZONE] * 6 + n[NCHAR] + n[NLEAP] * 8 +
	    n[NSTD] + n[NUTC] + 4 + 16;
	rd_take(d, skip);
	return tzif_counts(d, n);
}

/* LoadLocationFromTZData. */
static int
tzif_parse(struct timeint_zone *z, const unsigned char *data, size_t len)
{
	struct rd		 d = { data, len, false };
	const unsigned char	*tt, *ti, *zd, *p;
	size_t			 n[6], i, sz;
	bool			 is64;

	if (tzif_header(&d, n, &is64) == -1)
		return -1;
	sz = is64 ? 8 : 4;
	tt = rd_take(&d, n[NTIME] * sz);
	ti = rd_take(&d, n[NTIME]);
	zd = rd_take(&d, n[NZONE] * 6);
	rd_take(&d, n[NCHAR]);
	rd_take(&d, n[NLEAP] * (sz + 4));
	rd_take(&d, n[NSTD]);
	rd_take(&d, n[NUTC]);
	if (d.bad || n[NZONE] == 0)
		return -1;
	if (d.n > 2 && d.p[0] == '\n' && d.p[d.n - 1] == '\n')
		z->extend = xstrndup((const char *)d.p + 1, d.n - 2);
	z->types = xcalloc(n[NZONE], sizeof(*z->types));
	z->ntypes = n[NZONE];
	for (i = 0; i < n[NZONE]; i++) {
		p = zd + 6 * i;
		z->types[i].off = (int32_t)be32(p);
		z->types[i].isdst = p[4] != 0;
		if (p[5] >= n[NCHAR])
			return -1;
	}
	z->tx = xcalloc(n[NTIME] + 1, sizeof(*z->tx));
	for (i = 0; i < n[NTIME]; i++) {
		p = tt + sz * i;
		z->tx[i].when = is64 ? (int64_t)((uint64_t)be32(p) << 32 |
		    be32(p + 4)) : (int32_t)be32(p);
		if (ti[i] >= n[NZONE])
			return -1;
		z->tx[i].idx = ti[i];
	}
	z->ntx = n[NTIME];
	if (z->ntx == 0) {
		/* A fake transition covering all time, as Go adds. */
		z->tx[0].when = Z_ALPHA;
		z->tx[0].idx = 0;
		z->ntx = 1;
	}
	return 0;
}

static void
zone_free(struct timeint_zone *z)
{
	if (z == NULL)
		return;
	free(z->key);
	free(z->name);
	free(z->types);
	free(z->tx);
	free(z->extend);
	free(z);
}

static struct timeint_zone *
zone_new(const char *key, const char *name)
{
	struct timeint_zone	*z;

	z = xcalloc(1, sizeof(*z));
	z->key = xstrdup(key);
	z->name = xstrdup(name);
	return z;
}

/*
 * Reads and parses dir/name (Go: loadTzinfoFromDirOrZip + LoadLocation-
 * FromTZData).  Returns 0; -1 with *eno == ENOENT for "not there"; -1
 * with err set otherwise.
 */
static int
zone_from_file(struct timeint_zone *z, const char *dir, const char *name,
    int *eno, struct ad_err *err)
{
	struct buf	 b;
	char		*path;
	int		 rc;

	path = dir[0] != '\0' ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	buf_init(&b, BUF_NOCAP);
	rc = zone_read(path, &b, eno, err);
	if (rc == 0 && tzif_parse(z, (const unsigned char *)buf_str(&b),
	    buf_len(&b)) == -1) {
		free(z->types);
		free(z->tx);
		free(z->extend);
		z->types = NULL;
		z->tx = NULL;
		z->extend = NULL;
		rc = ad_err_set(err, AD_EINVAL,
		    "malformed time zone information");
	}
	buf_release(&b);
	free(path);
	return rc;
}

static const char *const zone_sources[] = {
	"/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/",
	"/usr/lib/locale/TZ/"
};

/* loadLocation(name, platformZoneSources): the first error that is not
 * ENOENT wins; none: "unknown time zone". */
static int
zone_from_sources(struct timeint_zone *z, const char *name,
    bool have_err, struct ad_err *err)
{
	struct ad_err	e;
	size_t		i;
	int		eno;

	for (i = 0; i < sizeof(zone_sources) / sizeof(zone_sources[0]); i++) {
		if (zone_from_file(z, zone_sources[i], name, &eno, &e) == 0)
			return 0;
		if (!have_err && eno != ENOENT) {
			if (err != NULL)
				*err = e;
			have_err = true;
		}
	}
	if (!have_err)
		ad_err_set(err, AD_EINVAL, "unknown time zone %s", name);
	return -1;
}

/* Go's initLocal: TZ, else /etc/localtime, else UTC. */
static struct timeint_zone *
zone_local(void)
{
	struct timeint_zone	*z;
	const char		*tz = getenv("TZ");
	int			 eno;

	z = zone_new("Local", "Local");
	if (tz == NULL) {
		if (zone_from_file(z, "/etc", "localtime", &eno, NULL) == 0)
			return z;
	} else if (tz[0] != '\0') {
		if (tz[0] == ':')
			tz++;
		if (tz[0] == '/' && zone_from_file(z, "", tz, &eno, NULL) == 0) {
			if (strcmp(tz, "/etc/localtime") != 0) {
				free(z->name);
				z->name = xstrdup(tz);
			}
			return z;
		}
		if (tz[0] != '/' && tz[0] != '\0' && strcmp(tz, "UTC") != 0 &&
		    zone_from_sources(z, tz, false, NULL) == 0) {
			free(z->name);
			z->name = xstrdup(tz);
			return z;
		}
	}
	free(z->name);
	z->name = xstrdup("UTC");
	z->utc = true;
	return z;
}

static bool
contains_dotdot(const char *s)
{
	return strstr(s, "..") != NULL;
}

/* time.LoadLocation. */
static struct timeint_zone *
zone_load(const char *name, struct ad_err *err)
{
	struct timeint_zone	*z;
	struct ad_err		 e;
	const char		*zi;
	bool			 have_err = false;
	size_t			 zl;
	int			 eno;

	if (name[0] == '\0' || strcmp(name, "UTC") == 0) {
		z = zone_new(name, "UTC");
		z->utc = true;
		return z;
	}
	if (strcmp(name, "Local") == 0)
		return zone_local();
	if (contains_dotdot(name) || name[0] == '/' || name[0] == '\\') {
		ad_err_set(err, AD_EINVAL, "time: invalid location name");
		return NULL;
	}
	z = zone_new(name, name);
	/* ZONEINFO directories (Go also reads zip files; we do not). */
	zi = getenv("ZONEINFO");
	zl = zi != NULL ? strlen(zi) : 0;
	if (zl > 0 && !(zl > 4 && strcmp(zi + zl - 4, ".zip") == 0)) {
		if (zone_from_file(z, zi, name, &eno, &e) == 0)
			return z;
		if (eno != ENOENT) {
			if (err != NULL)
				*err = e;
			have_err = true;
		}
	}
	if (zone_from_sources(z, name, have_err, err) == 0)
		return z;
	zone_free(z);
	return NULL;
}

static pthread_mutex_t		 zone_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timeint_zone	*zone_cache;

static struct timeint_zone *
zone_cached(const char *name)
{
	struct timeint_zone	*z;

	pthread_mutex_lock(&zone_lock);
	for (z = zone_cache; z != NULL; z = z->next)
		if (strcmp(z->key, name) == 0)
			break;
	pthread_mutex_unlock(&zone_lock);
	return z;
}

/* The zone for name, loaded once per process. */
static struct timeint_zone *
zone_get(const char *name, struct ad_err *err)
{
	struct timeint_zone	*z, *old;

	z = zone_cached(name);
	if (z != NULL)
		return z;
	z = zone_load(name, err);
	if (z == NULL)
		return NULL;
	pthread_mutex_lock(&zone_lock);
	for (old = zone_cache; old != NULL; old = old->next)
		if (strcmp(old->key, name) == 0)
			break;
	if (old == NULL) {
		z->next = zone_cache;
		zone_cache = z;
	}
	pthread_mutex_unlock(&zone_lock);
	if (old != NULL) {
		zone_free(z);
		z = old;
	}
	return z;
}

int
timeint_check_location(const char *name, struct ad_err *err)
{
	return zone_get(name, err) != NULL ? 0 : -1;
}

const char *
timeint_location_string(const char *name)
{
	struct timeint_zone	*z;

	z = zone_get(name, NULL);
	return z != NULL ? z->name : name;
}

/* ---------------------------------------------------- POSIX TZ rules --- */

struct zlook {
	int32_t	off;
	int64_t	start, end;
	bool	isdst;
};

enum { RULE_JULIAN, RULE_DOY, RULE_MWD };

struct tzrule {
	int	kind, day, week, mon;
	int	time;			/* seconds after local midnight */
};

static bool
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in(int mon, int64_t year)
{
	static const int	dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };

	return mon == 2 && is_leap(year) ? 29 : dim[mon - 1];
}

/* tzsetName: <...> or at least three characters up to a digit/sign. */
static bool
tz_name(const char **s)
{
	const char	*p = *s, *e;

	if (*p == '\0')
		return false;
	if (*p == '<') {
		e = strchr(p, '>');
		if (e == NULL)
			return false;
		*s = e + 1;
		return true;
	}
	e = p + strcspn(p, "0123456789,-+");
	if (e - p < 3)
		return false;
	*s = e;
	return true;
}

/* tzsetNum: a decimal in [min, max]. */
static bool
tz_num(const char **s, int min, int max, int *out)
{
	const char	*p = *s;
	int		 n = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > max)
			return false;
	}
	if (n < min)
		return false;
	*s = p;
	*out = n;
	return true;
}

/* tzsetOffset: [+-]hh[:mm[:ss]], hours up to 24*7 as tzcode allows. */
static bool
tz_offset(const char **s, int *out)
{
	const char	*p = *s;
	bool		 neg = false;
	int		 h, m = 0, sec = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!tz_num(&p, 0, 24 * 7, &h))
		return false;
	if (*p == ':') {
		p++;
		if (!tz_num(&p, 0, 59, &m))
			return false;
		if (*p == ':') {
			p++;
			if (!tz_num(&p, 0, 59, &sec))
				return false;
		}
	}
	*out = (h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
	*s = p;
	return true;
}

/* tzsetRule: Jn, n or Mm.w.d, then an optional /time (default 2:00). */
static bool
tz_rule(const char **s, struct tzrule *r)
{
	const char	*p = *s;

	memset(r, 0, sizeof(*r));
	if (*p == 'J') {
		p++;
		r->kind = RULE_JULIAN;
		if (!tz_num(&p, 1, 365, &r->day))
			return false;
	} else if (*p == 'M') {
		p++;
		r->kind = RULE_MWD;
		if (!tz_num(&p, 1, 12, &r->mon) || *p++ != '.' ||
		    !tz_num(&p, 1, 5, &r->week) || *p++ != '.' ||
		    !tz_num(&p, 0, 6, &r->day))
			return false;
	} else {
		r->kind = RULE_DOY;
		if (!tz_num(&p, 0, 365, &r->day))
			return false;
	}
	r->time = 2 * 3600;
	if (*p == '/') {
		p++;
		if (!tz_offset(&p, &r->time))
			return false;
	}
	*s = p;
	return true;
}

/* tzruleTime: seconds from the start of the year (UTC) to the rule. */
static int64_t
tz_rule_time(int64_t year, const struct tzrule *r, int off)
{
	static const int	before[] = { 0, 31, 59, 90, 120, 151, 181, 212,
				    243, 273, 304, 334 };
	int64_t			yy0, yy1, yy2, dow, d = 0;
	int			i, m1;

	if (r->kind == RULE_JULIAN)
		d = r->day - 1 + (is_leap(year) && r->day >= 60);
	else if (r->kind == RULE_DOY)
		d = r->day;
	else {
		/* Zeller's congruence: weekday of the month's first day. */
		m1 = (r->mon + 9) % 12 + 1;
		yy0 = r->mon <= 2 ? year - 1 : year;
		yy1 = yy0 / 100;
		yy2 = yy0 % 100;
		dow = ((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 -
		    2 * yy1) % 7;
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
		d += before[r->mon - 1] + (is_leap(year) && r->mon > 2);
	}
	return d * DAY + r->time - off;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The parsed rules of a POSIX TZ string (tzset's parsing half). */
struct tzspec {
	int		std_off, dst_off;
	bool		has_dst;
	struct tzrule	start, end;
};

static bool
tz_parse(const char *s, struct tzspec *t)
{
	memset(t, 0, sizeof(*t));
	if (!tz_name(&s) || !tz_offset(&s, &t->std_off))
		return false;
	t->std_off = -t->std_off;	/* POSIX offsets are west-positive */
	if (*s == '\0' || *s == ',')
		return true;
	if (!tz_name(&s))
		return false;
	if (*s == '\0' || *s == ',')
		t->dst_off = t->std_off + 3600;
	else if (tz_offset(&s, &t->dst_off))
		t->dst_off = -t->dst_off;
	else
		return false;
	if (*s == '\0')
		s = ",M3.2.0,M11.1.0";	/* tzcode's default rules */
	if (*s != ',' && *s != ';')
		return false;
	s++;
	if (!tz_rule(&s, &t->start) || *s++ != ',' || !tz_rule(&s, &t->end) ||
	    *s != '\0')
		return false;
	t->has_dst = true;
	return true;
}

/* tzset: the zone in effect at sec by the POSIX TZ string. */
static bool
tz_set(const char *s, int64_t last_tx, int64_t sec, struct zlook *out)
{
	struct tzspec	t;
	int64_t		days, year, ysec, abs, start, end, tmp;
	unsigned	m, d;
	bool		sdst = false, ddst = true;
	int		soff, doff;

	if (!tz_parse(s, &t))
		return false;
	if (!t.has_dst) {
		*out = (struct zlook){ t.std_off, last_tx, Z_OMEGA, false };
		return true;
	}
	days = floor_div(sec, DAY);
	time_civil_from_days(days, &year, &m, &d);
	abs = time_days_from_civil(year, 1, 1) * DAY;
	ysec = (days - time_days_from_civil(year, 1, 1)) * DAY + sec % DAY;
	soff = t.std_off;
	doff = t.dst_off;
	start = tz_rule_time(year, &t.start, soff);
	end = tz_rule_time(year, &t.end, doff);
	if (end < start) {		/* southern hemisphere */
		tmp = start;
		start = end;
		end = tmp;
		soff = t.dst_off;
		doff = t.std_off;
		sdst = true;
		ddst = false;
	}
	if (ysec < start)
		*out = (struct zlook){ soff, abs, start + abs, sdst };
	else if (ysec >= end)
		*out = (struct zlook){ soff, end + abs, abs + 365 * DAY, sdst };
	else
		*out = (struct zlook){ doff, start + abs, end + abs, ddst };
	return true;
}

/* ---------------------------------------------------- time in zones --- */

/* lookupFirstZone: the zone before the first transition. */
static size_t
zone_first(const struct timeint_zone *z)
{
	size_t	i, zi;
	bool	used = false;

	for (i = 0; i < z->ntx && !used; i++)
		used = z->tx[i].idx == 0;
	if (!used)
		return 0;
	if (z->ntx > 0 && z->types[z->tx[0].idx].isdst)
		for (zi = z->tx[0].idx; zi-- > 0;)
			if (!z->types[zi].isdst)
				return zi;
	for (zi = 0; zi < z->ntypes; zi++)
		if (!z->types[zi].isdst)
			return zi;
	return 0;
}

/* Location.lookup: the offset at sec and the span it holds for. */
static void
zone_lookup(const struct timeint_zone *z, int64_t sec, struct zlook *out)
{
	const struct zone_type	*zt;
	size_t			 lo = 0, hi = z->ntx, m;
	int64_t			 end = Z_OMEGA;

	if (z->utc) {
		*out = (struct zlook){ 0, Z_ALPHA, Z_OMEGA, false };
		return;
	}
	if (z->ntx == 0 || sec < z->tx[0].when) {
		zt = &z->types[zone_first(z)];
		*out = (struct zlook){ zt->off, Z_ALPHA, z->ntx > 0 ?
		    z->tx[0].when : Z_OMEGA, zt->isdst };
		return;
	}
	while (hi - lo > 1) {
		m = lo + (hi - lo) / 2;
		if (sec < z->tx[m].when) {
			end = z->tx[m].when;
			hi = m;
		} else
			lo = m;
	}
	zt = &z->types[z->tx[lo].idx];
	*out = (struct zlook){ zt->off, z->tx[lo].when, end, zt->isdst };
	if (lo == z->ntx - 1 && z->extend != NULL)
		tz_set(z->extend, z->tx[lo].when, sec, out);
}

/* Broken-down local time, as a time.Time in a Location reports it. */
struct civil {
	int64_t		year;
	unsigned	month, day;
	int		hour, min, sec, wday;
};

static void
zone_civil(const struct timeint_zone *z, int64_t sec, struct civil *c)
{
	struct zlook	l;
	int64_t		local, days, rem;

	zone_lookup(z, sec, &l);
	local = sec + l.off;
	days = floor_div(local, DAY);
	rem = local - days * DAY;
	time_civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem % 3600 / 60);
	c->sec = (int)(rem % 60);
	c->wday = (int)(((days % 7) + 11) % 7);		/* 1970-01-01: Thu */
}

/* time.Date(year, month, day, h, m, s, 0, loc) in Unix seconds. */
static int64_t
zone_date(const struct timeint_zone *z, int64_t year, int64_t month,
    int day, int h, int m, int s)
{
	struct zlook	l;
	int64_t		unix, utc;

	year += floor_div(month - 1, 12);
	month = month - 1 - floor_div(month - 1, 12) * 12 + 1;
	unix = (time_days_from_civil(year, (unsigned)month, 1) + day - 1) *
	    DAY + h * 3600 + m * 60 + s;
	/* Look the offset up as if local were UTC, then adjust if that
	 * lands outside the span the offset holds for. */
	zone_lookup(z, unix, &l);
	if (l.off != 0) {
		utc = unix - l.off;
		if (utc < l.start || utc >= l.end)
			zone_lookup(z, utc, &l);
		unix -= l.off;
	}
	return unix;
}

/*
 * Alertmanager 0.25's daysInMonth: whole 24-hour days from the first of
 * the month to the first of the next (Date, then AddDate(0, 1, 0)).
 */
static int64_t
zone_days_in_month(const struct timeint_zone *z, const struct civil *c)
{
	struct civil	ms;
	int64_t		start, end;

	start = zone_date(z, c->year, c->month, 1, 0, 0, 0);
	zone_civil(z, start, &ms);
	end = zone_date(z, ms.year, (int64_t)ms.month + 1, (int)ms.day,
	    ms.hour, ms.min, ms.sec);
	return (end - start) / DAY;
}

/* ------------------------------------------------------ containment --- */

static const struct timeint_zone *
spec_zone(const struct timeint_spec *s)
{
	struct timeint_zone	*z;

	z = atomic_load_explicit(&((struct timeint_spec *)s)->zone,
	    memory_order_acquire);
	if (z != NULL)
		return z;
	/* A location that does not load (config rejects it) reads as UTC. */
	z = zone_get(s->location != NULL ? s->location : "", NULL);
	if (z == NULL)
		z = zone_get("", NULL);
	atomic_store_explicit(&((struct timeint_spec *)s)->zone, z,
	    memory_order_release);
	return z;
}

static bool
in_ranges(const struct timeint_range *r, size_t n, int64_t v)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v >= r[i].begin && v <= r[i].end)
			return true;
	return false;
}

static bool
list_applies(const struct timeint_spec *s, size_t n, unsigned bit)
{
	return n > 0 || (s->set & bit) != 0;
}

static int64_t
clamp(int64_t n, int64_t min, int64_t max)
{
	return n <= min ? min : n >= max ? max : n;
}

static bool
in_days(const struct timeint_spec *s, const struct timeint_zone *z,
    const struct civil *c)
{
	int64_t	dim, b, e;
	size_t	i;

	dim = zone_days_in_month(z, c);
	for (i = 0; i < s->n_days_of_month; i++) {
		b = s->days_of_month[i].begin;
		e = s->days_of_month[i].end;
		b = b < 0 ? dim + b + 1 : b;
		e = e < 0 ? dim + e + 1 : e;
		if (b > dim)
			continue;
		b = clamp(b, -dim, dim);
		e = clamp(e, -dim, dim);
		if ((int64_t)c->day >= b && (int64_t)c->day <= e)
			return true;
	}
	return false;
}

bool
timeint_spec_contains(const struct timeint_spec *s, ad_time_t t)
{
	const struct timeint_zone	*z = spec_zone(s);
	struct civil			 c;
	size_t				 i;
	int64_t				 mins;
	bool				 in = false;

	zone_civil(z, floor_div(t, AD_SEC), &c);
	if (list_applies(s, s->n_times, TIMEINT_SET_TIMES)) {
		mins = c.hour * 60 + c.min;
		for (i = 0; i < s->n_times && !in; i++)
			in = mins >= s->times[i].begin && mins < s->times[i].end;
		if (!in)
			return false;
	}
	if (list_applies(s, s->n_days_of_month, TIMEINT_SET_DAYS) &&
	    !in_days(s, z, &c))
		return false;
	if (list_applies(s, s->n_months, TIMEINT_SET_MONTHS) &&
	    !in_ranges(s->months, s->n_months, c.month))
		return false;
	if (list_applies(s, s->n_weekdays, TIMEINT_SET_WEEKDAYS) &&
	    !in_ranges(s->weekdays, s->n_weekdays, c.wday))
		return false;
	if (list_applies(s, s->n_years, TIMEINT_SET_YEARS) &&
	    !in_ranges(s->years, s->n_years, c.year))
		return false;
	return true;
}

bool
timeint_contains(const struct timeint *ti, ad_time_t t)
{
	size_t	i;

	for (i = 0; i < ti->n_specs; i++)
		if (timeint_spec_contains(&ti->specs[i], t))
			return true;
	return false;
}

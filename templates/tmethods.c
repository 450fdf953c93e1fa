/*
 * Methods templates may call on time values, as Go's time package defines
 * them: t.Format, t.Unix, t.UTC, t.In, t.Add, t.Sub, t.Round, ...,
 * d.Seconds, d.Round, ..., Month/Weekday/Location String.  Methods with
 * several results (Date, Clock, Zone, ISOWeek, ZoneBounds) are listed so
 * that calling them fails as in Go ("can't call method/function ... with
 * 3 results").
 */
#include "templates/tmpl_priv.h"

#include <string.h>

#include "alertd/buf.h"
#include "alertd/timeutil.h"

#define ARGS	struct xstate *x, const struct tval *recv, struct tval *argv, \
		size_t argc, struct tval *out
#define UNUSED	(void)x; (void)recv; (void)argv; (void)argc

static int
time_out(struct xstate *x, const struct gtime *t, struct tval *out)
{
	struct gtime	*nt = tarena_alloc(xarena(x), sizeof(*nt));

	if (nt == NULL)
		return xoom(x);
	*nt = *t;
	out->t = &tt_time;
	out->u.tm = nt;
	return 0;
}

static int
m_add(ARGS)
{
	struct gtime	t = *recv->u.tm;

	UNUSED;
	gtime_add(&t, argv[0].u.i);
	return time_out(x, &t, out);
}

static int
m_add_date(ARGS)
{
	struct gcivil	c;
	struct gtime	t;

	UNUSED;
	gtime_civil(recv->u.tm, &c);
	gtime_date(&t, c.year + argv[0].u.i, c.month + argv[1].u.i,
	    c.day + argv[2].u.i, c.hour, c.min, c.sec, recv->u.tm->nsec,
	    recv->u.tm->loc);
	return time_out(x, &t, out);
}

static int
m_after(ARGS)
{
	UNUSED;
	*out = tv_bool(gtime_cmp(recv->u.tm, argv[0].u.tm) > 0);
	return 0;
}

static int
m_before(ARGS)
{
	UNUSED;
	*out = tv_bool(gtime_cmp(recv->u.tm, argv[0].u.tm) < 0);
	return 0;
}

static int
m_equal(ARGS)
{
	UNUSED;
	*out = tv_bool(gtime_cmp(recv->u.tm, argv[0].u.tm) == 0);
	return 0;
}

static int
civil_field(const struct tval *recv, char which)
{
	struct gcivil	c;

	gtime_civil(recv->u.tm, &c);
	switch (which) {
	case 'd': return c.day;
	case 'h': return c.hour;
	case 'm': return c.min;
	case 's': return c.sec;
	case 'M': return c.month;
	case 'w': return c.wday;
	case 'y': return (int)c.year;
	case 'Y': return c.yday;
	}
	return 0;
}

#define CIVIL(fn, which, type)						\
static int								\
fn(ARGS)								\
{									\
	UNUSED;								\
	*out = tv_int(type, civil_field(recv, which));			\
	return 0;							\
}
CIVIL(m_day, 'd', &tt_int)
CIVIL(m_hour, 'h', &tt_int)
CIVIL(m_minute, 'm', &tt_int)
CIVIL(m_second, 's', &tt_int)
CIVIL(m_month, 'M', &tt_month)
CIVIL(m_weekday, 'w', &tt_weekday)
CIVIL(m_year, 'y', &tt_int)
CIVIL(m_yday, 'Y', &tt_int)

static int
m_nanosecond(ARGS)
{
	UNUSED;
	*out = tv_int(&tt_int, recv->u.tm->nsec);
	return 0;
}

static int
m_format(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	if (gtime_format(&b, recv->u.tm, argv[0].u.s.p, argv[0].u.s.n) != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return xbuf_finish(x, &b, &tt_string, out);
}

static int
m_gostring(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	gtime_gostring(&b, recv->u.tm);
	return xbuf_finish(x, &b, &tt_string, out);
}

static int
m_string(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	gtime_string(&b, recv->u.tm);
	return xbuf_finish(x, &b, &tt_string, out);
}

static int
m_in(ARGS)
{
	struct gtime	t = *recv->u.tm;

	UNUSED;
	if (argv[0].u.loc == NULL)
		return xfail(x, "time: missing Location in call to Time.In");
	t.loc = argv[0].u.loc;
	return time_out(x, &t, out);
}

static int
m_local(ARGS)
{
	struct gtime	t = *recv->u.tm;

	UNUSED;
	t.loc = gloc_local();
	return time_out(x, &t, out);
}

static int
m_utc(ARGS)
{
	struct gtime	t = *recv->u.tm;

	UNUSED;
	t.loc = gloc_utc();
	return time_out(x, &t, out);
}

static int
m_location(ARGS)
{
	UNUSED;
	out->t = &tt_location;
	out->u.loc = recv->u.tm->loc != NULL ? recv->u.tm->loc : gloc_utc();
	return 0;
}

static int
m_isdst(ARGS)
{
	UNUSED;
	*out = tv_bool(gtime_isdst(recv->u.tm));
	return 0;
}

static int
m_iszero(ARGS)
{
	UNUSED;
	*out = tv_bool(recv->u.tm->sec == GT_ZERO_SEC && recv->u.tm->nsec == 0);
	return 0;
}

/* Remainder of t since the zero time, modulo d (Go's div). */
static int64_t
time_rem(const struct gtime *t, int64_t d)
{
	__int128	abs, r;

	abs = (__int128)(t->sec - GT_ZERO_SEC) * AD_SEC + t->nsec;
	r = abs % d;

	if (r < 0)
		r += d;
	return (int64_t)r;
}

static int
m_round_trunc(struct xstate *x, const struct tval *recv, int64_t d,
    bool round, struct tval *out)
{
	struct gtime	t = *recv->u.tm;
	int64_t		r;

	t.mono = false;
	if (d > 0) {
		r = time_rem(&t, d);
		if (round && !((uint64_t)r + (uint64_t)r < (uint64_t)d))
			gtime_add(&t, d - r);
		else
			gtime_add(&t, -r);
	}
	return time_out(x, &t, out);
}

static int
m_round(ARGS)
{
	UNUSED;
	return m_round_trunc(x, recv, argv[0].u.i, true, out);
}

static int
m_truncate(ARGS)
{
	UNUSED;
	return m_round_trunc(x, recv, argv[0].u.i, false, out);
}

static int
m_sub(ARGS)
{
	UNUSED;
	*out = tv_int(&tt_duration, gtime_sub(recv->u.tm, argv[0].u.tm));
	return 0;
}

static int
unix_out(struct tval *out, const struct gtime *t, int64_t unit)
{
	uint64_t	v;

	v = (uint64_t)t->sec * (uint64_t)(AD_SEC / unit) +
	    (uint64_t)(t->nsec / unit);
	*out = tv_int(&tt_int64, (int64_t)v);
	return 0;
}

static int
m_unix(ARGS)
{
	UNUSED;
	*out = tv_int(&tt_int64, recv->u.tm->sec);
	return 0;
}

static int
m_unix_milli(ARGS)
{
	UNUSED;
	return unix_out(out, recv->u.tm, 1000000);
}

static int
m_unix_micro(ARGS)
{
	UNUSED;
	return unix_out(out, recv->u.tm, 1000);
}

static int
m_unix_nano(ARGS)
{
	UNUSED;
	return unix_out(out, recv->u.tm, 1);
}

#define T0(n, f, res)	{ .name = n, .fn = f, .nout = 1 }
#define T1(n, f, p)	{ .name = n, .fn = f, .params = { p }, .nparams = 1, \
	.nout = 1 }
#define TN(n, k)	{ .name = n, .nout = k }

const struct tfunc tm_time_methods[] = {
	T1("Add", m_add, &tt_duration),
	{ .name = "AddDate", .fn = m_add_date, .params = { &tt_int, &tt_int,
	    &tt_int }, .nparams = 3, .nout = 1 },
	T1("After", m_after, &tt_time),
	T1("Before", m_before, &tt_time),
	TN("Clock", 3),
	TN("Date", 3),
	T0("Day", m_day, &tt_int),
	T1("Equal", m_equal, &tt_time),
	T1("Format", m_format, &tt_string),
	T0("GoString", m_gostring, &tt_string),
	T0("Hour", m_hour, &tt_int),
	TN("ISOWeek", 2),
	T1("In", m_in, &tt_location),
	T0("IsDST", m_isdst, &tt_bool),
	T0("IsZero", m_iszero, &tt_bool),
	T0("Local", m_local, &tt_time),
	T0("Location", m_location, &tt_location),
	T0("Minute", m_minute, &tt_int),
	T0("Month", m_month, &tt_month),
	T0("Nanosecond", m_nanosecond, &tt_int),
	T1("Round", m_round, &tt_duration),
	T0("Second", m_second, &tt_int),
	T0("String", m_string, &tt_string),
	T1("Sub", m_sub, &tt_time),
	T1("Truncate", m_truncate, &tt_duration),
	T0("UTC", m_utc, &tt_time),
	T0("Unix", m_unix, &tt_int64),
	T0("UnixMicro", m_unix_micro, &tt_int64),
	T0("UnixMilli", m_unix_milli, &tt_int64),
	T0("UnixNano", m_unix_nano, &tt_int64),
	T0("Weekday", m_weekday, &tt_weekday),
	T0("Year", m_year, &tt_int),
	T0("YearDay", m_yday, &tt_int),
	TN("Zone", 2),
	TN("ZoneBounds", 2),
	{ .name = NULL }
};

/* ---------------------------------------------------------- Duration --- */

static int
d_abs(ARGS)
{
	int64_t	d = recv->u.i;

	UNUSED;
	*out = tv_int(&tt_duration, d >= 0 ? d : d == INT64_MIN ? INT64_MAX :
	    -d);
	return 0;
}

static int
d_float(struct tval *out, int64_t d, int64_t unit)
{
	out->t = &tt_float64;
	out->u.f = (double)(d / unit) + (double)(d % unit) / (double)unit;
	return 0;
}

static int
d_hours(ARGS)
{
	UNUSED;
	return d_float(out, recv->u.i, AD_HOUR);
}

static int
d_minutes(ARGS)
{
	UNUSED;
	return d_float(out, recv->u.i, AD_MIN);
}

static int
d_seconds(ARGS)
{
	UNUSED;
	return d_float(out, recv->u.i, AD_SEC);
}

static int
d_micro(ARGS)
{
	UNUSED;
	*out = tv_int(&tt_int64, recv->u.i / 1000);
	return 0;
}

static int
d_milli(ARGS)
{
	UNUSED;
	*out = tv_int(&tt_int64, recv->u.i / 1000000);
	return 0;
}

static int
d_nano(ARGS)
{
	UNUSED;
	*out = tv_int(&tt_int64, recv->u.i);
	return 0;
}

static int
d_round(ARGS)
{
	int64_t	d = recv->u.i, m = argv[0].u.i, r, d1;

	UNUSED;
	if (m <= 0) {
		*out = tv_int(&tt_duration, d);
		return 0;
	}
	r = d % m;
	if (d < 0) {
		r = -r;
		if ((uint64_t)r + (uint64_t)r < (uint64_t)m)
			d1 = d + r;
		else if (__builtin_add_overflow(d - m, r, &d1) || d1 >= d)
			d1 = INT64_MIN;
	} else {
		if ((uint64_t)r + (uint64_t)r < (uint64_t)m)
			d1 = d - r;
		else if (__builtin_add_overflow(d, m - r, &d1) || d1 <= d)
			d1 = INT64_MAX;
	}
	*out = tv_int(&tt_duration, d1);
	return 0;
}

static int
d_truncate(ARGS)
{
	int64_t	d = recv->u.i, m = argv[0].u.i;

	UNUSED;
	*out = tv_int(&tt_duration, m <= 0 ? d : d - d % m);
	return 0;
}

static int
stringer_out(struct xstate *x, const struct tval *recv, struct tval *out)
{
	struct buf	b;

	xbuf_init(x, &b);
	tfmt_stringer(&b, recv);
	return xbuf_finish(x, &b, &tt_string, out);
}

static int
s_string(ARGS)
{
	UNUSED;
	return stringer_out(x, recv, out);
}

const struct tfunc tm_duration_methods[] = {
	T0("Abs", d_abs, &tt_duration),
	T0("Hours", d_hours, &tt_float64),
	T0("Microseconds", d_micro, &tt_int64),
	T0("Milliseconds", d_milli, &tt_int64),
	T0("Minutes", d_minutes, &tt_float64),
	T0("Nanoseconds", d_nano, &tt_int64),
	T1("Round", d_round, &tt_duration),
	T0("Seconds", d_seconds, &tt_float64),
	T0("String", s_string, &tt_string),
	T1("Truncate", d_truncate, &tt_duration),
	{ .name = NULL }
};

const struct tfunc tm_month_methods[] = {
	T0("String", s_string, &tt_string),
	{ .name = NULL }
};

const struct tfunc tm_weekday_methods[] = {
	T0("String", s_string, &tt_string),
	{ .name = NULL }
};

const struct tfunc tm_location_methods[] = {
	T0("String", s_string, &tt_string),
	{ .name = NULL }
};

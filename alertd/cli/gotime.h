/*
 * gotime: Go's time.Time formatting and parsing with layouts.
 *
 * amtool prints dates with time.Time.Format(--date.format) and reads
 * --start/--end with time.Parse(time.RFC3339, ...); this module does both
 * as Go 1.19 does, for any layout built from Go's reference time
 * "Mon Jan 2 15:04:05 MST 2006" (every std element: 2006 06 01 1 Jan
 * January 02 2 _2 002 __2 Mon Monday 15 3 03 4 04 5 05 PM pm MST, the
 * numeric zones -0700 -07:00 -07 -070000 -07:00:00 and their Z forms,
 * .000/.999/,000 fractions).  Text that is not an element is copied.
 *
 * A struct gotime carries what Format needs: the instant (seconds and
 * nanoseconds since the Unix epoch, any year), the zone offset and the
 * zone's abbreviation ("" prints as -0700, as Go does for a fixed zone
 * without a name).  Thread: any (pure functions; gotime_parse reads the
 * local time zone through localtime_r).
 */
#ifndef ALERTD_CLI_GOTIME_H
#define ALERTD_CLI_GOTIME_H

#include <stdint.h>

struct buf;
struct ad_err;

#define GOTIME_ZONE_MAX	16

struct gotime {
	int64_t	sec;			/* since 1970-01-01T00:00:00Z */
	int32_t	nsec;			/* [0, 1e9) */
	int32_t	off;			/* seconds east of UTC */
	char	zone[GOTIME_ZONE_MAX];	/* abbreviation, "" if unnamed */
};

/* Layouts amtool uses. */
#define GOTIME_RFC3339		"2006-01-02T15:04:05Z07:00"
#define GOTIME_RFC3339_MILLIS	"2006-01-02T15:04:05.000Z07:00"
#define GOTIME_AMTOOL_DEFAULT	"2006-01-02 15:04:05 MST"

/* The instant sec.nsec in UTC (zone "UTC"). */
void	gotime_utc(struct gotime *t, int64_t sec, int32_t nsec);
/* The instant in the local zone (Go's time.Local, from TZ). */
void	gotime_local(struct gotime *t, int64_t sec, int32_t nsec);
/* Go's zero time, 0001-01-01T00:00:00Z. */
void	gotime_zero(struct gotime *t);
int	gotime_is_zero(const struct gotime *t);
/* -1, 0, 1 by instant (Go's Before/After). */
int	gotime_cmp(const struct gotime *a, const struct gotime *b);

/* time.Time.Format(layout), appended to out.  Returns 0 or -1 (cap). */
int	gotime_format(struct buf *out, const struct gotime *t,
	    const char *layout);

/*
 * time.Parse(layout, s): a time with a 'Z' or "UTC" zone is in UTC; one
 * with a numeric offset takes the local zone's name when the local zone
 * has that offset at that instant, else no name (Go's FixedZone("", off)).
 * Without a zone element it is UTC.  Errors carry Go's text ("parsing
 * time \"x\" as \"2006-...\": cannot parse \"x\" as \"2006\"").
 */
int	gotime_parse(const char *layout, const char *s, struct gotime *t,
	    struct ad_err *err);

#endif

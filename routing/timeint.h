/*
 * timeint: time intervals (config `time_intervals` / `mute_time_intervals`)
 * as Alertmanager 0.25's timeinterval package defines them.
 *
 * A named interval is a list of timeint_spec; it contains an instant when
 * any spec contains it.  A spec contains an instant when every one of its
 * lists does (times of day [start, end), weekdays, days of month with
 * negative indices counted from the month's end, months, years; ranges
 * inclusive), evaluated in the spec's location (an IANA name from the
 * system tz database, "Local", or UTC when unset).  A list that is empty
 * is ignored, unless its TIMEINT_SET_* bit says it was given as an empty
 * list (`weekdays: []`), which in Alertmanager matches nothing.
 *
 * The *_parse functions take the strings as written in YAML and return 0
 * or -1 with Alertmanager's error wording, so that config/ can decode
 * `time_intervals:` and report errors with file:line.  The timeint_format_*
 * functions print parts back as Alertmanager marshals them (the config
 * dumper).
 *
 * Zones are read from the tz database (ZONEINFO, then /usr/share/zoneinfo,
 * as Go does; TZif with the POSIX-TZ footer for instants past the last
 * transition) by our own reader, never through the process-wide TZ/tzset,
 * and cached for the life of the process.  "Local" is the zone Go's
 * time.Local would be (TZ, else /etc/localtime), read once.
 *
 * A timeint and its specs are immutable after construction (the resolved
 * zone is memoised in the spec, atomically).  Thread: any.
 */
#ifndef ALERTD_ROUTING_TIMEINT_H
#define ALERTD_ROUTING_TIMEINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_err;
struct timeint_zone;			/* a loaded time zone (timeint.c) */

/* Go's int is 64 bits: years and months may be any int64 there. */
struct timeint_range {
	int64_t	begin, end;		/* inclusive, unless noted */
};

/* Bits of timeint_spec.set: the list was given, possibly empty. */
#define TIMEINT_SET_TIMES	0x01u
#define TIMEINT_SET_WEEKDAYS	0x02u
#define TIMEINT_SET_DAYS	0x04u
#define TIMEINT_SET_MONTHS	0x08u
#define TIMEINT_SET_YEARS	0x10u

struct timeint_spec {
	struct timeint_range	*times;		/* minutes of day, [begin, end) */
	size_t			 n_times;
	struct timeint_range	*weekdays;	/* 0 = Sunday .. 6 */
	size_t			 n_weekdays;
	struct timeint_range	*days_of_month;	/* 1..31 or -31..-1 */
	size_t			 n_days_of_month;
	struct timeint_range	*months;	/* 1..12 (others never match) */
	size_t			 n_months;
	struct timeint_range	*years;
	size_t			 n_years;
	char			*location;	/* NULL: UTC; owned */
	unsigned		 set;		/* TIMEINT_SET_*, optional */
	/* The loaded location, filled in on first use.  Not owned. */
	struct timeint_zone *_Atomic zone;
};

struct timeint {
	char			*name;
	struct timeint_spec	*specs;
	size_t			 n_specs;
};

/*
 * "HH:MM" pair of `times: [{start_time, end_time}]` (24:00 allowed as an
 * end): out gets minutes of day.  "both start and end times must be
 * provided", "couldn't parse timestamp 9:00, invalid format", "start time
 * cannot be equal or greater than end time".
 */
int	timeint_parse_times(const char *start, const char *end,
	    struct timeint_range *out, struct ad_err *err);
/* "monday", "Monday:FRIDAY": "funday is not a valid weekday", ... */
int	timeint_parse_weekdays(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* "1", "1:5", "-3:-1": "end day must be negative if start day is ..." */
int	timeint_parse_days_of_month(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* "january", "1:3", "may:august" (numbers are not range-checked, as in
 * Alertmanager) */
int	timeint_parse_months(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* "2020", "2020:2022" */
int	timeint_parse_years(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/*
 * time.LoadLocation(name): "" and "UTC", "Local", or a zone file.  Errors
 * as Go's: "unknown time zone Foo/Bar", "time: invalid location name",
 * "malformed time zone information", "is a directory", ...  The zone is
 * loaded and cached.
 */
int	timeint_check_location(const char *name, struct ad_err *err);

/* ContainsTime (Alertmanager passes now.UTC(); so does alertd). */
bool	timeint_spec_contains(const struct timeint_spec *s, ad_time_t t);
bool	timeint_contains(const struct timeint *ti, ad_time_t t);

#define TIMEINT_FMT_MAX	48
/* TimeRange.MarshalYAML: a minute of day as "%02d:%02d" ("24:00"). */
char	*timeint_format_minute(int64_t minute, char out[TIMEINT_FMT_MAX]);
/* WeekdayRange.MarshalText: "monday:friday", or "saturday" alone. */
char	*timeint_format_weekdays(const struct timeint_range *r,
	    char out[TIMEINT_FMT_MAX]);
/*
 * InclusiveRange.MarshalText, used for days of month, months and years:
 * "1:5", "-3:-1", "7".  Months print as numbers ("may:august" -> "5:8"),
 * as Alertmanager prints them.
 */
char	*timeint_format_range(const struct timeint_range *r,
	    char out[TIMEINT_FMT_MAX]);
/*
 * Location.MarshalText: Go's Location.String() of the loaded zone: the
 * name as given, "UTC" for "" and "UTC", and for "Local" what Go's
 * time.Local reports ("Local", or TZ's value).  Borrowed, static.
 */
const char *timeint_location_string(const char *name);

void	timeint_spec_release(struct timeint_spec *s);
void	timeint_free(struct timeint *ti);		/* NULL is fine */

#endif

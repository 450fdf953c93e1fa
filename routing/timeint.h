/*
 * timeint: time intervals (config `time_intervals` / `mute_time_intervals`)
 * as Alertmanager's timeinterval package defines them.
 *
 * A named interval is a list of timeint_spec; it contains an instant when
 * any spec contains it.  A spec contains an instant when every one of its
 * non-empty fields does (times of day, weekdays, days of month with
 * negative indices counted from the month's end, months, years), evaluated
 * in the spec's location (IANA name from the system tz database; UTC when
 * unset).
 *
 * The *_parse functions take the strings as written in YAML and return 0
 * or -1 with Alertmanager's error wording, so that config/ can decode
 * `time_intervals:` and report errors with file:line.
 * Immutable after construction.  Thread: any.
 */
#ifndef ALERTD_ROUTING_TIMEINT_H
#define ALERTD_ROUTING_TIMEINT_H

#include <stdbool.h>
#include <stddef.h>

#include "alertd/timeutil.h"

struct ad_err;

struct timeint_range {
	int	begin, end;		/* inclusive, unless noted */
};

struct timeint_spec {
	struct timeint_range	*times;		/* minutes of day, [begin, end) */
	size_t			 n_times;
	struct timeint_range	*weekdays;	/* 0 = Sunday .. 6 */
	size_t			 n_weekdays;
	struct timeint_range	*days_of_month;	/* 1..31 or -31..-1 */
	size_t			 n_days_of_month;
	struct timeint_range	*months;	/* 1..12 */
	size_t			 n_months;
	struct timeint_range	*years;
	size_t			 n_years;
	char			*location;	/* NULL: UTC */
};

struct timeint {
	char			*name;
	struct timeint_spec	*specs;
	size_t			 n_specs;
};

/* "HH:MM" pair for `times: [{start_time, end_time}]`. */
int	timeint_parse_times(const char *start, const char *end,
	    struct timeint_range *out, struct ad_err *err);
/* "monday", "monday:friday" */
int	timeint_parse_weekdays(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* "1", "1:5", "-3:-1" */
int	timeint_parse_days_of_month(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* "january", "1:3", "may:august" */
int	timeint_parse_months(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* "2020", "2020:2022" */
int	timeint_parse_years(const char *s, struct timeint_range *out,
	    struct ad_err *err);
/* Checks that the zone exists ("Europe/Berlin", "Local", "UTC"). */
int	timeint_check_location(const char *name, struct ad_err *err);

bool	timeint_spec_contains(const struct timeint_spec *s, ad_time_t t);
bool	timeint_contains(const struct timeint *ti, ad_time_t t);

void	timeint_spec_release(struct timeint_spec *s);
void	timeint_free(struct timeint *ti);		/* NULL is fine */

#endif

/*
 * TEMPORARY STUB -- delete when routing/timeint.c lands on main
 * (routing/matcher.c has landed and replaced the matcher half).
 *
 * Just enough of routing/timeint.h for config/ to link and validate: time
 * interval parts are range-checked.  The real module (Alertmanager's
 * texts, time zones, evaluation) replaces it.
 */
#include "routing/timeint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/err.h"
#include "alertd/xmalloc.h"

/* ------------------------------------------------------------ timeint -- */

static int
hhmm(const char *s, int *min)
{
	int	h, m, n = 0;

	if (sscanf(s, "%d:%d%n", &h, &m, &n) != 2 || s[n] != '\0' ||
	    h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

int
timeint_parse_times(const char *start, const char *end,
    struct timeint_range *out, struct ad_err *err)
{
	if (hhmm(start, &out->begin) == -1 || hhmm(end, &out->end) == -1)
		return ad_err_set(err, AD_EINVAL, "couldn't parse timestamp "
		    "%s, invalid format", hhmm(start, &out->begin) ? start : end);
	if (out->begin >= out->end)
		return ad_err_set(err, AD_EINVAL, "start time cannot be equal "
		    "or greater than end time");
	return 0;
}

static int
range_parse(const char *s, const char *const *names, int lo, int hi,
    struct timeint_range *out, const char *what, struct ad_err *err)
{
	const char	*colon = strchr(s, ':');
	char		 a[64], b[64];
	int		 v[2], i, k;

	snprintf(a, sizeof(a), "%.*s", colon ? (int)(colon - s) : 63, s);
	snprintf(b, sizeof(b), "%s", colon ? colon + 1 : a);
	for (k = 0; k < 2; k++) {
		const char	*x = k == 0 ? a : b;
		char		*end;

		v[k] = (int)strtol(x, &end, 10);
		if (*x != '\0' && *end == '\0')
			continue;
		for (i = 0; names != NULL && names[i] != NULL; i++)
			if (strcasecmp(x, names[i]) == 0)
				break;
		if (names == NULL || names[i] == NULL)
			return ad_err_set(err, AD_EINVAL, "%s %s is invalid",
			    what, x);
		v[k] = i + lo;
	}
	if (v[0] < lo && lo >= 0)
		return ad_err_set(err, AD_EINVAL, "%s %s is invalid", what, s);
	if (hi > 0 && v[1] > hi)
		return ad_err_set(err, AD_EINVAL, "%s %s is invalid", what, s);
	out->begin = v[0];
	out->end = v[1];
	return 0;
}

int
timeint_parse_weekdays(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	static const char *const d[] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", NULL };

	return range_parse(s, d, 0, 6, out, "weekday", err);
}

int
timeint_parse_days_of_month(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	return range_parse(s, NULL, -31, 31, out, "day of month", err);
}

int
timeint_parse_months(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	static const char *const m[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december", NULL };

	return range_parse(s, m, 1, 12, out, "month", err);
}

int
timeint_parse_years(const char *s, struct timeint_range *out,
    struct ad_err *err)
{
	return range_parse(s, NULL, 0, 0, out, "year", err);
}

int
timeint_check_location(const char *name, struct ad_err *err)
{
	char	path[512];
	FILE	*f;

	if (strcmp(name, "Local") == 0 || strcmp(name, "UTC") == 0)
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "r");
	if (f == NULL)
		return ad_err_set(err, AD_EINVAL, "unknown time zone %s", name);
	fclose(f);
	return 0;
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

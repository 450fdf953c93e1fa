/*
 * timeutil: time as Alertmanager sees it.
 *
 * ad_time_t is nanoseconds since the Unix epoch (UTC), as Go's time.Time
 * holds it; AD_TIME_ZERO stands for Go's zero time (0001-01-01T00:00:00Z),
 * which the API uses for "unset".  Representable range: 1678-2262.
 * Durations are int64 nanoseconds (Go's time.Duration).
 * Thread: any (pure functions, except the clocks).
 */
#ifndef ALERTD_ALERTD_TIMEUTIL_H
#define ALERTD_ALERTD_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ad_time_t;
typedef int64_t ad_dur_t;

#define AD_TIME_ZERO	INT64_MIN
#define AD_NS		((int64_t)1)
#define AD_MS		((int64_t)1000000)
#define AD_SEC		((int64_t)1000000000)
#define AD_MIN		(60 * AD_SEC)
#define AD_HOUR		(60 * AD_MIN)

/* Wall clock (CLOCK_REALTIME) and monotonic clock, in ns. */
ad_time_t	ad_now(void);
int64_t		ad_mono(void);

/*
 * Parses RFC 3339 as Go's time.Parse(time.RFC3339Nano) does: date, 'T'
 * (or 't'), time, optional fraction of 1-9 digits, 'Z' or +hh:mm.  Go's
 * zero time gives AD_TIME_ZERO; other times outside the range fail.
 * Returns 0 or -1.
 */
int	time_parse_rfc3339(const char *s, size_t len, ad_time_t *t);

#define TIME_FMT_MAX	40
/* Go's RFC3339Nano in UTC (trailing zeros of the fraction dropped), as
 * time.Time marshals to JSON: webhook payloads, templates. */
char	*time_format_rfc3339nano(ad_time_t t, char out[TIME_FMT_MAX]);
/* go-openapi strfmt.DateTime: always 3 fraction digits, "Z": API v2. */
char	*time_format_millis(ad_time_t t, char out[TIME_FMT_MAX]);
/* RFC 3339 in UTC with whole seconds ("2006-01-02T15:04:05Z"). */
char	*time_format_rfc3339(ad_time_t t, char out[TIME_FMT_MAX]);

/*
 * Prometheus model.Duration: "0", or [Ny][Nw][Nd][Nh][Nm][Ns][Nms] with at
 * least one part.  Errors as Prometheus words them ("empty duration
 * string", "not a valid duration string: \"x\"", "duration out of range").
 */
struct ad_err;
int	dur_parse_prom(const char *s, ad_dur_t *d, struct ad_err *err);
#define DUR_FMT_MAX	64
/* model.Duration.String(): "4h", "1d12h", "90d", "0s". */
char	*dur_format_prom(ad_dur_t d, char out[DUR_FMT_MAX]);
/* Go's time.Duration.String(): "1h0m0s", "1.5s", "500ms", "0s". */
char	*dur_format_go(ad_dur_t d, char out[DUR_FMT_MAX]);
/* Go's time.ParseDuration ("1h30m", "1.5s", "300ms", "-2h"). */
int	dur_parse_go(const char *s, ad_dur_t *d, struct ad_err *err);

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), and back. */
int64_t	time_days_from_civil(int64_t y, unsigned m, unsigned d);
void	time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif

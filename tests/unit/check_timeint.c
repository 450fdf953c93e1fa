/*
 * Time intervals against vectors recorded from Alertmanager 0.25's
 * timeinterval package (tests/data/timeint/README): the parsers' results
 * and error texts, the marshalled forms, time.LoadLocation's verdicts, and
 * ContainsTime over specs x instants (DST transitions in Europe/Berlin and
 * America/New_York, negative days, leap years, odd zones).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "routing/timeint.h"

#define DATA		"tests/data/timeint/"
/* The Local zone the vectors were made with (gen/main.go). */
#define LOCAL_TZ	"America/Sao_Paulo"

/* strconv.Unquote of what strconv.Quote wrote. */
static char *
unquote(const char *s, size_t n)
{
	struct buf	b;
	size_t		i;
	unsigned	v;

	buf_init(&b, BUF_NOCAP);
	for (i = 1; i + 1 < n; i++) {
		if (s[i] != '\\') {
			buf_addch(&b, s[i]);
			continue;
		}
		i++;
		if (s[i] == 'n')
			buf_addch(&b, '\n');
		else if (s[i] == 't')
			buf_addch(&b, '\t');
		else if (s[i] == 'x') {
			sscanf(s + i + 1, "%2x", &v);
			buf_addch(&b, (int)v);
			i += 2;
		} else
			buf_addch(&b, s[i]);
	}
	return buf_detach(&b, NULL);
}

/* Splits a line at tabs, unquoting "..." fields; returns the count. */
static int
fields(char *line, char **f, int max)
{
	char	*p = line, *tab;
	int	 n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		tab = strchr(p, '\t');
		if (tab != NULL)
			*tab = '\0';
		f[n++] = p[0] == '"' ? unquote(p, strlen(p)) : xstrdup(p);
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	return n;
}

static void
fields_free(char **f, int n)
{
	while (n > 0)
		free(f[--n]);
}

static int
parse_range(const char *kind, const char *in, struct timeint_range *r,
    struct ad_err *err)
{
	if (strcmp(kind, "weekdays") == 0)
		return timeint_parse_weekdays(in, r, err);
	if (strcmp(kind, "days_of_month") == 0)
		return timeint_parse_days_of_month(in, r, err);
	if (strcmp(kind, "months") == 0)
		return timeint_parse_months(in, r, err);
	ck_assert_str_eq(kind, "years");
	return timeint_parse_years(in, r, err);
}

static void
check_range_line(char **f)
{
	struct timeint_range	r;
	struct ad_err		err;
	char			out[TIMEINT_FMT_MAX];
	int			rc;

	ad_err_clear(&err);
	rc = parse_range(f[0], f[1], &r, &err);
	if (strcmp(f[2], "err") == 0) {
		ck_assert_msg(rc == -1, "%s <%s> must fail", f[0], f[1]);
		ck_assert_msg(strcmp(err.msg, f[3]) == 0, "%s <%s>: <%s> vs <%s>",
		    f[0], f[1], err.msg, f[3]);
		return;
	}
	ck_assert_msg(rc == 0, "%s <%s>: %s", f[0], f[1], err.msg);
	ck_assert_int_eq(r.begin, atoll(f[3]));
	ck_assert_int_eq(r.end, atoll(f[4]));
	if (strcmp(f[0], "weekdays") == 0)
		timeint_format_weekdays(&r, out);
	else
		timeint_format_range(&r, out);
	ck_assert_str_eq(out, f[5]);
}

static void
check_times_line(char **f)
{
	struct timeint_range	r;
	struct ad_err		err;
	char			out[TIMEINT_FMT_MAX];
	int			rc;

	ad_err_clear(&err);
	rc = timeint_parse_times(f[1], f[2], &r, &err);
	if (strcmp(f[3], "err") == 0) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err.msg, f[4]);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(r.begin, atoll(f[4]));
	ck_assert_int_eq(r.end, atoll(f[5]));
	ck_assert_str_eq(timeint_format_minute(r.begin, out), f[6]);
	ck_assert_str_eq(timeint_format_minute(r.end, out), f[7]);
}

static void
check_location_line(char **f)
{
	struct ad_err	err;
	int		rc;

	ad_err_clear(&err);
	rc = timeint_check_location(f[1], &err);
	if (strcmp(f[2], "err") == 0) {
		ck_assert_msg(rc == -1, "location <%s> must fail", f[1]);
		ck_assert_str_eq(err.msg, f[3]);
		return;
	}
	ck_assert_msg(rc == 0, "location <%s>: %s", f[1], err.msg);
	ck_assert_str_eq(timeint_location_string(f[1]), f[3]);
}

/* "empty" lines: a list given as [] never matches; null is no list. */
static void
check_empty_line(char **f)
{
	struct timeint_spec	s;
	bool			want = strcmp(f[2], "true") == 0;

	memset(&s, 0, sizeof(s));
	if (strncmp(f[1], "weekdays: []", 12) == 0)
		s.set = TIMEINT_SET_WEEKDAYS;
	else if (strncmp(f[1], "times: []", 9) == 0)
		s.set = TIMEINT_SET_TIMES;
	else if (strncmp(f[1], "days_of_month: []", 17) == 0)
		s.set = TIMEINT_SET_DAYS;
	else if (strncmp(f[1], "months: []", 10) == 0)
		s.set = TIMEINT_SET_MONTHS;
	else if (strncmp(f[1], "years: []", 9) == 0)
		s.set = TIMEINT_SET_YEARS;
	else if (strncmp(f[1], "location", 8) == 0)
		s.location = xstrdup("");
	ck_assert_msg(timeint_spec_contains(&s, 1700000000 * AD_SEC) == want,
	    "%s", f[1]);
	timeint_spec_release(&s);
}

START_TEST(parsers_match_alertmanager)
{
	FILE	*fp = fopen(DATA "parse.txt", "r");
	char	*line = NULL, *f[8];
	size_t	 cap = 0;
	int	 n, lines = 0;

	ck_assert_ptr_nonnull(fp);
	setenv("TZ", LOCAL_TZ, 1);
	while (getline(&line, &cap, fp) > 0) {
		n = fields(line, f, 8);
		if (strcmp(f[0], "times") == 0)
			check_times_line(f);
		else if (strcmp(f[0], "location") == 0)
			check_location_line(f);
		else if (strcmp(f[0], "empty") == 0)
			check_empty_line(f);
		else
			check_range_line(f);
		fields_free(f, n);
		lines++;
	}
	free(line);
	fclose(fp);
	ck_assert_int_gt(lines, 390);
}
END_TEST

/* The compact spec form of gen/main.go: key=item,item;... */
static void
spec_build(const char *text, struct timeint_spec *s)
{
	char	*dup = xstrdup(text), *part, *sp, *item, *ip, *dash;
	size_t	 cap = 8;

	memset(s, 0, sizeof(*s));
	s->times = xcalloc(cap, sizeof(*s->times));
	s->weekdays = xcalloc(cap, sizeof(*s->weekdays));
	s->days_of_month = xcalloc(cap, sizeof(*s->days_of_month));
	s->months = xcalloc(cap, sizeof(*s->months));
	s->years = xcalloc(cap, sizeof(*s->years));
	for (part = strtok_r(dup, ";", &sp); part != NULL;
	    part = strtok_r(NULL, ";", &sp)) {
		char	*val = strchr(part, '=') + 1;

		val[-1] = '\0';
		if (strcmp(part, "loc") == 0) {
			ck_assert_int_eq(timeint_check_location(val, NULL), 0);
			s->location = xstrdup(val);
			continue;
		}
		for (item = strtok_r(val, ",", &ip); item != NULL;
		    item = strtok_r(NULL, ",", &ip)) {
			if (strcmp(part, "times") == 0) {
				dash = strchr(item, '-');
				*dash = '\0';
				ck_assert_int_eq(timeint_parse_times(item,
				    dash + 1, &s->times[s->n_times++], NULL), 0);
			} else if (strcmp(part, "weekdays") == 0)
				ck_assert_int_eq(timeint_parse_weekdays(item,
				    &s->weekdays[s->n_weekdays++], NULL), 0);
			else if (strcmp(part, "dom") == 0)
				ck_assert_int_eq(timeint_parse_days_of_month(
				    item, &s->days_of_month[s->n_days_of_month++],
				    NULL), 0);
			else if (strcmp(part, "months") == 0)
				ck_assert_int_eq(timeint_parse_months(item,
				    &s->months[s->n_months++], NULL), 0);
			else
				ck_assert_int_eq(timeint_parse_years(item,
				    &s->years[s->n_years++], NULL), 0);
		}
	}
	free(dup);
}

struct contains_data {
	struct timeint_spec	specs[128];
	char			*text[128];
	int			 nspecs;
	int64_t			*secs;
	char			**bits;
	size_t			 n;
};

static void
contains_load(struct contains_data *d)
{
	FILE	*fp = fopen(DATA "contains.txt", "r");
	char	*line = NULL, *f[4];
	size_t	 cap = 0, alloc = 0;
	int	 n;

	ck_assert_ptr_nonnull(fp);
	memset(d, 0, sizeof(*d));
	while (getline(&line, &cap, fp) > 0) {
		n = fields(line, f, 4);
		if (strcmp(f[0], "spec") == 0) {
			ck_assert_int_eq(atoi(f[1]), d->nspecs);
			spec_build(f[2], &d->specs[d->nspecs]);
			d->text[d->nspecs++] = xstrdup(f[2]);
		} else {
			if (d->n == alloc) {
				alloc = alloc ? alloc * 2 : 1024;
				d->secs = xreallocarray(d->secs, alloc,
				    sizeof(*d->secs));
				d->bits = xreallocarray(d->bits, alloc,
				    sizeof(*d->bits));
			}
			d->secs[d->n] = atoll(f[1]);
			d->bits[d->n++] = xstrdup(f[2]);
		}
		fields_free(f, n);
	}
	free(line);
	fclose(fp);
}

static void
contains_free(struct contains_data *d)
{
	size_t	i;

	for (i = 0; i < (size_t)d->nspecs; i++) {
		timeint_spec_release(&d->specs[i]);
		free(d->text[i]);
	}
	for (i = 0; i < d->n; i++)
		free(d->bits[i]);
	free(d->secs);
	free(d->bits);
}

START_TEST(contains_matches_alertmanager)
{
	struct contains_data	d;
	size_t			i;
	int			j, yes = 0;
	bool			got;

	setenv("TZ", LOCAL_TZ, 1);
	contains_load(&d);
	ck_assert_int_gt(d.nspecs, 50);
	ck_assert_uint_gt(d.n, 3000);
	for (i = 0; i < d.n; i++) {
		for (j = 0; j < d.nspecs; j++) {
			got = timeint_spec_contains(&d.specs[j],
			    d.secs[i] * AD_SEC + (i % 3) * 250 * AD_MS);
			ck_assert_msg(got == (d.bits[i][j] == '1'),
			    "spec <%s> at %lld: got %d", d.text[j],
			    (long long)d.secs[i], got);
			yes += got;
		}
	}
	ck_assert_int_gt(yes, 10000);
	contains_free(&d);
}
END_TEST

START_TEST(dst_month_quirk_of_0_25)
{
	struct timeint_spec	s;
	char			out[TIMEINT_FMT_MAX];

	/* In Europe/Berlin, March "loses" an hour, so 0.25 computes 30
	 * days and -1 is March 30th. */
	spec_build("dom=-1;loc=Europe/Berlin", &s);
	/* 2024-03-30 12:00 and 2024-03-31 12:00 CEST */
	ck_assert(timeint_spec_contains(&s, 1711796400LL * AD_SEC));
	ck_assert(!timeint_spec_contains(&s, 1711879200LL * AD_SEC));
	/* 2024-04-30 12:00 CEST: April is whole */
	ck_assert(timeint_spec_contains(&s, 1714471200LL * AD_SEC));
	ck_assert_str_eq(timeint_format_range(&s.days_of_month[0], out), "-1");
	timeint_spec_release(&s);
}
END_TEST

START_TEST(timeint_any_spec)
{
	struct timeint	*ti = xcalloc(1, sizeof(*ti));

	ti->name = xstrdup("offhours");
	ti->specs = xcalloc(2, sizeof(*ti->specs));
	ti->n_specs = 2;
	spec_build("weekdays=saturday,sunday", &ti->specs[0]);
	spec_build("times=00:00-09:00,17:00-24:00", &ti->specs[1]);
	/* Sat 2024-06-01 12:00Z, Mon 2024-06-03 12:00Z, 18:00Z */
	ck_assert(timeint_contains(ti, 1717243200LL * AD_SEC));
	ck_assert(!timeint_contains(ti, 1717416000LL * AD_SEC));
	ck_assert(timeint_contains(ti, 1717437600LL * AD_SEC));
	timeint_free(ti);
	timeint_free(NULL);
}
END_TEST

static void *
contains_thread(void *v)
{
	struct timeint_spec	*s = v;
	int			 i, n = 0;

	for (i = 0; i < 2000; i++)
		n += timeint_spec_contains(s, (1700000000LL + i * 3600) *
		    AD_SEC);
	return (void *)(intptr_t)n;
}

START_TEST(zones_load_once_across_threads)
{
	struct timeint_spec	s;
	pthread_t		t[4];
	void			*r[4];
	int64_t			sec;
	int			i, want = 0;

	spec_build("times=09:00-17:00;loc=Asia/Tokyo", &s);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, contains_thread, &s);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r[i]);
		ck_assert_ptr_eq(r[i], r[0]);
	}
	/* Tokyo is UTC+9 all year: 09:00-17:00 local */
	for (i = 0; i < 2000; i++) {
		sec = 1700000000LL + i * 3600 + 9 * 3600;
		want += sec % 86400 / 3600 >= 9 && sec % 86400 / 3600 < 17;
	}
	ck_assert_int_eq((intptr_t)r[0], want);
	timeint_spec_release(&s);
}
END_TEST

Suite *
timeint_suite(void)
{
	Suite	*s = suite_create("timeint");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parsers_match_alertmanager);
	tcase_add_test(tc, contains_matches_alertmanager);
	tcase_add_test(tc, dst_month_quirk_of_0_25);
	tcase_add_test(tc, timeint_any_spec);
	tcase_add_test(tc, zones_load_once_across_threads);
	suite_add_tcase(s, tc);
	return s;
}

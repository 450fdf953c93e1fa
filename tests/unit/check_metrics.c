/*
 * metrics: Go-compatible float formatting and the text exposition.
 */
#include <check.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/metrics.h"

START_TEST(format_float_like_go)
{
	static const struct { double v; const char *want; } cases[] = {
		{ 1, "1" }, { 0, "0" }, { -1, "-1" }, { 0.5, "0.5" },
		{ 1e6, "1e+06" }, { 123456, "123456" }, { 0.0001, "0.0001" },
		{ 0.00001, "1e-05" }, { 1234567, "1.234567e+06" },
		{ 1.5e9, "1.5e+09" }, { 100, "100" }, { 0.05, "0.05" },
		{ 2.5e-5, "2.5e-05" }, { 0.1 + 0.2, "0.30000000000000004" },
		{ 1.7e308, "1.7e+308" }, { -0.25, "-0.25" }, { 999999, "999999" },
	};
	char	out[METRIC_FLOAT_MAX];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(metrics_format_float(cases[i].v, out),
		    cases[i].want);
}
END_TEST

static struct metric_counter	test_counter = METRIC_COUNTER_INIT;
static struct metric_hist	test_hist;
static const double		test_bounds[] = { 0.1, 1 };

static void
collect_b(struct metrics_writer *w, void *arg)
{
	(void)arg;
	metrics_family(w, "b_total", "B help with \\ and\nnewline.",
	    METRIC_COUNTER);
	metrics_sample1(w, "integration", "we\"b", 
	    (double)metric_counter_get(&test_counter));
}

static void
collect_a(struct metrics_writer *w, void *arg)
{
	(void)arg;
	metrics_family(w, "a_seconds", "A.", METRIC_HISTOGRAM);
	metrics_sample_hist(w, NULL, &test_hist);
}

START_TEST(render_sorted_families)
{
	struct buf	b;

	metrics_reset();
	metric_counter_add(&test_counter, 3);
	metric_hist_init(&test_hist, test_bounds, 2);
	metric_hist_observe(&test_hist, 0.05);
	metric_hist_observe(&test_hist, 5);
	metrics_register(collect_b, NULL);
	metrics_register(collect_a, NULL);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(metrics_render(&b), 0);
	ck_assert_str_eq(buf_str(&b),
	    "# HELP a_seconds A.\n"
	    "# TYPE a_seconds histogram\n"
	    "a_seconds_bucket{le=\"0.1\"} 1\n"
	    "a_seconds_bucket{le=\"1\"} 1\n"
	    "a_seconds_bucket{le=\"+Inf\"} 2\n"
	    "a_seconds_sum 5.05\n"
	    "a_seconds_count 2\n"
	    "# HELP b_total B help with \\\\ and\\nnewline.\n"
	    "# TYPE b_total counter\n"
	    "b_total{integration=\"we\\\"b\"} 3\n");
	buf_release(&b);
	metrics_reset();
}
END_TEST

Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc = tcase_create("metrics");

	tcase_add_test(tc, format_float_like_go);
	tcase_add_test(tc, render_sorted_families);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Alerts and their packed form: a packed alert reads exactly as the loose
 * one it was made from (pairs, order, fingerprint, String(), URL, times,
 * timeout), for small and odd sets, past the 16-bit offsets and past the
 * pool's largest block; a re-sent alert packed against the one it
 * replaces interns nothing; references to a packed alert's labels keep
 * it alive; shapes and strings are all freed at the end; concurrent
 * packing of overlapping sets (run under make tsan).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/intern.h"
#include "alertd/pool.h"
#include "routing/labels.h"

#define T0	((ad_time_t)1700000000 * AD_SEC)

static struct labels *
mk(const char *const *kv)
{
	struct labels_builder	b;
	struct labels		*ls;

	labels_builder_init(&b);
	for (; kv[0] != NULL; kv += 2)
		labels_builder_adds(&b, kv[0], kv[1]);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

static struct alert *
mk_alert(const char *const *lab, const char *const *ann, const char *url)
{
	struct alert	*a;

	a = alert_new(mk(lab), ann != NULL ? mk(ann) : NULL, url, T0 + 1,
	    T0 + 2, T0 + 3, true);
	alert_set_offs(a, 7200, -3600);
	return a;
}

static void
check_same_set(const struct labels *a, const struct labels *b)
{
	struct buf	sa, sb;
	uint32_t	i;

	ck_assert_uint_eq(labels_len(a), labels_len(b));
	for (i = 0; i < labels_len(a); i++) {
		ck_assert_str_eq(labels_name(a, i), labels_name(b, i));
		ck_assert_str_eq(labels_value(a, i), labels_value(b, i));
		ck_assert_str_eq(labels_get(b, labels_name(a, i)),
		    labels_value(a, i));
	}
	ck_assert(labels_equal(a, b));
	ck_assert(labels_equal(b, a));
	ck_assert_int_eq(labels_cmp(a, b), 0);
	ck_assert(labels_fingerprint(a) == labels_fingerprint(b));
	buf_init(&sa, BUF_NOCAP);
	buf_init(&sb, BUF_NOCAP);
	labels_string(a, &sa);
	labels_string(b, &sb);
	ck_assert_str_eq(buf_str(&sa), buf_str(&sb));
	buf_release(&sa);
	buf_release(&sb);
}

/* Packs a copy of a and checks that it reads the same. */
static void
check_pack(struct alert *a, const struct alert *hint)
{
	struct alert	*p;

	p = alert_pack(alert_ref(a), hint);
	ck_assert_ptr_ne(p, a);
	ck_assert(p->owner.flags & ALERT_PACKED);
	check_same_set(alert_labels(a), alert_labels(p));
	check_same_set(alert_annotations(a), alert_annotations(p));
	ck_assert_str_eq(alert_generator_url(a), alert_generator_url(p));
	ck_assert(p->fp == a->fp);
	ck_assert_int_eq(p->starts_at, a->starts_at);
	ck_assert_int_eq(p->ends_at, a->ends_at);
	ck_assert_int_eq(p->updated_at, a->updated_at);
	ck_assert_int_eq(alert_starts_off(p), alert_starts_off(a));
	ck_assert_int_eq(alert_ends_off(p), alert_ends_off(a));
	ck_assert((alert_starts_off(a) != 0 || alert_ends_off(a) != 0) ==
	    ((p->owner.flags & ALERT_OFFS) != 0));
	ck_assert(alert_timeout(p) == alert_timeout(a));
	/* Packing a packed alert is a no-op. */
	ck_assert_ptr_eq(alert_pack(alert_ref(p), NULL), p);
	alert_unref(p);
	alert_unref(p);
}

/* Every shape and string is gone once the alerts are. */
static void
check_all_freed(size_t shapes, size_t strings)
{
	labels_cache_clear();
	ck_assert_uint_eq(labels_shape_count(), shapes);
	ck_assert_uint_eq(intern_count(), strings);
}

START_TEST(packed_reads_as_loose)
{
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	struct alert	*a, *p;

	a = mk_alert((const char *[]){ "alertname", "HighLatency", "job",
	    "api", "instance", "10.0.0.1:9100", "severity", "page", NULL },
	    (const char *[]){ "summary", "p99 over 1s", "runbook",
	    "https://r/x", NULL }, "http://prom/graph?g0.expr=up");
	p = alert_pack(alert_ref(a), NULL);
	check_pack(a, NULL);
	ck_assert_str_eq(alert_generator_url(p),
	    "http://prom/graph?g0.expr=up");
	ck_assert_str_eq(labels_get(alert_labels(p), "job"), "api");
	ck_assert_ptr_null(labels_get(alert_labels(p), "nope"));
	/* The URL is hidden: the annotations have their two pairs only. */
	ck_assert_uint_eq(labels_len(alert_annotations(p)), 2);
	alert_unref(p);
	alert_unref(a);
	check_all_freed(shapes, strs);
}
END_TEST

START_TEST(odd_sets)
{
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	struct alert	*a;

	/* No annotations, no URL. */
	a = mk_alert((const char *[]){ "a", "1", NULL }, NULL, NULL);
	check_pack(a, NULL);
	ck_assert_str_eq(alert_generator_url(a), "");
	alert_unref(a);
	/* Empty annotations and empty URL, UTF-8 and quotes in values. */
	a = mk_alert((const char *[]){ "alertname", "h\xc3\xa9llo\n\"x\\",
	    "b", "", NULL }, (const char *[]){ NULL }, "");
	check_pack(a, NULL);
	alert_unref(a);
	/* An empty label set still packs. */
	a = mk_alert((const char *[]){ NULL }, (const char *[]){ "x", "y",
	    NULL }, "u");
	check_pack(a, NULL);
	alert_unref(a);
	check_all_freed(shapes, strs);
}
END_TEST

/* More pairs than the packers' stack arrays hold. */
START_TEST(many_pairs)
{
	size_t			 shapes = labels_shape_count();
	size_t			 strs = intern_count();
	struct labels_builder	 b;
	struct alert		*a;
	char			 n[16], v[16];
	int			 i;

	labels_builder_init(&b);
	for (i = 0; i < 100; i++) {
		snprintf(n, sizeof(n), "l%03d", i);
		snprintf(v, sizeof(v), "v%d", i * 7);
		labels_builder_adds(&b, n, v);
	}
	a = alert_new(labels_builder_finish(&b), NULL, "x", T0, T0, T0,
	    false);
	labels_builder_release(&b);
	check_pack(a, NULL);
	alert_unref(a);
	check_all_freed(shapes, strs);
}
END_TEST

/* Big values: 32-bit inline offsets, and a block the pool does not take. */
START_TEST(big_values)
{
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	struct alert	*a, *p, *c, *fill[LABELS_SHARE_ANNOTATIONS];
	char		*big, d[32];
	int		 i;

	/* Enough distinct descriptions that new ones go inline. */
	for (i = 0; i < LABELS_SHARE_ANNOTATIONS; i++) {
		snprintf(d, sizeof(d), "d%d", i);
		fill[i] = alert_pack(mk_alert((const char *[]){ "a", "b",
		    NULL }, (const char *[]){ "description", d, NULL }, NULL),
		    NULL);
	}
	big = malloc(70001);
	memset(big, 'x', 70000);
	big[70000] = '\0';
	big[12345] = 'y';
	a = mk_alert((const char *[]){ "alertname", "big", NULL },
	    (const char *[]){ "description", big, "summary", "short", NULL },
	    big);
	check_pack(a, NULL);
	p = alert_pack(alert_ref(a), NULL);
	ck_assert_int_eq(alert_labels(p)->form, LABELS_PACKED_WIDE);
	ck_assert(!(p->owner.flags & ALERT_POOLED));
	c = alert_copy(p);
	check_same_set(alert_annotations(p), alert_annotations(c));
	ck_assert_str_eq(alert_generator_url(c), big);
	alert_unref(c);
	alert_unref(p);
	alert_unref(a);
	free(big);
	for (i = 0; i < LABELS_SHARE_ANNOTATIONS; i++)
		alert_unref(fill[i]);
	check_all_freed(shapes, strs);
}
END_TEST

/* A re-sent alert packed against the one it replaces interns nothing. */
START_TEST(hint_reuses_shapes)
{
	const char *const lab[] = { "alertname", "A", "instance", "i-1",
	    NULL };
	const char *const ann[] = { "summary", "i-1 is down", NULL };
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	size_t		 s1, i1;
	struct alert	*p1, *p2, *p3;

	p1 = alert_pack(mk_alert(lab, ann, "u"), NULL);
	labels_cache_clear();
	s1 = labels_shape_count();
	i1 = intern_count();
	p2 = alert_pack(mk_alert(lab, ann, "u"), p1);
	ck_assert_uint_eq(labels_shape_count(), s1);
	ck_assert_uint_eq(intern_count(), i1);
	ck_assert_uint_eq(alert_labels(p2)->u_, alert_labels(p1)->u_);
	ck_assert_uint_eq(alert_annotations(p2)->u_,
	    alert_annotations(p1)->u_);
	ck_assert(labels_equal(alert_labels(p1), alert_labels(p2)));
	/* Another annotation text: still correct, whatever the shape. */
	p3 = alert_pack(mk_alert(lab, (const char *[]){ "summary", "back",
	    NULL }, "v"), p2);
	ck_assert_str_eq(labels_get(alert_annotations(p3), "summary"),
	    "back");
	ck_assert_str_eq(alert_generator_url(p3), "v");
	ck_assert(labels_equal(alert_labels(p3), alert_labels(p1)));
	alert_unref(p1);
	alert_unref(p2);
	alert_unref(p3);
	check_all_freed(shapes, strs);
}
END_TEST

/*
 * A name whose values do not recur stops sharing them: past the first
 * LABELS_SHARE_LABELS, its new values are inline.
 */
START_TEST(unique_values_go_inline)
{
	size_t			 shapes = labels_shape_count();
	size_t			 strs = intern_count();
	struct alert		**v;
	const struct lshape	*sh;
	char			 inst[32];
	int			 i, n = LABELS_SHARE_LABELS + 50;

	v = calloc((size_t)n, sizeof(*v));
	for (i = 0; i < n; i++) {
		snprintf(inst, sizeof(inst), "host-%d", i);
		v[i] = alert_pack(mk_alert((const char *[]){ "alertname", "X",
		    "instance", inst, NULL }, NULL, NULL), NULL);
	}
	sh = labels_shape_(alert_labels(v[n - 1]));
	ck_assert_str_eq(sh->p[1].name, "instance");
	ck_assert_ptr_null(sh->p[1].value);
	ck_assert_str_eq(sh->p[0].value, "X");
	/* The late ones share one shape. */
	ck_assert_uint_eq(alert_labels(v[n - 1])->u_,
	    alert_labels(v[n - 2])->u_);
	ck_assert_str_eq(labels_get(alert_labels(v[n - 1]), "instance"),
	    inst);
	for (i = 0; i < n; i++)
		alert_unref(v[i]);
	free(v);
	check_all_freed(shapes, strs);
}
END_TEST

/* A reference to a packed alert's labels outlives alert_unref. */
START_TEST(labels_ref_keeps_alert)
{
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	struct alert	*p;
	struct labels	*ls, *an;

	p = alert_pack(mk_alert((const char *[]){ "a", "b", NULL },
	    (const char *[]){ "c", "d", NULL }, "u"), NULL);
	ls = labels_ref(alert_labels(p));
	an = labels_ref(alert_annotations(p));
	alert_unref(p);
	ck_assert_str_eq(labels_get(ls, "a"), "b");
	labels_unref(ls);
	ck_assert_str_eq(labels_get(an, "c"), "d");
	labels_unref(an);
	check_all_freed(shapes, strs);
}
END_TEST

START_TEST(copy_and_merge)
{
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	struct alert	*old, *young, *m, *c;

	old = alert_pack(mk_alert((const char *[]){ "a", "1", NULL },
	    (const char *[]){ "v", "old", NULL }, "u1"), NULL);
	old->starts_at = T0;
	young = alert_new(mk((const char *[]){ "a", "1", NULL }),
	    mk((const char *[]){ "v", "new", NULL }), "u2", T0 + 10,
	    T0 + 20, T0 + 30, true);
	m = alert_merge(old, young);
	ck_assert(m->owner.flags & ALERT_PACKED);
	ck_assert_int_eq(m->starts_at, T0);
	ck_assert_int_eq(alert_starts_off(m), 7200);
	ck_assert_int_eq(m->updated_at, T0 + 30);
	ck_assert_str_eq(labels_get(alert_annotations(m), "v"), "new");
	ck_assert_str_eq(alert_generator_url(m), "u2");
	c = alert_copy(m);
	c->ends_at = AD_TIME_ZERO;
	alert_set_timeout(c, false);
	ck_assert(alert_timeout(m));
	ck_assert_int_eq(m->ends_at, T0 + 20);
	check_same_set(alert_labels(m), alert_labels(c));
	check_same_set(alert_annotations(m), alert_annotations(c));
	alert_unref(m);
	ck_assert_str_eq(alert_generator_url(c), "u2");
	alert_unref(c);
	/* A loose copy of a loose alert. */
	c = alert_copy(young);
	ck_assert(!(c->owner.flags & ALERT_PACKED));
	ck_assert_str_eq(alert_generator_url(c), "u2");
	ck_assert(c->fp == young->fp);
	alert_unref(c);
	alert_unref(young);
	alert_unref(old);
	check_all_freed(shapes, strs);
}
END_TEST

/*
 * Offsets take room in a packed alert only when one is not 0, and a
 * merge keeps the offset of the time it takes, whichever alert had room.
 */
START_TEST(offsets_room)
{
	size_t		 shapes = labels_shape_count(), strs = intern_count();
	struct alert	*utc, *zoned, *m, *c;
	const char	*lab[] = { "a", "1", NULL };

	utc = alert_pack(alert_new(mk(lab), NULL, "", T0 + 10, T0 + 20,
	    T0 + 30, false), NULL);
	ck_assert(utc->owner.flags & ALERT_PACKED);
	ck_assert(!(utc->owner.flags & ALERT_OFFS));
	ck_assert_int_eq(alert_starts_off(utc), 0);
	ck_assert_int_eq(alert_ends_off(utc), 0);
	zoned = alert_pack(mk_alert(lab, NULL, ""), NULL);
	ck_assert(zoned->owner.flags & ALERT_OFFS);
	ck_assert_int_eq(alert_starts_off(zoned), 7200);
	ck_assert_int_eq(alert_ends_off(zoned), -3600);
	check_same_set(alert_labels(utc), alert_labels(zoned));
	/* The younger is packed without room; the older start wins. */
	m = alert_merge(zoned, utc);
	ck_assert(m->owner.flags & ALERT_OFFS);
	ck_assert_int_eq(m->starts_at, T0 + 1);
	ck_assert_int_eq(alert_starts_off(m), 7200);
	ck_assert_int_eq(alert_ends_off(m), 0);
	ck_assert_int_eq(m->updated_at, T0 + 30);
	check_same_set(alert_labels(m), alert_labels(utc));
	c = alert_copy(m);
	ck_assert(c->owner.flags & ALERT_OFFS);
	alert_set_offs(c, alert_starts_off(c), 0);
	ck_assert_int_eq(alert_starts_off(c), 7200);
	alert_unref(c);
	alert_unref(m);
	/* Neither time taken has an offset: no room. */
	m = alert_merge(utc, utc);
	ck_assert(!(m->owner.flags & ALERT_OFFS));
	ck_assert_int_eq(alert_starts_off(m), 0);
	alert_unref(m);
	alert_unref(utc);
	alert_unref(zoned);
	check_all_freed(shapes, strs);
}
END_TEST

/* Threads pack and drop overlapping alerts: shapes and strings agree. */
/*
 * template.Data's common pairs as Go computes them: a value every alert
 * has; a missing name reads as "", so an empty annotation of the first
 * alert stays common when another alert lacks it.
 */
START_TEST(common_pairs)
{
	static const char *const l1[] = { "alertname", "A", "job", "j",
	    "instance", "i1", NULL };
	static const char *const l2[] = { "alertname", "A", "job", "j",
	    "instance", "i2", NULL };
	static const char *const a1[] = { "e", "", "s", "same", "d", "x",
	    NULL };
	static const char *const a2[] = { "s", "same", "d", "y", NULL };
	struct alert	*al[2];
	struct labels	*c;

	al[0] = mk_alert(l1, a1, "");
	al[1] = mk_alert(l2, a2, "");
	c = alert_common(al, 2, false);
	ck_assert_uint_eq(labels_len(c), 2);
	ck_assert_str_eq(labels_get(c, "alertname"), "A");
	ck_assert_str_eq(labels_get(c, "job"), "j");
	ck_assert_ptr_null(labels_get(c, "instance"));
	labels_unref(c);
	c = alert_common(al, 2, true);
	ck_assert_uint_eq(labels_len(c), 2);
	ck_assert_str_eq(labels_get(c, "e"), "");
	ck_assert_str_eq(labels_get(c, "s"), "same");
	labels_unref(c);
	/* one alert: all its pairs; none: the empty set */
	c = alert_common(al, 1, true);
	ck_assert_uint_eq(labels_len(c), 3);
	labels_unref(c);
	ck_assert_uint_eq(labels_len(alert_common(al, 0, false)), 0);
	alert_unref(al[0]);
	alert_unref(al[1]);
}
END_TEST

static void *
packer(void *arg)
{
	unsigned	 seed = (unsigned)(uintptr_t)arg;
	struct alert	*hold[16] = { NULL }, *p;
	char		 name[16], inst[16], sum[32];
	int		 i, k;

	for (i = 0; i < 4000; i++) {
		seed = seed * 1103515245u + 12345u;
		snprintf(name, sizeof(name), "A%u", seed >> 16 & 7);
		snprintf(inst, sizeof(inst), "i%u", seed >> 8 & 1023);
		snprintf(sum, sizeof(sum), "%s on %s", name, inst);
		k = (int)(seed >> 20 & 15);
		p = alert_pack(mk_alert((const char *[]){ "alertname", name,
		    "instance", inst, NULL }, (const char *[]){ "summary",
		    sum, NULL }, seed & 1 ? "u" : ""), hold[k]);
		ck_assert_str_eq(labels_get(alert_labels(p), "instance"),
		    inst);
		ck_assert_str_eq(labels_get(alert_annotations(p), "summary"),
		    sum);
		alert_unref(hold[k]);
		hold[k] = p;
	}
	for (k = 0; k < 16; k++)
		alert_unref(hold[k]);
	labels_cache_clear();
	return NULL;
}

START_TEST(concurrent_packing)
{
	size_t		shapes = labels_shape_count(), strs = intern_count();
	pthread_t	t[4];
	uintptr_t	i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, packer,
		    (void *)(i + 1)), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	check_all_freed(shapes, strs);
}
END_TEST

Suite *
alert_suite(void)
{
	Suite	*s = suite_create("alert");
	TCase	*tc = tcase_create("packed");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, packed_reads_as_loose);
	tcase_add_test(tc, odd_sets);
	tcase_add_test(tc, many_pairs);
	tcase_add_test(tc, big_values);
	tcase_add_test(tc, hint_reuses_shapes);
	tcase_add_test(tc, unique_values_go_inline);
	tcase_add_test(tc, labels_ref_keeps_alert);
	tcase_add_test(tc, copy_and_merge);
	tcase_add_test(tc, offsets_room);
	tcase_add_test(tc, concurrent_packing);
	tcase_add_test(tc, common_pairs);
	suite_add_tcase(s, tc);
	return s;
}

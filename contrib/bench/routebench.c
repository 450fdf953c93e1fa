/*
 * routebench: throughput of the routing core without HTTP: route
 * matching, the dispatcher's ingest (queue + route + group insert), the
 * flush of 10k due groups, and inhibition checks.  Single-threaded
 * except for the posting thread of the ingest run.
 *
 *	make && cc -O2 -D_GNU_SOURCE -I. -pthread -o build/routebench \
 *	    contrib/bench/routebench.c build/libalertd.a \
 *	    $(pkg-config --libs libmicrohttpd libcurl jansson yaml-0.1 \
 *	    libpcre2-8 libpcre2-32) -lcrypt -lm
 *	build/routebench [alerts]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "config/config.h"
#include "notifiers/pipeline.h"
#include "routing/aggr.h"
#include "routing/dispatch.h"
#include "routing/inhibit.h"
#include "routing/labels.h"
#include "routing/route.h"

static const char cfg_yaml[] =
    "route:\n"
    "  receiver: default\n"
    "  group_by: [alertname, cluster]\n"
    "  group_wait: 30s\n"
    "  routes:\n"
    "    - matchers: [team=\"db\"]\n"
    "      receiver: db\n"
    "      routes:\n"
    "        - matchers: ['severity=~\"critical|page\"']\n"
    "          receiver: db-pager\n"
    "    - matchers: ['team=~\"web|api|edge\"']\n"
    "      receiver: web\n"
    "      continue: true\n"
    "    - matchers: [severity=\"critical\"]\n"
    "      receiver: pager\n"
    "    - matchers: [team=\"t1\"]\n"
    "      receiver: t1\n"
    "    - matchers: [team=\"t2\"]\n"
    "      receiver: t2\n"
    "    - matchers: [team=\"t3\"]\n"
    "      receiver: t3\n"
    "    - matchers: ['env!=\"prod\"']\n"
    "      receiver: nonprod\n"
    "inhibit_rules:\n"
    "  - source_matchers: [severity=\"critical\"]\n"
    "    target_matchers: [severity=\"warning\"]\n"
    "    equal: [alertname, cluster]\n"
    "receivers:\n"
    "  - name: default\n  - name: db\n  - name: db-pager\n"
    "  - name: web\n  - name: pager\n  - name: t1\n  - name: t2\n"
    "  - name: t3\n  - name: nonprod\n";

static const char *const teams[] = { "db", "web", "api", "t1", "t2", "t3",
	"ops", "edge" };
static const char *const sevs[] = { "warning", "critical", "info", "page" };

static struct alert **
make_alerts(size_t n, ad_time_t now)
{
	struct labels_builder	  b;
	struct alert		**v;
	char			  an[32], cl[32], in[32];
	size_t			  i;

	v = calloc(n, sizeof(*v));
	labels_builder_init(&b);
	for (i = 0; i < n; i++) {
		snprintf(an, sizeof(an), "Alert%zu", i % 100);
		snprintf(cl, sizeof(cl), "cluster-%zu", (i / 100) % 100);
		snprintf(in, sizeof(in), "10.0.%zu.%zu:9100", i / 256 % 256,
		    i % 256);
		labels_builder_adds(&b, "alertname", an);
		labels_builder_adds(&b, "cluster", cl);
		labels_builder_adds(&b, "instance", in);
		labels_builder_adds(&b, "job", "node");
		labels_builder_adds(&b, "team", teams[i % 8]);
		labels_builder_adds(&b, "severity", sevs[i / 8 % 4]);
		labels_builder_adds(&b, "env", i % 3 ? "prod" : "staging");
		v[i] = alert_new(labels_builder_finish(&b), NULL, NULL, now,
		    now + 5 * AD_MIN, now, false);
	}
	labels_builder_release(&b);
	return v;
}

static double
secs(int64_t t0)
{
	return (double)(ad_mono() - t0) / AD_SEC;
}

static void
bench_match(struct route_tree *t, struct alert **v, size_t n)
{
	const struct route	**out;
	uint64_t		  sink = 0;
	size_t			  i, j, k, total = 0;
	int64_t			  t0 = ad_mono();

	out = calloc(route_tree_len(t), sizeof(*out));
	for (i = 0; i < n; i++) {
		k = route_match(t, v[i]->labels, out);
		for (j = 0; j < k; j++)
			sink += route_group_fp(out[j], v[i]->labels);
		total += k;
	}
	printf("route_match+group_fp: %zu alerts (%zu routes) in %.3fs: "
	    "%.0f alerts/s [%llx]\n", n, total, secs(t0), n / secs(t0),
	    (unsigned long long)sink & 0xf);
	free(out);
}

static uint64_t	n_flushed;

static void
submit_done(void *arg, struct notify_flush *f)
{
	(void)arg;
	n_flushed++;
	f->done(f->arg, true);
	aggr_flush_free(f);
}

struct poster {
	struct dispatch	 *d;
	struct alert	**v;
	size_t		  n;
};

static void *
post_all(void *arg)
{
	struct poster	*p = arg;
	size_t		 i;

	for (i = 0; i < p->n; i++)
		dispatch_post_alert(p->d, p->v[i]);
	return NULL;
}

static void
bench_ingest(struct route_tree *t, struct alert **v, size_t n,
    ad_time_t now)
{
	struct dispatch_hooks	 h = { submit_done, NULL };
	struct dispatch_stats	 st;
	struct dispatch		*d = dispatch_new(t, &h, now);
	struct poster		 p = { d, v, n };
	pthread_t		 th;
	int64_t			 t0 = ad_mono();

	/* One thread posts (as the store's subscribers), this one drains. */
	pthread_create(&th, NULL, post_all, &p);
	for (;;) {
		dispatch_stats(d, &st);
		if (st.alerts == n)
			break;
		dispatch_step(d, now);
	}
	pthread_join(th, NULL);
	dispatch_stats(d, &st);
	printf("dispatch ingest: %zu alerts into %zu groups in %.3fs: "
	    "%.0f alerts/s\n", n, st.groups, secs(t0), n / secs(t0));
	/* Every group falls due: flush them all. */
	n_flushed = 0;
	t0 = ad_mono();
	dispatch_step(d, now + AD_HOUR);
	printf("  (ticks and submits: %.3fs)\n", secs(t0));
	dispatch_step(d, now + AD_HOUR);
	printf("dispatch flush: %llu groups flushed in %.3fs: %.0f "
	    "flushes/s\n", (unsigned long long)n_flushed, secs(t0),
	    n_flushed / secs(t0));
	dispatch_free(d);
}

/* The dispatcher thread's own cost: alerts queued first, then routed. */
static void
bench_route_only(struct route_tree *t, struct alert **v, size_t n,
    ad_time_t now)
{
	struct dispatch_hooks	 h = { submit_done, NULL };
	struct dispatch		*d = dispatch_new(t, &h, now);
	size_t			 i;
	int64_t			 t0 = ad_mono();

	for (i = 0; i < n; i++)
		dispatch_post_alert(d, v[i]);
	printf("dispatch_post_alert: %zu alerts in %.3fs: %.0f/s\n", n,
	    secs(t0), n / secs(t0));
	t0 = ad_mono();
	dispatch_step(d, now);
	printf("dispatch_step (route + group insert): %zu alerts in %.3fs: "
	    "%.0f alerts/s\n", n, secs(t0), n / secs(t0));
	dispatch_free(d);
}

/* 10k groups of one alert each fall due together (the dispatch bench). */
static void
bench_flush(struct route_tree *t, size_t groups, ad_time_t now)
{
	struct dispatch_hooks	 h = { submit_done, NULL };
	struct dispatch		*d = dispatch_new(t, &h, now);
	struct labels_builder	 b;
	struct alert		*a;
	char			 an[32];
	size_t			 i;
	int64_t			 t0;

	labels_builder_init(&b);
	for (i = 0; i < groups; i++) {
		snprintf(an, sizeof(an), "Flush%zu", i);
		labels_builder_adds(&b, "alertname", an);
		labels_builder_adds(&b, "team", "ops");
		labels_builder_adds(&b, "env", "prod");
		labels_builder_adds(&b, "instance", "10.1.2.3:9100");
		labels_builder_adds(&b, "job", "node");
		a = alert_new(labels_builder_finish(&b), NULL, NULL, now,
		    now + 5 * AD_MIN, now, false);
		dispatch_post_alert(d, a);
		alert_unref(a);
	}
	labels_builder_release(&b);
	dispatch_step(d, now);
	n_flushed = 0;
	t0 = ad_mono();
	dispatch_step(d, now + AD_MIN);
	dispatch_step(d, now + AD_MIN);
	printf("dispatch flush, one alert per group: %llu groups in %.3fs: "
	    "%.0f flushes/s\n", (unsigned long long)n_flushed, secs(t0),
	    n_flushed / secs(t0));
	dispatch_free(d);
}

static void
bench_inhibit(const struct config *cfg, struct alert **v, size_t n)
{
	struct inhibit	*ih;
	size_t		 i, muted = 0;
	int64_t		 t0 = ad_mono();
	ad_time_t	 now = ad_now();

	ih = inhibit_new(cfg->inhibit_rules, cfg->n_inhibit_rules);
	for (i = 0; i < n; i++)
		inhibit_put(ih, v[i]);
	printf("inhibit_put: %zu alerts (%zu cached) in %.3fs: %.0f/s\n", n,
	    inhibit_cached(ih), secs(t0), n / secs(t0));
	t0 = ad_mono();
	for (i = 0; i < n; i++)
		muted += inhibit_mutes(ih, v[i]->labels, now, NULL);
	printf("inhibit_mutes: %zu checks (%zu muted) in %.3fs: %.0f/s\n", n,
	    muted, secs(t0), n / secs(t0));
	inhibit_free(ih);
}

int
main(int argc, char **argv)
{
	struct ad_errs		 errs;
	struct config		*cfg;
	struct route_tree	*t;
	struct alert		**v;
	size_t			 i, n = argc > 1 ? strtoul(argv[1], NULL, 10) :
				    1000000;
	ad_time_t		 now = ad_now();

	ad_errs_init(&errs);
	cfg = config_load_bytes("bench.yml", cfg_yaml, sizeof(cfg_yaml) - 1,
	    ".", NULL, &errs, NULL);
	if (cfg == NULL) {
		fprintf(stderr, "config: %s\n", errs.n ? errs.v[0].msg : "?");
		return 1;
	}
	t = route_build(cfg);
	v = make_alerts(n, now);
	bench_match(t, v, n);
	bench_route_only(t, v, n, now);
	bench_ingest(t, v, n, now);
	bench_flush(t, 10000, now);
	bench_flush(t, 100000, now);
	bench_inhibit(cfg, v, n);
	for (i = 0; i < n; i++)
		alert_unref(v[i]);
	free(v);
	route_tree_free(t);
	config_unref(cfg);
	ad_errs_release(&errs);
	return 0;
}

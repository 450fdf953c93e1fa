/*
 * Micro-benchmarks for the silence store (numbers quoted in the silences
 * commit and report; not a test):
 *   - durable creates/s, one writer (one fdatasync per create) and with
 *     16 concurrent writers (group commit);
 *   - silence_store_mutes() with 0 and 10k active silences, full
 *     evaluation (fresh memo) and the memo's fast path.
 *
 *	make && cc -O2 -I. -D_GNU_SOURCE -pthread contrib/bench/silence_bench.c \
 *	    build/libalertd.a $(pkg-config --libs jansson libpcre2-8) -o /tmp/sb
 *	/tmp/sb /path/on/the/disk/to/measure
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/timeutil.h"
#include "routing/labels.h"
#include "silences/silence.h"
#include "silences/silence_file.h"
#include "silences/silence_store.h"

static struct silence *
mk(const char *name, enum matcher_type t, const char *value, ad_time_t now)
{
	struct silence	*s = silence_new();

	silence_add_matcher(s, t, name, value);
	s->starts_at = now;
	s->ends_at = now + AD_HOUR;
	silence_set_str(&s->created_by, "bench");
	return s;
}

struct w {
	struct silence_store	*ss;
	int			 n;
};

static void *
writer(void *arg)
{
	struct w	*w = arg;
	char		 id[37];
	int		 i;

	for (i = 0; i < w->n; i++)
		silence_store_upsert(w->ss, mk("a", MATCH_EQ, "b", ad_now()),
		    ad_now(), id, NULL);
	return NULL;
}

static void
creates(const char *dir, int threads, int per)
{
	struct silence_store_opts	o = { .retention = AD_HOUR,
	    .state = &silence_file_ops };
	struct silence_file		*sf = silence_file_open(dir, NULL);
	struct silence_file_stats	st;
	struct silence_store		*ss;
	pthread_t			t[64];
	struct w			w = { NULL, per };
	int64_t				t0;
	int				i;

	o.state_arg = sf;
	ss = silence_store_new(&o);
	w.ss = ss;
	t0 = ad_mono();
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, writer, &w);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	silence_file_stats(sf, &st);
	printf("durable creates, %2d writers: %8.0f/s (%llu creates, %llu "
	    "fdatasyncs)\n", threads, threads * per * 1e9 /
	    (double)(ad_mono() - t0), (unsigned long long)st.puts,
	    (unsigned long long)st.flushes);
	silence_store_maintenance(ss, ad_now(), NULL);
	silence_store_free(ss);
	silence_file_close(sf);
}

static double
mutes_ns(struct silence_store *ss, struct labels **ls, int nls, bool fresh)
{
	struct silence_mark	m = { 0 };
	int64_t			t0;
	int			i, iters = 200000, hits = 0;
	ad_time_t		now = ad_now();

	t0 = ad_mono();
	for (i = 0; i < iters; i++) {
		if (fresh)
			m.version = 0;
		hits += silence_store_mutes(ss, ls[i % nls], now, &m);
	}
	silence_mark_release(&m);
	(void)hits;
	return (double)(ad_mono() - t0) / iters;
}

int
main(int argc, char **argv)
{
	struct silence_store_opts o = { .retention = AD_HOUR };
	struct silence_store	*empty, *full;
	struct labels		*ls[64];
	struct labels_builder	 b;
	char			 v[64], id[37];
	int			 i;

	log_init(LOG_ERROR, LOG_LOGFMT);
	if (argc > 1) {
		creates(argv[1], 1, 500);
		creates(argv[1], 16, 250);
	}
	empty = silence_store_new(&o);
	full = silence_store_new(&o);
	/* 10k: 9.5k equality silences on distinct alertnames, 500 regex. */
	for (i = 0; i < 10000; i++) {
		snprintf(v, sizeof(v), i % 20 ? "Alert%d" : "Alert%d.*", i);
		silence_store_upsert(full, mk("alertname", i % 20 ? MATCH_EQ :
		    MATCH_RE, v, ad_now()), ad_now(), id, NULL);
	}
	labels_builder_init(&b);
	for (i = 0; i < 64; i++) {
		snprintf(v, sizeof(v), "Other%d", i);
		labels_builder_adds(&b, "alertname", v);
		labels_builder_adds(&b, "job", "node");
		labels_builder_adds(&b, "instance", "10.0.0.1:9100");
		labels_builder_adds(&b, "severity", "page");
		ls[i] = labels_builder_finish(&b);
	}
	printf("mutes, full evaluation:  none %6.0f ns, 10k silences %6.0f "
	    "ns\n", mutes_ns(empty, ls, 64, true), mutes_ns(full, ls, 64,
	    true));
	for (i = 0; i < 64; i++) {
		labels_unref(ls[i]);
		snprintf(v, sizeof(v), "Alert%d", i * 37 + 1);
		labels_builder_adds(&b, "alertname", v);
		labels_builder_adds(&b, "job", "node");
		labels_builder_adds(&b, "instance", "10.0.0.1:9100");
		labels_builder_adds(&b, "severity", "page");
		ls[i] = labels_builder_finish(&b);
	}
	printf("mutes, full evaluation, alertname=AlertN (shares prefixes "
	    "with the regex silences): 10k %6.0f ns\n", mutes_ns(full, ls, 64,
	    true));
	printf("mutes, memo fast path:   none %6.0f ns, 10k silences %6.0f "
	    "ns\n", mutes_ns(empty, ls, 1, false), mutes_ns(full, ls, 1,
	    false));
	for (i = 0; i < 64; i++)
		labels_unref(ls[i]);
	labels_builder_release(&b);
	silence_store_free(empty);
	silence_store_free(full);
	return 0;
}

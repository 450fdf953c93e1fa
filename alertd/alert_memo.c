/*
 * The per-alert memo of derived data (see alert_memo.h): creation by
 * compare-and-swap, the striped locks, and config generations.
 */
#include "alertd/alert_memo.h"

#include <pthread.h>
#include <stdlib.h>

#include "alertd/alert.h"
#include "alertd/xmalloc.h"
#include "config/config.h"

static pthread_mutex_t	memo_locks[ALERT_MEMO_LOCKS];
static pthread_once_t	memo_once = PTHREAD_ONCE_INIT;

/* The last config alert_memo_cfg_gen was asked about (a reference). */
static pthread_mutex_t	gen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct config	*gen_cfg;
static uint64_t		 gen_last;

static void
memo_init(void)
{
	size_t	i;

	for (i = 0; i < ALERT_MEMO_LOCKS; i++)
		pthread_mutex_init(&memo_locks[i], NULL);
}

struct alert_memo *
alert_memo_get(const struct alert *ca)
{
	/* The memo is a cache: the alert itself stays immutable. */
	struct alert		*a = (struct alert *)ca;
	struct alert_memo	*m, *want = NULL;

	m = atomic_load_explicit(&a->memo, memory_order_acquire);
	if (m != NULL)
		return m;
	m = xcalloc(1, sizeof(*m));
	atomic_init(&m->json, NULL);
	if (atomic_compare_exchange_strong_explicit(&a->memo, &want, m,
	    memory_order_acq_rel, memory_order_acquire))
		return m;
	free(m);
	return want;
}

void
alert_memo_free(struct alert_memo *m)
{
	if (m == NULL)
		return;
	free(atomic_load_explicit(&m->json, memory_order_relaxed));
	free(m->rcv);
	free(m->sil);
	free(m);
}

static pthread_mutex_t *
memo_lock_of(const struct alert *a)
{
	pthread_once(&memo_once, memo_init);
	return &memo_locks[(a->fp ^ (a->fp >> 32)) % ALERT_MEMO_LOCKS];
}

void
alert_memo_lock(const struct alert *a)
{
	pthread_mutex_lock(memo_lock_of(a));
}

void
alert_memo_unlock(const struct alert *a)
{
	pthread_mutex_unlock(memo_lock_of(a));
}

const struct alert_json *
alert_memo_set_json(struct alert_memo *m, struct alert_json *j)
{
	struct alert_json	*want = NULL;

	if (atomic_compare_exchange_strong_explicit(&m->json, &want, j,
	    memory_order_acq_rel, memory_order_acquire))
		return j;
	free(j);
	return want;
}

void
alert_memo_prefetch(struct alert *const *v, size_t n, size_t i, bool labels)
{
	struct alert_memo	*m;
	const char		*l;

	if (i + 8 < n)
		__builtin_prefetch(v[i + 8]);
	if (i + 4 < n && labels) {
		/* The pairs, then the names and values they point to. */
		l = (const char *)v[i + 4]->labels;
		__builtin_prefetch(l);
		__builtin_prefetch(l + 64);
		__builtin_prefetch(l + 128);
		__builtin_prefetch(l + 192);
	}
	if (i + 4 < n) {
		m = atomic_load_explicit(&v[i + 4]->memo,
		    memory_order_relaxed);
		if (m != NULL) {
			__builtin_prefetch(m);
			__builtin_prefetch(atomic_load_explicit(&m->json,
			    memory_order_relaxed));
		}
	}
}

uint64_t
alert_memo_cfg_gen(struct config *cfg)
{
	struct config	*old = NULL;
	uint64_t	 g;

	pthread_mutex_lock(&gen_lock);
	if (cfg != gen_cfg || gen_last == 0) {
		old = gen_cfg;
		gen_cfg = cfg != NULL ? config_ref(cfg) : NULL;
		gen_last++;
	}
	g = gen_last;
	pthread_mutex_unlock(&gen_lock);
	config_unref(old);
	return g;
}

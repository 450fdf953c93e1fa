/*
 * The block pool: blocks of every size class do not overlap and keep
 * their bytes, freed slabs are reused and given back, and blocks freed
 * by another thread than the one that took them (run under make tsan).
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/pool.h"

#define N	4000

START_TEST(sizes_and_contents)
{
	size_t		 base = pool_slab_bytes(), size[N], i, k;
	unsigned char	*p[N];

	for (i = 0; i < N; i++) {
		size[i] = 1 + (i * 37) % POOL_MAX;
		p[i] = pool_alloc(size[i]);
		ck_assert_uint_eq((uintptr_t)p[i] % 8, 0);
		memset(p[i], (int)(i & 0xff), size[i]);
	}
	ck_assert_uint_gt(pool_slab_bytes(), base);
	for (i = 0; i < N; i++)
		for (k = 0; k < size[i]; k++)
			ck_assert_uint_eq(p[i][k], i & 0xff);
	/* Free half, take again: the freed blocks are reused. */
	for (i = 0; i < N; i += 2)
		pool_free(p[i]);
	for (i = 0; i < N; i += 2) {
		p[i] = pool_alloc(size[i]);
		memset(p[i], (int)(i & 0xff), size[i]);
	}
	for (i = 0; i < N; i++)
		for (k = 0; k < size[i]; k++)
			ck_assert_uint_eq(p[i][k], i & 0xff);
	for (i = 0; i < N; i++)
		pool_free(p[i]);
	pool_free(NULL);
	ck_assert_uint_eq(pool_slab_bytes(), base);
}
END_TEST

/* Many blocks of one class fill slabs; all slabs go back at the end. */
START_TEST(slabs_come_back)
{
	size_t	 base = pool_slab_bytes(), i, n = 200000;
	void	**v = malloc(n * sizeof(*v));

	for (i = 0; i < n; i++)
		v[i] = pool_alloc(184);
	ck_assert_uint_ge(pool_slab_bytes() - base, n * 184);
	/* No more than a slab per ~88 blocks: 184-byte blocks, no headers. */
	ck_assert_uint_le(pool_slab_bytes() - base, (n / 88 + 1) * 16384);
	for (i = 0; i < n; i++)
		pool_free(v[n - 1 - i]);
	ck_assert_uint_eq(pool_slab_bytes(), base);
	free(v);
}
END_TEST

/* One thread takes, another frees, through a small ring. */
#define RING	256
#define ITEMS	50000

struct ring {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	void		*v[RING];
	size_t		 head, tail;
};

static void *
producer(void *arg)
{
	struct ring	*r = arg;
	size_t		 i;
	char		*p;

	for (i = 0; i < ITEMS; i++) {
		p = pool_alloc(8 + i % 500);
		p[0] = (char)i;
		pthread_mutex_lock(&r->mu);
		while (r->head - r->tail == RING)
			pthread_cond_wait(&r->cv, &r->mu);
		r->v[r->head++ % RING] = p;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		/* And some of its own. */
		pool_free(pool_alloc(8 + i % 300));
	}
	return NULL;
}

START_TEST(cross_thread_free)
{
	struct ring	r;
	pthread_t	t;
	size_t		base = pool_slab_bytes(), i;
	char		*p;

	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	ck_assert_int_eq(pthread_create(&t, NULL, producer, &r), 0);
	for (i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&r.mu);
		while (r.head == r.tail)
			pthread_cond_wait(&r.cv, &r.mu);
		p = r.v[r.tail++ % RING];
		pthread_cond_broadcast(&r.cv);
		pthread_mutex_unlock(&r.mu);
		ck_assert_int_eq(p[0], (char)i);
		pool_free(p);
		pool_free(pool_alloc(8 + i % 700));
	}
	pthread_join(t, NULL);
	ck_assert_uint_eq(pool_slab_bytes(), base);
}
END_TEST

/*
 * Threads fill whole slabs and empty them again, so that slabs go back
 * (their pages dropped past the spares) and are taken again at once:
 * a block must keep what its owner wrote.
 */
#define CHURN_THREADS	4
#define CHURN_BLOCKS	600		/* several 16 KiB slabs of 128 bytes */
#define CHURN_ROUNDS	50

static void *
churner(void *arg)
{
	uint64_t	*v[CHURN_BLOCKS];
	uint64_t	 tag = (uint64_t)(uintptr_t)arg << 32;
	int		 r, i, j, bad = 0;

	for (r = 0; r < CHURN_ROUNDS; r++) {
		for (i = 0; i < CHURN_BLOCKS; i++) {
			v[i] = pool_alloc(128);
			for (j = 0; j < 16; j++)
				v[i][j] = tag | (uint64_t)(r * CHURN_BLOCKS + i);
		}
		for (i = 0; i < CHURN_BLOCKS; i++) {
			for (j = 0; j < 16; j++)
				if (v[i][j] != (tag |
				    (uint64_t)(r * CHURN_BLOCKS + i)))
					bad++;
			pool_free(v[i]);
		}
	}
	return (void *)(uintptr_t)bad;
}

START_TEST(slab_reuse_keeps_contents)
{
	pthread_t	t[CHURN_THREADS];
	void		*bad;
	int		 i;

	for (i = 0; i < CHURN_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, churner,
		    (void *)(uintptr_t)(i + 1)), 0);
	for (i = 0; i < CHURN_THREADS; i++) {
		pthread_join(t[i], &bad);
		ck_assert_uint_eq((uintptr_t)bad, 0);
	}
}
END_TEST

Suite *
pool_suite(void)
{
	Suite	*s = suite_create("pool");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sizes_and_contents);
	tcase_add_test(tc, slabs_come_back);
	tcase_add_test(tc, cross_thread_free);
	tcase_add_test(tc, slab_reuse_keeps_contents);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Radix sort of alerts by fingerprint (see alert_sort.h): eight passes of
 * one byte each over (fingerprint, alert) pairs, the histograms of all
 * passes counted in one read; a pass whose byte is the same in every key
 * is skipped.
 */
#include "alertd/alert_sort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/xmalloc.h"

/* Below this, insertion sort beats the passes. */
#define SMALL	32

static void
insertion(struct alert_fpkey *k, size_t n)
{
	struct alert_fpkey	t;
	size_t		i, j;

	for (i = 1; i < n; i++) {
		t = k[i];
		for (j = i; j > 0 && k[j - 1].fp > t.fp; j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

static void
radix(struct alert_fpkey *k, struct alert_fpkey *tmp, size_t n)
{
	size_t		 count[8][256], pos[256], i, sum;
	struct alert_fpkey	*src = k, *dst = tmp, *t;
	unsigned	 pass, b;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (pass = 0; pass < 8; pass++)
			count[pass][(k[i].fp >> (8 * pass)) & 0xff]++;
	for (pass = 0; pass < 8; pass++) {
		if (count[pass][(k[0].fp >> (8 * pass)) & 0xff] == n)
			continue;	/* one value: nothing moves */
		for (b = 0, sum = 0; b < 256; b++) {
			pos[b] = sum;
			sum += count[pass][b];
		}
		for (i = 0; i < n; i++)
			dst[pos[(src[i].fp >> (8 * pass)) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
}

/* Insertion sort for a few, else radix through tmp (n entries). */
static void
sort_keys(struct alert_fpkey *k, struct alert_fpkey *tmp, size_t n)
{
	if (n <= SMALL)
		insertion(k, n);
	else
		radix(k, tmp, n);
}

void
alert_sort_fp(struct alert **v, size_t n)
{
	struct alert_fpkey	*k;
	size_t		 i;

	if (n < 2)
		return;
	k = xreallocarray(NULL, 2 * n, sizeof(*k));
	for (i = 0; i < n; i++) {
		if (i + 8 < n)
			__builtin_prefetch(v[i + 8]);
		k[i].fp = v[i]->fp;
		k[i].p = v[i];
	}
	sort_keys(k, k + n, n);
	for (i = 0; i < n; i++)
		v[i] = k[i].p;
	free(k);
}

void
alert_sort_keys(struct alert_fpkey *k, size_t n)
{
	struct alert_fpkey	*tmp;

	if (n < 2)
		return;
	tmp = n <= SMALL ? NULL : xreallocarray(NULL, n, sizeof(*tmp));
	sort_keys(k, tmp, n);
	free(tmp);
}

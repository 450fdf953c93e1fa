/*
 * Go 1.19's pdqsort (sort/zsortinterface.go) over an array of pointers.
 * The structure, thresholds and even the quirks (partialInsertionSort's
 * inner loops run down to index 1, not to a + 1) follow Go's, because the
 * point is to reproduce its permutation of equal elements.
 */
#include "alertd/cli/gosort.h"

#include <stdint.h>

struct gosort {
	void		**v;
	gosort_less_fn	  less;
	void		 *ctx;
};

enum { HINT_UNKNOWN, HINT_INCREASING, HINT_DECREASING };

static bool
less(const struct gosort *s, size_t i, size_t j)
{
	return s->less(s->v[i], s->v[j], s->ctx);
}

static void
swap(const struct gosort *s, size_t i, size_t j)
{
	void	*t = s->v[i];

	s->v[i] = s->v[j];
	s->v[j] = t;
}

static int
bits_len(uint64_t x)
{
	int	n = 0;

	while (x != 0) {
		n++;
		x >>= 1;
	}
	return n;
}

static void
insertion_sort(const struct gosort *s, size_t a, size_t b)
{
	size_t	i, j;

	for (i = a + 1; i < b; i++)
		for (j = i; j > a && less(s, j, j - 1); j--)
			swap(s, j, j - 1);
}

static void
sift_down(const struct gosort *s, size_t lo, size_t hi, size_t first)
{
	size_t	root = lo, child;

	for (;;) {
		child = 2 * root + 1;
		if (child >= hi)
			return;
		if (child + 1 < hi && less(s, first + child, first + child + 1))
			child++;
		if (!less(s, first + root, first + child))
			return;
		swap(s, first + root, first + child);
		root = child;
	}
}

static void
heap_sort(const struct gosort *s, size_t a, size_t b)
{
	size_t	first = a, hi = b - a, i;

	for (i = (hi - 1) / 2 + 1; i-- > 0;)
		sift_down(s, i, hi, first);
	for (i = hi; i-- > 0;) {
		swap(s, first, first + i);
		sift_down(s, 0, i, first);
	}
}

static size_t
partition(const struct gosort *s, size_t a, size_t b, size_t pivot,
    bool *already)
{
	size_t	i = a + 1, j = b - 1;

	swap(s, a, pivot);
	while (i <= j && less(s, i, a))
		i++;
	while (i <= j && !less(s, j, a))
		j--;
	if (i > j) {
		swap(s, j, a);
		*already = true;
		return j;
	}
	swap(s, i, j);
	i++;
	j--;
	for (;;) {
		while (i <= j && less(s, i, a))
			i++;
		while (i <= j && !less(s, j, a))
			j--;
		if (i > j)
			break;
		swap(s, i, j);
		i++;
		j--;
	}
	swap(s, j, a);
	*already = false;
	return j;
}

static size_t
partition_equal(const struct gosort *s, size_t a, size_t b, size_t pivot)
{
	size_t	i = a + 1, j = b - 1;

	swap(s, a, pivot);
	for (;;) {
		while (i <= j && !less(s, a, i))
			i++;
		while (i <= j && less(s, a, j))
			j--;
		if (i > j)
			break;
		swap(s, i, j);
		i++;
		j--;
	}
	return i;
}

static void
shift_around(const struct gosort *s, size_t i, size_t a, size_t b)
{
	size_t	j;

	/* Go's loop runs to j >= 1 rather than j > a; kept on purpose. */
	(void)a;
	if (i - a >= 2)
		for (j = i - 1; j >= 1; j--) {
			if (!less(s, j, j - 1))
				break;
			swap(s, j, j - 1);
		}
	if (b - i >= 2)
		for (j = i + 1; j < b; j++) {
			if (!less(s, j, j - 1))
				break;
			swap(s, j, j - 1);
		}
}

static bool
partial_insertion_sort(const struct gosort *s, size_t a, size_t b)
{
	size_t	i = a + 1;
	int	step;

	for (step = 0; step < 5; step++) {
		while (i < b && !less(s, i, i - 1))
			i++;
		if (i == b)
			return true;
		if (b - a < 50)
			return false;
		swap(s, i, i - 1);
		shift_around(s, i, a, b);
	}
	return false;
}

static void
break_patterns(const struct gosort *s, size_t a, size_t b)
{
	size_t		length = b - a, idx, other;
	uint64_t	random = length, modulus;

	if (length < 8)
		return;
	modulus = (uint64_t)1 << bits_len(length);
	for (idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1;
	    idx++) {
		random ^= random << 13;
		random ^= random >> 17;
		random ^= random << 5;
		other = (size_t)(random & (modulus - 1));
		if (other >= length)
			other -= length;
		swap(s, idx, a + other);
	}
}

static void
order2(const struct gosort *s, size_t *a, size_t *b, int *swaps)
{
	size_t	t;

	if (less(s, *b, *a)) {
		(*swaps)++;
		t = *a;
		*a = *b;
		*b = t;
	}
}

static size_t
median(const struct gosort *s, size_t a, size_t b, size_t c, int *swaps)
{
	order2(s, &a, &b, swaps);
	order2(s, &b, &c, swaps);
	order2(s, &a, &b, swaps);
	return b;
}

static size_t
choose_pivot(const struct gosort *s, size_t a, size_t b, int *hint)
{
	size_t	l = b - a, i = a + l / 4, j = a + l / 4 * 2, k = a + l / 4 * 3;
	int	swaps = 0;

	if (l >= 8) {
		if (l >= 50) {
			i = median(s, i - 1, i, i + 1, &swaps);
			j = median(s, j - 1, j, j + 1, &swaps);
			k = median(s, k - 1, k, k + 1, &swaps);
		}
		j = median(s, i, j, k, &swaps);
	}
	*hint = swaps == 0 ? HINT_INCREASING : swaps == 12 ? HINT_DECREASING :
	    HINT_UNKNOWN;
	return j;
}

static void
reverse_range(const struct gosort *s, size_t a, size_t b)
{
	size_t	i = a, j = b - 1;

	while (i < j)
		swap(s, i++, j--);
}

static void
pdqsort(const struct gosort *s, size_t a, size_t b, int limit)
{
	bool	balanced = true, partitioned = true;
	size_t	pivot, mid, length;
	int	hint;

	for (;;) {
		length = b - a;
		if (length <= 12) {
			insertion_sort(s, a, b);
			return;
		}
		if (limit == 0) {
			heap_sort(s, a, b);
			return;
		}
		if (!balanced) {
			break_patterns(s, a, b);
			limit--;
		}
		pivot = choose_pivot(s, a, b, &hint);
		if (hint == HINT_DECREASING) {
			reverse_range(s, a, b);
			pivot = (b - 1) - (pivot - a);
			hint = HINT_INCREASING;
		}
		if (balanced && partitioned && hint == HINT_INCREASING &&
		    partial_insertion_sort(s, a, b))
			return;
		if (a > 0 && !less(s, a - 1, pivot)) {
			a = partition_equal(s, a, b, pivot);
			continue;
		}
		mid = partition(s, a, b, pivot, &partitioned);
		if (mid - a < b - mid) {
			balanced = mid - a >= length / 8;
			pdqsort(s, a, mid, limit);
			a = mid + 1;
		} else {
			balanced = b - mid >= length / 8;
			pdqsort(s, mid + 1, b, limit);
			b = mid;
		}
	}
}

void
gosort_sort(void **v, size_t n, gosort_less_fn lessfn, void *ctx)
{
	struct gosort	s = { .v = v, .less = lessfn, .ctx = ctx };

	if (n <= 1)
		return;
	pdqsort(&s, 0, n, bits_len(n));
}

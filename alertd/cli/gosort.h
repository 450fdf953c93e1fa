/*
 * gosort: Go 1.19's sort.Sort, so that rows with equal keys come out in
 * the order amtool prints them.
 *
 * amtool sorts alerts by startsAt and silences by endsAt with sort.Sort,
 * which is not stable: alerts from one Prometheus evaluation share their
 * startsAt, and their order is whatever Go's pattern-defeating quicksort
 * leaves.  gosort_sort() performs the same comparisons and swaps as Go's
 * pdqsort (insertion sort up to 12 elements, ninther pivots, the
 * deterministic xorshift pattern breaker, heapsort fallback), so the
 * permutation is identical.  Thread: any.
 */
#ifndef ALERTD_CLI_GOSORT_H
#define ALERTD_CLI_GOSORT_H

#include <stdbool.h>
#include <stddef.h>

/* Less(i, j) over the elements, which are pointers. */
typedef bool	(*gosort_less_fn)(const void *a, const void *b, void *ctx);

/* sort.Sort over v[0..n), swapping the pointers. */
void	gosort_sort(void **v, size_t n, gosort_less_fn less, void *ctx);

#endif

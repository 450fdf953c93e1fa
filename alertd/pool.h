/*
 * pool: a size-class allocator for long-lived small blocks (the store's
 * packed alerts).
 *
 * glibc's malloc puts each block between the HTTP threads' short-lived
 * request buffers, in a per-thread arena, with an 8-byte header and
 * 16-byte rounding: at 10k alerts that is about a third of the memory
 * the alerts take.  Here blocks of one size class (8-byte steps up to
 * POOL_MAX) share 16 KiB slabs carved from 1 MiB mappings, with no
 * header: a block's slab is found from its address.  An empty slab goes
 * back to a shared list; past a few spare ones its pages go back to the
 * kernel (MADV_DONTNEED).
 *
 * Thread: any.  One mutex per size class, one for the slab list; both
 * are leaves.
 */
#ifndef ALERTD_ALERTD_POOL_H
#define ALERTD_ALERTD_POOL_H

#include <stddef.h>

#define POOL_MAX	1024

/* size bytes (0 < size <= POOL_MAX), 8-byte aligned.  Never NULL. */
void	*pool_alloc(size_t size);
/* A block from pool_alloc (NULL is fine). */
void	 pool_free(void *p);
/*
 * For blocks whose size is known again when they are freed (interned
 * strings, shapes): from the pool when size fits, else from malloc.
 * pool_put must be given the size pool_get was.
 */
void	*pool_get(size_t size);
void	 pool_put(void *p, size_t size);		/* NULL is fine */
/* Bytes of the slabs in use (tests, metrics). */
size_t	 pool_slab_bytes(void);

#endif

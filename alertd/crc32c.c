/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78): the checksum of
 * the records of alertd's own files, the silence WAL/snapshot
 * (silences/silence_file.c) and the notification log (notifiers/nflog.c).
 * SSE 4.2's crc32 instruction when the CPU has it, else a table.
 */
#include "alertd/crc32c.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
	uint32_t	c, i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t
crc32c_table(uint32_t crc, const uint8_t *b, size_t len)
{
	pthread_once(&crc_once, crc_init);
	while (len-- > 0)
		crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
/*
 * SSE 4.2's crc32 instruction computes CRC-32C eight bytes at a time: a
 * start-up replays every record of the snapshot through here.
 */
__attribute__((target("sse4.2")))
static uint32_t
crc32c_hw(uint32_t crc, const uint8_t *b, size_t len)
{
	uint64_t	c = crc, w;

	for (; len >= 8; len -= 8, b += 8) {
		memcpy(&w, b, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	for (; len > 0; len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *b++);
	return (uint32_t)c;
}
#endif

uint32_t
crc32c(uint32_t crc, const void *p, size_t len)
{
#if defined(__x86_64__)
	static _Atomic int	hw = -1;
	int			h = atomic_load_explicit(&hw,
				    memory_order_relaxed);

	if (h == -1) {
		h = __builtin_cpu_supports("sse4.2") ? 1 : 0;
		atomic_store_explicit(&hw, h, memory_order_relaxed);
	}
	if (h)
		return ~crc32c_hw(~crc, p, len);
#endif
	return ~crc32c_table(~crc, p, len);
}


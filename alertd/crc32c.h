/*
 * crc32c: CRC-32C (Castagnoli), the checksum of alertd's file records.
 * crc32c(0, p, n) is the CRC of p[0..n); crc32c(crc32c(0, a, n), b, m)
 * that of a then b.  Thread: any.
 */
#ifndef ALERTD_ALERTD_CRC32C_H
#define ALERTD_ALERTD_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t	crc32c(uint32_t crc, const void *p, size_t len);

#endif

/*
 * silence_file: the local, crash-safe backend of silence_state.
 *
 * Files in the storage directory (next to Alertmanager's own `silences`
 * and `nflog`, which alertd never writes):
 *	alertd-silences.snap		snapshot: header + records
 *	alertd-silences.wal.<gen>	write-ahead logs, gen in 16 hex digits
 * Header (20 bytes): 8-byte magic ("ADSILSNP" or "ADSILWAL"), u64le gen
 * (a log's own generation; for the snapshot, the first log generation it
 * does not cover), u32le CRC-32C of the first 16 bytes.  Record: u32le
 * payload length, u32le CRC-32C of the payload, payload = varint key
 * length, key, op byte (1 put, 0 delete), value.
 *
 * Durability: every put is appended to the current log and fdatasync'd
 * before sync() returns; concurrent writers share one write+fdatasync
 * (the first waiter flushes everybody's records).  Compaction writes the
 * snapshot to a temporary file, fsyncs it, renames it over the old one,
 * fsyncs the directory and only then deletes the logs it covers.  At
 * start-up a new log generation is begun, so a torn tail is never
 * appended to.
 *
 * Recovery never fails start-up: a record that is truncated or fails its
 * checksum ends the file it is in (the valid prefix is kept) and is
 * logged with the number of bytes dropped; a snapshot with a bad header
 * is ignored (and every log is replayed).
 *
 * Thread: as silence_state.h.
 */
#ifndef ALERTD_SILENCES_SILENCE_FILE_H
#define ALERTD_SILENCES_SILENCE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "silences/silence_state.h"

struct ad_err;
struct silence_file;

extern const struct silence_state_ops silence_file_ops;

/* Opens (and creates) the backend in dir; the directory must exist. */
struct silence_file *silence_file_open(const char *dir, struct ad_err *err);
/* Did dir hold no alertd silence state when opened? */
bool	silence_file_was_empty(const struct silence_file *sf);
void	silence_file_close(struct silence_file *sf);	/* NULL is fine */

struct silence_file_stats {
	uint64_t	records_replayed;
	uint64_t	bytes_dropped;	/* torn or corrupt data skipped */
	uint64_t	flushes;	/* write+fdatasync rounds */
	uint64_t	puts;
};
void	silence_file_stats(struct silence_file *sf,
	    struct silence_file_stats *out);

/*
 * Parses records (no header) from p[0..len): calls fn per valid record
 * until the end or the first bad one.  Returns the length of the valid
 * prefix.  Exposed for the fuzzer and tests.
 */
size_t	silence_file_parse(const uint8_t *p, size_t len,
	    silence_state_scan_fn fn, void *arg);
/* Appends one framed record (val NULL = delete). */
int	silence_file_frame(struct buf *out, const char *key, const void *val,
	    size_t len);

#endif

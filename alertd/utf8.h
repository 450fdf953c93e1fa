/*
 * utf8: the few UTF-8 operations Go's semantics need (validation, rune
 * decoding as Go's utf8.DecodeRune, printability as strconv.IsPrint).
 * Thread: any (pure functions).
 */
#ifndef ALERTD_ALERTD_UTF8_H
#define ALERTD_ALERTD_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one rune from s[0..len).  Returns its length in bytes (1-4), or
 * -1 for an invalid or truncated sequence (Go then consumes one byte and
 * yields U+FFFD; *r is set to 0xFFFD).  len must be > 0.
 */
int	utf8_decode(const unsigned char *s, size_t len, uint32_t *r);
/* Encodes r into out (4 bytes room); returns the length. */
int	utf8_encode(uint32_t r, char *out);
bool	utf8_valid(const char *s, size_t len);
/* Number of runes, counting each invalid byte as one (Go's RuneCount). */
size_t	utf8_runecount(const char *s, size_t len);
/*
 * Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and
 * U+0020.  Non-ASCII uses a short table of the non-printable ranges that
 * occur in practice (C1 controls, format characters, separators, private
 * use, surrogates, noncharacters); unassigned code points count as
 * printable, where Go would escape them.
 */
bool	utf8_isprint(uint32_t r);

#endif

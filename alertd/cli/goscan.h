/*
 * goscan: Go 1.19's encoding/json scanner, as json.Unmarshal runs it over
 * the whole input before decoding (checkValid).  amtool reports a syntax
 * error in its words and without a position ("invalid character 'b'
 * looking for beginning of object key string", "unexpected end of JSON
 * input"); a JSON library's own wording would not be amtool's.
 * Thread: any.
 */
#ifndef ALERTD_CLI_GOSCAN_H
#define ALERTD_CLI_GOSCAN_H

#include <stddef.h>

struct ad_err;

/*
 * 0 if s[0..len) is one JSON value (with surrounding white space) for
 * Go, else -1 with Go's message.  Nesting deeper than Go's 10000 levels
 * is an error, as in Go.
 */
int	goscan_check_valid(const char *s, size_t len, struct ad_err *err);

/*
 * Go's quoteChar: how a scanner error shows byte c ('x', '\n', '\x01',
 * '\'', and bytes >= 0x80 as the Latin-1 rune of that value).  out needs
 * 16 bytes.
 */
void	goscan_quote_char(unsigned char c, char *out, size_t n);

#endif

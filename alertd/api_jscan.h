/*
 * api_jscan: Go's encoding/json scanner (syntax only), for the API's
 * JSON decoders: what json.Decoder.Decode reads as the first value of a
 * body, and the exact SyntaxError text Go gives for a malformed one
 * ("invalid character 'x' looking for beginning of value", "unexpected
 * EOF", "... exceeded max depth" past 10000 levels).
 *
 * Thread: any (pure functions).
 */
#ifndef ALERTD_ALERTD_API_JSCAN_H
#define ALERTD_ALERTD_API_JSCAN_H

#include <stddef.h>

struct buf;

#define API_JSCAN_MAX_DEPTH	10000	/* encoding/json maxNestingDepth */

/*
 * The first value of s[0..n) as json.Decoder reads it (what follows is
 * ignored).  Returns 1 with its bytes [*start, *end); 0 when s holds only
 * whitespace (io.EOF); -1 with Go's error text appended to msg.
 */
int	api_jscan_first(const char *s, size_t n, size_t *start, size_t *end,
	    struct buf *msg);

/*
 * One value starting at s[i] (after any whitespace), nested depth levels
 * deep in its document.  Returns 0 with *end just past it, or -1 if it is
 * malformed, too deep or cut short.
 */
int	api_jscan_skip(const char *s, size_t n, size_t i, size_t depth,
	    size_t *end);

#endif

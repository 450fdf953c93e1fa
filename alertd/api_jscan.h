/*
 * api_jscan: Go's encoding/json scanner (syntax only), for the API's
 * JSON decoders (what json.Decoder.Decode reads as the first value of a
 * body) and for alertctl's JSON input (json.Unmarshal's check), with
 * the exact SyntaxError text Go gives for a malformed one ("invalid
 * character 'x' looking for beginning of value", "unexpected EOF",
 * "... exceeded max depth" past 10000 levels).
 *
 * Thread: any (pure functions).
 */
#ifndef ALERTD_ALERTD_API_JSCAN_H
#define ALERTD_ALERTD_API_JSCAN_H

#include <stddef.h>

struct ad_err;
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
 * json.Unmarshal's syntax check (checkValid): 0 if s[0..n) is one value
 * with white space around it, else -1 with Go's text in err, worded as
 * Unmarshal words it: at the end of input Go steps once more with a
 * space, so "tr" fails as "invalid character ' ' in literal true
 * (expecting 'u')", "[1" as "unexpected end of JSON input"; what follows
 * the value: "invalid character 'x' after top-level value".
 */
int	api_jscan_check_valid(const char *s, size_t n, struct ad_err *err);

/*
 * One value starting at s[i] (after any whitespace), nested depth levels
 * deep in its document.  Returns 0 with *end just past it, or -1 if it is
 * malformed, too deep or cut short.
 */
int	api_jscan_skip(const char *s, size_t n, size_t i, size_t depth,
	    size_t *end);

#endif

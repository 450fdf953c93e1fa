/*
 * Go encoding/json-compatible output (see njson.h), after
 * encoding/json's encodeState.string with escapeHTML and its htmlSafeSet.
 */
#include "notifiers/njson.h"

#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "routing/labels.h"

static const char hex[] = "0123456789abcdef";

/* Bytes that Go writes as they are (htmlSafeSet). */
static int
html_safe(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' &&
	    c != '>' && c != '&';
}

void
njson_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, start = 0;
	uint32_t		 r;
	int			 n;
	char			 esc[8];

	buf_addch(b, '"');
	while (i < len) {
		if (p[i] < 0x80) {
			if (html_safe(p[i])) {
				i++;
				continue;
			}
			buf_add(b, s + start, i - start);
			switch (p[i]) {
			case '\\': case '"':
				esc[0] = '\\';
				esc[1] = (char)p[i];
				buf_add(b, esc, 2);
				break;
			case '\n':
				buf_addstr(b, "\\n");
				break;
			case '\r':
				buf_addstr(b, "\\r");
				break;
			case '\t':
				buf_addstr(b, "\\t");
				break;
			default:
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[p[i] >> 4];
				esc[5] = hex[p[i] & 15];
				buf_add(b, esc, 6);
			}
			start = ++i;
			continue;
		}
		n = utf8_decode(p + i, len - i, &r);
		if (n == -1) {
			buf_add(b, s + start, i - start);
			buf_addstr(b, "\\ufffd");
			start = ++i;
			continue;
		}
		if (r == 0x2028 || r == 0x2029) {
			buf_add(b, s + start, i - start);
			buf_addstr(b, r == 0x2028 ? "\\u2028" : "\\u2029");
			i += (size_t)n;
			start = i;
			continue;
		}
		i += (size_t)n;
	}
	buf_add(b, s + start, len - start);
	buf_addch(b, '"');
}

void
njson_str(struct buf *b, const char *s)
{
	njson_string(b, s, strlen(s));
}

void
njson_labels(struct buf *b, const struct labels *ls)
{
	uint32_t	i;

	buf_addch(b, '{');
	/* a label set is sorted by name, bytewise: Go's map key order */
	for (i = 0; ls != NULL && i < labels_len(ls); i++) {
		if (i > 0)
			buf_addch(b, ',');
		njson_str(b, labels_name(ls, i));
		buf_addch(b, ':');
		njson_str(b, labels_value(ls, i));
	}
	buf_addch(b, '}');
}

void
njson_time(struct buf *b, ad_time_t t)
{
	char	out[TIME_FMT_MAX];

	buf_addch(b, '"');
	buf_addstr(b, time_format_rfc3339nano(t, out));
	buf_addch(b, '"');
}

void
njson_quotemeta(struct buf *b, const char *s)
{
	struct buf	q;

	buf_init(&q, BUF_NOCAP);
	for (; *s != '\0'; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s) != NULL)
			buf_addch(&q, '\\');
		buf_addch(&q, *s);
	}
	njson_string(b, buf_str(&q), buf_len(&q));
	buf_release(&q);
}

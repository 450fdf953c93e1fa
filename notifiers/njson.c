/*
 * Go encoding/json-compatible output (see njson.h), after
 * encoding/json's encodeState.string with escapeHTML and its htmlSafeSet.
 */
#include "notifiers/njson.h"

#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "notifiers/notify.h"
#include "routing/labels.h"

static const char hex[] = "0123456789abcdef";

/*
 * Bytes that Go writes as they are (htmlSafeSet): 0x20-0x7f but for
 * `"`, `\`, `<`, `>` and `&`.  Bytes from 0x80 are UTF-8, checked apart.
 */
static const unsigned char safe[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* How many leading bytes of p Go writes as they are, ASCII only. */
static size_t
safe_prefix(const unsigned char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len && safe[p[i]]; i++)
		;
	return i;
}

/* The common case, a short string that needs no escape: one append. */
static int
njson_plain(struct buf *b, const char *s, size_t len)
{
	char	tmp[256];

	if (len > sizeof(tmp) - 2 ||
	    safe_prefix((const unsigned char *)s, len) != len)
		return -1;
	tmp[0] = '"';
	memcpy(tmp + 1, s, len);
	tmp[len + 1] = '"';
	buf_add(b, tmp, len + 2);
	return 0;
}

void
njson_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, start = 0;
	uint32_t		 r;
	int			 n;
	char			 esc[8];

	if (njson_plain(b, s, len) == 0)
		return;
	buf_addch(b, '"');
	while (i < len) {
		if (p[i] < 0x80) {
			if (safe[p[i]]) {
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

/* Writes v as n decimal digits, zero-padded. */
static char *
put_digits(char *p, unsigned long v, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* time_format_rfc3339nano without snprintf, for years 0..9999. */
static int
time_fast(ad_time_t t, char *out)
{
	int64_t		secs, days, rem, y;
	unsigned	m, d;
	long		ns;
	int		digs;
	char		*p = out;

	secs = t / AD_SEC;
	ns = (long)(t % AD_SEC);
	if (ns < 0) {
		ns += AD_SEC;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	*p++ = '"';
	p = put_digits(p, (unsigned long)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned long)(rem / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)(rem / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)(rem % 60), 2);
	if (ns != 0) {
		*p++ = '.';
		for (digs = 9; ns % 10 == 0; digs--)
			ns /= 10;
		p = put_digits(p, (unsigned long)ns, digs);
	}
	*p++ = 'Z';
	*p++ = '"';
	return (int)(p - out);
}

void
njson_time(struct buf *b, ad_time_t t)
{
	char	out[TIME_FMT_MAX];
	int	n;

	if (t != AD_TIME_ZERO) {
		n = time_fast(t, out);
		if (n > 0) {
			buf_add(b, out, (size_t)n);
			return;
		}
	}
	buf_addch(b, '"');
	buf_addstr(b, time_format_rfc3339nano(t, out));
	buf_addch(b, '"');
}

void
njson_quotemeta(struct buf *b, const char *s)
{
	struct buf	q;

	if (strpbrk(s, "\\.+*?()|[]{}^$") == NULL) {
		njson_str(b, s);
		return;
	}
	buf_init(&q, BUF_NOCAP);
	for (; *s != '\0'; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s) != NULL)
			buf_addch(&q, '\\');
		buf_addch(&q, *s);
	}
	njson_string(b, buf_str(&q), buf_len(&q));
	buf_release(&q);
}

/* ------------------------------------------------- webhook.Message data */

/* template.Data's CommonLabels / CommonAnnotations (alert_common). */
static void
data_common(struct buf *b, struct alert *const *alerts, size_t n,
    bool annotations)
{
	struct labels	*common = alert_common(alerts, n, annotations);

	njson_labels(b, common);
	labels_unref(common);
}

/*
 * time.Time's MarshalJSON (RFC 3339, nanoseconds without trailing zeros)
 * in the zone the client wrote: off seconds east; 0 is UTC ("Z").
 */
static void
data_time(struct buf *b, ad_time_t t, int32_t off)
{
	char	out[TIME_FMT_MAX];
	size_t	n;
	int32_t	a = off < 0 ? -off : off;

	if (off == 0 || t == AD_TIME_ZERO) {
		njson_time(b, t);
		return;
	}
	/* The wall clock at off, then its offset in place of the "Z". */
	time_format_rfc3339nano(t + (ad_time_t)off * AD_SEC, out);
	n = strlen(out);
	if (n > 0 && out[n - 1] == 'Z')
		out[n - 1] = '\0';
	buf_addf(b, "\"%s%c%02d:%02d\"", out, off < 0 ? '-' : '+',
	    (int)(a / 3600), (int)(a % 3600 / 60));
}

static void
data_alert(struct buf *b, const struct alert *a, ad_time_t now)
{
	bool	resolved = alert_resolved_at(a, now);
	char	fp[FP_STR_MAX];

	buf_addstr(b, "{\"status\":");
	buf_addstr(b, resolved ? "\"resolved\"" : "\"firing\"");
	buf_addstr(b, ",\"labels\":");
	njson_labels(b, alert_labels(a));
	buf_addstr(b, ",\"annotations\":");
	njson_labels(b, alert_annotations(a));
	buf_addstr(b, ",\"startsAt\":");
	data_time(b, a->starts_at, alert_starts_off(a));
	/* types.Alerts: an end not reached yet is not exposed */
	buf_addstr(b, ",\"endsAt\":");
	if (resolved)
		data_time(b, a->ends_at, alert_ends_off(a));
	else
		njson_time(b, AD_TIME_ZERO);
	buf_addstr(b, ",\"generatorURL\":");
	njson_str(b, alert_generator_url(a));
	buf_addstr(b, ",\"fingerprint\":\"");
	buf_addstr(b, fp_format(a->fp, fp));
	buf_addstr(b, "\"}");
}

void
njson_webhook_data(struct buf *b, const struct notify_ctx *ctx, size_t n,
    size_t shown)
{
	bool	firing = false;
	size_t	i;

	for (i = 0; i < n; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			firing = true;
	buf_addstr(b, "{\"receiver\":");
	njson_quotemeta(b, ctx->receiver);
	buf_addstr(b, firing ? ",\"status\":\"firing\"" :
	    ",\"status\":\"resolved\"");
	buf_addstr(b, ",\"alerts\":[");
	for (i = 0; i < shown; i++) {
		if (i > 0)
			buf_addch(b, ',');
		data_alert(b, ctx->alerts[i], ctx->now);
	}
	buf_addstr(b, "],\"groupLabels\":");
	njson_labels(b, ctx->group_labels);
	buf_addstr(b, ",\"commonLabels\":");
	data_common(b, ctx->alerts, n, false);
	buf_addstr(b, ",\"commonAnnotations\":");
	data_common(b, ctx->alerts, n, true);
	buf_addstr(b, ",\"externalURL\":");
	njson_str(b, ctx->external_url != NULL ? ctx->external_url : "");
}

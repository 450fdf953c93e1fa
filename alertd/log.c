/*
 * Structured logging in Alertmanager's logfmt or JSON shape (see log.h):
 * values encoded as go-logfmt and encoding/json encode them (quoting
 * rules, escapes, invalid UTF-8 as U+FFFD, HTML-safe JSON), so that
 * whatever parses Alertmanager's logs parses alertd's.  A line is built
 * in one buffer and written with one write(2); a value longer than
 * LOG_VALUE_MAX is cut (marked "...") so every line stays well formed.
 */
#include "alertd/log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"

#define LOG_MSG_MAX	4096	/* a formatted msg, bytes */
#define LOG_VALUE_MAX	16384	/* longer values are cut, with "..." */
#define LOG_KV_MAX	16

static enum log_level	log_level = LOG_INFO;
static enum log_format	log_format = LOG_LOGFMT;
static int		log_fd = STDERR_FILENO;
static _Thread_local const char *log_component;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(enum log_level level, enum log_format format)
{
	log_level = level;
	log_format = format;
}

int
log_parse_level(const char *s, enum log_level *level)
{
	int	i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	return -1;
}

int
log_parse_format(const char *s, enum log_format *format)
{
	if (strcmp(s, "logfmt") == 0)
		*format = LOG_LOGFMT;
	else if (strcmp(s, "json") == 0)
		*format = LOG_JSON;
	else
		return -1;
	return 0;
}

void
log_set_component(const char *component)
{
	log_component = component;
}

bool
log_enabled(enum log_level level)
{
	return level >= log_level;
}

void
log_set_fd(int fd)
{
	log_fd = fd == -1 ? STDERR_FILENO : fd;
}

/* Appends s[0..n) as a go-logfmt value (quoted only when needed). */
static void
logfmt_value(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 r;
	size_t			 i;
	int			 k;
	bool			 quote = n == 4 && memcmp(s, "null", 4) == 0;

	/* needsQuotedValueRune: r <= ' ', '=', '"', or utf8.RuneError
	 * (invalid UTF-8, or U+FFFD itself). */
	for (i = 0; i < n && !quote; i += k > 0 ? (size_t)k : 1) {
		k = utf8_decode(p + i, n - i, &r);	/* invalid: U+FFFD */
		if (r == 0xfffd || p[i] <= ' ' || p[i] == '=' || p[i] == '"')
			quote = true;
	}
	if (!quote) {
		buf_add(b, s, n);
		return;
	}
	buf_addch(b, '"');
	for (i = 0; i < n; i += k > 0 ? (size_t)k : 1) {
		k = utf8_decode(p + i, n - i, &r);
		if (r == 0xfffd)
			buf_addstr(b, "\\ufffd");
		else if (p[i] == '"' || p[i] == '\\')
			buf_addf(b, "\\%c", p[i]);
		else if (p[i] == '\n')
			buf_addstr(b, "\\n");
		else if (p[i] == '\r')
			buf_addstr(b, "\\r");
		else if (p[i] == '\t')
			buf_addstr(b, "\\t");
		else if (p[i] < ' ')
			buf_addf(b, "\\u%04x", p[i]);
		else
			buf_add(b, s + i, (size_t)k);
	}
	buf_addch(b, '"');
}

/*
 * Appends s[0..n) as go-kit's JSON logger writes a string (encoding/json
 * without HTML escaping): U+2028/9 escaped, invalid UTF-8 as \ufffd.
 */
static void
json_string(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 r;
	size_t			 i;
	int			 k;

	buf_addch(b, '"');
	for (i = 0; i < n; i += k > 0 ? (size_t)k : 1) {
		k = utf8_decode(p + i, n - i, &r);
		if (k == -1)
			buf_addstr(b, "\\ufffd");
		else if (p[i] == '"' || p[i] == '\\')
			buf_addf(b, "\\%c", p[i]);
		else if (p[i] == '\n')
			buf_addstr(b, "\\n");
		else if (p[i] == '\r')
			buf_addstr(b, "\\r");
		else if (p[i] == '\t')
			buf_addstr(b, "\\t");
		else if (p[i] < ' ')
			buf_addf(b, "\\u%04x", p[i]);
		else if (r == 0x2028 || r == 0x2029)
			buf_addf(b, "\\u%04x", r);
		else
			buf_add(b, s + i, (size_t)k);
	}
	buf_addch(b, '"');
}

struct kv {
	const char	*k, *v;
};

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}

/* A value, cut at LOG_VALUE_MAX bytes (on a rune boundary). */
static size_t
value_len(const char *v, bool *cut)
{
	size_t	n = strlen(v);

	*cut = n > LOG_VALUE_MAX;
	if (!*cut)
		return n;
	n = LOG_VALUE_MAX;
	while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static void
format_line(struct buf *b, struct kv *kv, size_t n)
{
	struct buf	 v;
	const char	*s;
	size_t		 i, len;
	bool		 cut;

	buf_init(&v, BUF_NOCAP);
	if (log_format == LOG_JSON) {
		/* go-kit's JSON logger marshals a map: keys sorted. */
		qsort(kv, n, sizeof(*kv), kv_cmp);
		buf_addch(b, '{');
	}
	for (i = 0; i < n; i++) {
		s = kv[i].v != NULL ? kv[i].v : "";
		len = value_len(s, &cut);
		buf_reset(&v);
		buf_add(&v, s, len);
		if (cut)
			buf_addstr(&v, "...");
		if (log_format == LOG_JSON) {
			buf_addstr(b, i > 0 ? "," : "");
			json_string(b, kv[i].k, strlen(kv[i].k));
			buf_addch(b, ':');
			json_string(b, buf_str(&v), buf_len(&v));
		} else {
			buf_addf(b, "%s%s=", i > 0 ? " " : "", kv[i].k);
			logfmt_value(b, buf_str(&v), buf_len(&v));
		}
	}
	if (log_format == LOG_JSON)
		buf_addch(b, '}');
	buf_addch(b, '\n');
	buf_release(&v);
}

/* One line, one write(2): lines of concurrent threads never mix. */
static void
log_write(struct kv *kv, size_t n)
{
	struct buf	b;
	ssize_t		w;

	buf_init(&b, BUF_NOCAP);
	format_line(&b, kv, n);
	w = write(log_fd, buf_str(&b), buf_len(&b));
	(void)w;
	buf_release(&b);
}

/* Fills ts, caller, level, component, msg; returns the count. */
static size_t
log_head(struct kv *kv, enum log_level level, const char *file, int line,
    const char *msg, char *ts, size_t tslen, char *caller, size_t clen)
{
	struct timespec	now;
	struct tm	tm;
	const char	*base;
	size_t		n = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, tslen, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
	base = strrchr(file, '/');
	snprintf(caller, clen, "%s:%d", base ? base + 1 : file, line);
	kv[n++] = (struct kv){ "ts", ts };
	kv[n++] = (struct kv){ "caller", caller };
	kv[n++] = (struct kv){ "level", level_names[level] };
	if (log_component != NULL)
		kv[n++] = (struct kv){ "component", log_component };
	/* go-kit: a line logged without "msg" has none. */
	if (msg != NULL && msg[0] != '\0')
		kv[n++] = (struct kv){ "msg", msg };
	return n;
}

void
log_msgf(enum log_level level, const char *file, int line, const char *fmt,
    ...)
{
	struct kv	kv[8];
	char		msg[LOG_MSG_MAX], ts[40], caller[64];
	va_list		ap;
	size_t		n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = log_head(kv, level, file, line, msg, ts, sizeof(ts), caller,
	    sizeof(caller));
	log_write(kv, n);
}

void
log_kv(enum log_level level, const char *file, int line, const char *msg,
    ...)
{
	struct kv	kv[8 + LOG_KV_MAX];
	char		ts[40], caller[64];
	const char	*k;
	va_list		ap;
	size_t		n, first;

	n = first = log_head(kv, level, file, line, msg, ts, sizeof(ts),
	    caller, sizeof(caller));
	va_start(ap, msg);
	for (;;) {
		k = va_arg(ap, const char *);
		if (k == NULL || n >= first + LOG_KV_MAX)
			break;
		kv[n].k = k;
		kv[n].v = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	log_write(kv, n);
}

void
fatalx(const char *fmt, ...)
{
	char	msg[LOG_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_kv(LOG_ERROR, __FILE__, __LINE__, msg, (const char *)NULL);
	exit(1);
}

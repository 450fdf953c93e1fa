/*
 * Structured logging in Alertmanager's logfmt or JSON shape (see log.h).
 * Lines are assembled on the stack and written with one write(2).
 */
#include "alertd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX	8192
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

struct line {
	char	b[LOG_LINE_MAX];
	size_t	len;
};

static void
line_add(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->b) - 2 - l->len)	/* keep room for "\n" */
		n = sizeof(l->b) - 2 - l->len;
	memcpy(l->b + l->len, s, n);
	l->len += n;
}

static void
line_addc(struct line *l, char c)
{
	line_add(l, &c, 1);
}

/* go-logfmt quotes values holding spaces, '=', '"' or control bytes. */
static void
line_logfmt_value(struct line *l, const char *v)
{
	const unsigned char *p;
	bool	quote = *v == '\0';
	char	esc[8];

	for (p = (const unsigned char *)v; *p && !quote; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p == 0x7f)
			quote = true;
	if (!quote) {
		line_add(l, v, strlen(v));
		return;
	}
	line_addc(l, '"');
	for (p = (const unsigned char *)v; *p; p++) {
		switch (*p) {
		case '"': line_add(l, "\\\"", 2); break;
		case '\\': line_add(l, "\\\\", 2); break;
		case '\n': line_add(l, "\\n", 2); break;
		case '\r': line_add(l, "\\r", 2); break;
		case '\t': line_add(l, "\\t", 2); break;
		default:
			if (*p < ' ' || *p == 0x7f) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				line_add(l, esc, 6);
			} else
				line_addc(l, (char)*p);
		}
	}
	line_addc(l, '"');
}

static void
line_json_string(struct line *l, const char *v)
{
	const unsigned char *p;
	char	esc[8];

	line_addc(l, '"');
	for (p = (const unsigned char *)v; *p; p++) {
		switch (*p) {
		case '"': line_add(l, "\\\"", 2); break;
		case '\\': line_add(l, "\\\\", 2); break;
		case '\n': line_add(l, "\\n", 2); break;
		case '\r': line_add(l, "\\r", 2); break;
		case '\t': line_add(l, "\\t", 2); break;
		default:
			if (*p < ' ') {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				line_add(l, esc, 6);
			} else
				line_addc(l, (char)*p);
		}
	}
	line_addc(l, '"');
}

struct kv {
	const char	*k, *v;
};

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}

static void
log_write(struct kv *kv, size_t n)
{
	struct line	l;
	size_t		i;
	ssize_t		w;

	l.len = 0;
	if (log_format == LOG_JSON) {
		qsort(kv, n, sizeof(*kv), kv_cmp);
		line_addc(&l, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				line_addc(&l, ',');
			line_json_string(&l, kv[i].k);
			line_addc(&l, ':');
			line_json_string(&l, kv[i].v ? kv[i].v : "");
		}
		line_addc(&l, '}');
	} else {
		for (i = 0; i < n; i++) {
			if (i > 0)
				line_addc(&l, ' ');
			line_add(&l, kv[i].k, strlen(kv[i].k));
			line_addc(&l, '=');
			line_logfmt_value(&l, kv[i].v ? kv[i].v : "");
		}
	}
	l.b[l.len++] = '\n';
	w = write(log_fd, l.b, l.len);
	(void)w;
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
	kv[n++] = (struct kv){ "msg", msg };
	return n;
}

void
log_msgf(enum log_level level, const char *file, int line, const char *fmt,
    ...)
{
	struct kv	kv[8];
	char		msg[4096], ts[40], caller[64];
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
	char	msg[4096];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_kv(LOG_ERROR, __FILE__, __LINE__, msg, (const char *)NULL);
	exit(1);
}

/*
 * log: Alertmanager-style structured logs on stderr.
 *
 *	logfmt: ts=2026-11-25T15:40:37.640Z caller=api.c:120 level=info
 *		component=api msg="Listening on" address=127.0.0.1:9093
 *	json:   {"address":"...","caller":"api.c:120","component":"api",
 *		 "level":"info","msg":"Listening on","ts":"..."}
 *
 * Keys as Alertmanager's (go-kit via promlog): ts (UTC, milliseconds),
 * caller, level, component (when the thread set one), msg (left out when
 * empty, as a go-kit line logged without one), then the pairs given.
 * logfmt keeps that order; JSON sorts the keys, as go-kit's JSON logger.
 * Values are encoded exactly as go-kit encodes strings (quoting, escapes,
 * invalid UTF-8 as U+FFFD).  The level (--log.level) is checked before the
 * arguments are evaluated; each line is built in one buffer and written
 * with one write(2), so lines from several threads never mix; a value
 * over 16 KiB is cut and marked "...".  Each thread names its component
 * once (log_set_component).  Never pass a secret: mask it as <secret>.
 * Thread: any (log_init and log_set_fd: startup or tests only).
 *
 *	log_info("reloading after %s", why);		   msg="..."
 *	log_infokv("Loading configuration file", "file", path, NULL);
 *	log_debugkv("", "externalURL", url, NULL);	   no msg
 */
#ifndef ALERTD_ALERTD_LOG_H
#define ALERTD_ALERTD_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_LOGFMT, LOG_JSON };

/* Startup, before threads. */
void	log_init(enum log_level level, enum log_format format);
/* "debug", "info", "warn", "error"; returns -1 for anything else. */
int	log_parse_level(const char *s, enum log_level *level);
int	log_parse_format(const char *s, enum log_format *format);
/* Thread-local component name; the string must outlive the thread. */
void	log_set_component(const char *component);
bool	log_enabled(enum log_level level);
/* Redirect output (tests); fd -1 restores stderr. */
void	log_set_fd(int fd);

void	log_msgf(enum log_level level, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Key/value pairs after msg, NULL-terminated; values may be NULL (""). */
void	log_kv(enum log_level level, const char *file, int line,
	    const char *msg, ...) __attribute__((sentinel));

#define LOG_AT_(lvl, fn, ...) do {					\
	if (log_enabled(lvl))						\
		fn(lvl, __FILE__, __LINE__, __VA_ARGS__);		\
} while (0)
#define log_debug(...)	LOG_AT_(LOG_DEBUG, log_msgf, __VA_ARGS__)
#define log_info(...)	LOG_AT_(LOG_INFO, log_msgf, __VA_ARGS__)
#define log_warn(...)	LOG_AT_(LOG_WARN, log_msgf, __VA_ARGS__)
#define log_error(...)	LOG_AT_(LOG_ERROR, log_msgf, __VA_ARGS__)
#define log_debugkv(...) LOG_AT_(LOG_DEBUG, log_kv, __VA_ARGS__)
#define log_infokv(...)	LOG_AT_(LOG_INFO, log_kv, __VA_ARGS__)
#define log_warnkv(...)	LOG_AT_(LOG_WARN, log_kv, __VA_ARGS__)
#define log_errorkv(...) LOG_AT_(LOG_ERROR, log_kv, __VA_ARGS__)

/* Startup only: log at error level and exit(1). */
void	fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif

/*
 * nsend: helpers for the sending half of the integrations, the C side of
 * Alertmanager's notify/util.go and of the few Go library behaviours the
 * notifiers lean on:
 *  - notify.TmplText / TmplHTML: field rendering where the first error
 *    sticks and later fields render as "" (struct nsend_tmpl);
 *  - notify.TruncateInRunes and its "…" marker;
 *  - notify.Key.Hash: the hex SHA-256 of the group key (dedup keys,
 *    aliases, entity ids);
 *  - net/url: Copy, `Path +=`, Query/Set/Encode and String() on a URL
 *    (struct nsend_url; the rest of net/url is alertd/gourl.h);
 *  - encoding/json of a map[string]string (keys sorted bytewise);
 *  - alecthomas/units MetricBytes.String() ("512KB").
 * Thread: any (no shared state).
 */
#ifndef ALERTD_NOTIFIERS_NSEND_H
#define ALERTD_NOTIFIERS_NSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/buf.h"

struct ad_err;
struct gourl_values;
struct notify_ctx;
struct tmpl_data;
struct tmpl_set;

/*
 * Renders fields for one notification.  init builds the template data
 * from ctx (as notify.GetTemplateData) and borrows err; each
 * nsend_text/nsend_html returns a string owned by t (never NULL).  After
 * the first failure, err holds Go's message and every later call returns
 * "" (check t->failed once at the end, as Alertmanager checks tmplErr).
 * A NULL text renders as "".
 */
struct nsend_tmpl {
	const struct tmpl_set	*ts;
	struct tmpl_data	*data;		/* owned */
	struct ad_err		*err;		/* borrowed */
	bool			 failed;
	char			**strs;		/* owned results */
	size_t			 n_strs;
};

void		 nsend_tmpl_init(struct nsend_tmpl *t, const struct notify_ctx *ctx,
		    struct ad_err *err);
const char	*nsend_text(struct nsend_tmpl *t, const char *text);
const char	*nsend_html(struct nsend_tmpl *t, const char *text);
/* A string owned by t (a copy of s), for fields built by hand. */
const char	*nsend_keep(struct nsend_tmpl *t, char *s);	/* takes s */
void		 nsend_tmpl_release(struct nsend_tmpl *t);

/*
 * notify.TruncateInRunes(s, n): when s has more than n runes, the first
 * n - 1 followed by "…" (the first n, no marker, when n <= 3), each
 * invalid byte of the kept part as U+FFFD (Go's []rune conversion).
 * Appends the result to out; returns whether s was cut.
 */
bool		 nsend_truncate_runes(struct buf *out, const char *s, size_t n);

/*
 * strings.TrimSpace: s[0..*len) without leading and trailing white space
 * (Unicode's White_Space, as unicode.IsSpace); returns the start and
 * sets *len.
 */
const char	*nsend_trim_space(const char *s, size_t *len);

/* notify.Key.Hash: lower-case hex SHA-256 (nsigv4_sha256) of key,
 * NUL-terminated. */
#define NSEND_KEY_HASH_LEN	(2 * 32 + 1)
void		 nsend_key_hash(const char *key, char out[NSEND_KEY_HASH_LEN]);

/*
 * A URL taken from the configuration, to be changed as Alertmanager's
 * notifiers change their copy of it: parse (the string as url.Parse then
 * String() would give it), append to the path, change the query, then
 * nsend_url_string, which escapes the path as URL.EscapedPath does for a
 * path that was changed.
 */
struct nsend_url {
	struct buf	head;		/* "scheme://authority" */
	struct buf	path;		/* decoded */
	struct buf	query;		/* RawQuery */
	struct buf	frag;		/* "#..." as written, or "" */
};
void		 nsend_url_parse(struct nsend_url *u, const char *raw);
void		 nsend_url_path_add(struct nsend_url *u, const char *s);
/* q := u.Query(); q.Set(k, v); u.RawQuery = q.Encode() */
void		 nsend_url_query_set(struct nsend_url *u, const char *k,
		    const char *v);
/* u.RawQuery = q.Encode() */
void		 nsend_url_query_replace(struct nsend_url *u,
		    const struct gourl_values *q);
char		*nsend_url_string(const struct nsend_url *u);	/* owned */
void		 nsend_url_release(struct nsend_url *u);

/* A map[string]string as encoding/json writes it (keys sorted). */
void		 nsend_json_map(struct buf *b, char *const *keys,
		    char *const *values, size_t n);

/*
 * os.ReadFile of a small secret file (at most NSEND_FILE_MAX bytes),
 * strings.TrimSpace'd when trim.  NULL with Go's error text
 * ("open /x: no such file or directory").  Owned.
 */
#define NSEND_FILE_MAX	(64 * 1024)
char		*nsend_read_file(const char *path, bool trim,
		    struct ad_err *err);

/* units.MetricBytes(n).String(): 512000 -> "512KB", 1500 -> "1KB500B". */
void		 nsend_metric_bytes(struct buf *out, int64_t n);

#endif

/*
 * tmpl: a Go text/template and html/template compatible engine with
 * Alertmanager's functions, data and default templates.
 *
 * A tmpl_set holds templates: the defaults (written for alertd, same names
 * and output as Alertmanager's default.tmpl and email.tmpl, embedded in
 * the binary) and the user's `templates:` files, added in order (a later
 * definition of a name replaces an earlier one, except by an empty one,
 * as in Go).  Load the set first (tmpl_set_add_file, tmpl_set_limits) on
 * one thread; afterwards it is immutable and every other function may be
 * called from several threads at once.
 *
 * Rendering a receiver field (Alertmanager's ExecuteTextString /
 * ExecuteHTMLString) parses the field text as a template named "" in the
 * context of the set, then executes it on a tmpl_data with
 * missingkey=zero.  Each distinct field text is parsed (and, for HTML,
 * escaped) once and cached in the set.  An empty text renders as "".
 * Alertmanager 0.25 renders these fields as HTML (tmpl_exec_html): the
 * email `html` body, pushover's `message` when `html: true`, telegram's
 * `message` when `parse_mode: HTML`; every other field as text.
 *
 * Error messages are Go's ("template: :1:5: executing \"\" at <.Foo>:
 * can't evaluate field Foo in type *template.Data"); ad_err.where holds
 * "file:line:col" for template files.  Executions are bounded (struct
 * tmpl_limits): exceeding a limit is an error, never a crash.
 */
#ifndef ALERTD_TEMPLATES_TMPL_H
#define ALERTD_TEMPLATES_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_err;
struct alert;
struct buf;
struct labels;

struct tmpl_set;

struct tmpl_limits {
	size_t		max_output;	/* bytes one execution may write */
	size_t		max_memory;	/* temporaries of one execution */
	unsigned	max_depth;	/* nested {{template}} calls */
	uint64_t	max_steps;	/* nodes evaluated by one execution */
};

/* 64 MiB output, 256 MiB memory, depth 1000, 100M steps: a group of
 * 10,000 alerts renders the default e-mail (27 MB) well within them. */
extern const struct tmpl_limits tmpl_default_limits;

/* The default templates only; NULL (err set) only if they fail to parse. */
struct tmpl_set	*tmpl_set_new(struct ad_err *err);
/* No templates at all, like amtool 0.25's `template render`. */
struct tmpl_set	*tmpl_set_new_bare(void);
/*
 * Parses one file into the set, as Go's ParseGlob does: its top-level
 * text becomes a template named after the file's base name, and each
 * {{define}} is added.  Errors: err->where = "path:line:col", err->msg is
 * Go's text ("template: x.tmpl:3: unexpected EOF").  Load time only.
 */
int		 tmpl_set_add_file(struct tmpl_set *ts, const char *path,
		    struct ad_err *err);
/* The same for a text in memory, parsed as a file named name. */
int		 tmpl_set_add_text(struct tmpl_set *ts, const char *name,
		    const char *text, size_t len, struct ad_err *err);
/* Replaces the limits (load time only). */
void		 tmpl_set_limits(struct tmpl_set *ts,
		    const struct tmpl_limits *lim);
void		 tmpl_set_free(struct tmpl_set *ts);	/* NULL is fine */

/*
 * Parses text as a field template of the set without executing it:
 * syntax errors, and {{template}} calls of names the set does not define
 * (followed through the templates the text calls).  The html variant
 * also runs html/template's escaper, whose errors are static.
 */
int		 tmpl_check(const struct tmpl_set *ts, const char *text,
		    struct ad_err *err);
int		 tmpl_check_html(const struct tmpl_set *ts, const char *text,
		    struct ad_err *err);

/* What templates see: Alertmanager's template.Data. */
struct tmpl_data;
/*
 * Builds *template.Data for a notification: receiver name (with
 * Alertmanager's regexp.QuoteMeta quirk), status at now, alerts with
 * .Firing and .Resolved, group labels, common labels and annotations,
 * external URL.  Borrows alerts and labels for the lifetime of the data.
 */
struct tmpl_data *tmpl_data_new(const char *receiver,
		    struct labels *group_labels, struct alert *const *alerts,
		    size_t n_alerts, const char *external_url, ad_time_t now);
/*
 * template.Data decoded from JSON as amtool's --template.data does
 * (a value, not a pointer).  NULL with err set on bad JSON.
 */
struct tmpl_data *tmpl_data_from_json(const char *json, size_t len,
		    struct ad_err *err);
/* amtool template render's built-in sample data (times from now). */
struct tmpl_data *tmpl_data_sample(void);
void		 tmpl_data_free(struct tmpl_data *d);	/* NULL is fine */

/*
 * ExecuteTextString / ExecuteHTMLString: appends the rendering of text to
 * out.  On error returns -1 (err set); out may hold partial output, as in
 * Go, and the caller discards it.  Thread: any.
 */
int		 tmpl_exec_text(const struct tmpl_set *ts, const char *text,
		    const struct tmpl_data *d, struct buf *out,
		    struct ad_err *err);
int		 tmpl_exec_html(const struct tmpl_set *ts, const char *text,
		    const struct tmpl_data *d, struct buf *out,
		    struct ad_err *err);

#endif

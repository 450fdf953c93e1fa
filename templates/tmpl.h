/*
 * tmpl: a Go text/template-compatible engine with Alertmanager's functions
 * and default templates (issue: templates).  THIS HEADER IS A CONTRACT
 * SKETCH: the templates module owns it and may refine it, keeping these
 * entry points.
 *
 * A tmpl_set holds the default templates (embedded in the binary) plus the
 * user's `templates:` files.  It is immutable after loading and safe to
 * execute from several threads at once.
 *
 * Rendering a receiver field (Alertmanager's ExecuteTextString /
 * ExecuteHTMLString) parses the field text as a template in the context of
 * the set, then executes it on a tmpl_data.
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

/* The default templates only. */
struct tmpl_set	*tmpl_set_new(struct ad_err *err);
/* Parses one file (path) into the set; errors name file:line:col. */
int		 tmpl_set_add_file(struct tmpl_set *ts, const char *path,
		    struct ad_err *err);
void		 tmpl_set_free(struct tmpl_set *ts);	/* NULL is fine */

/* Parses text as a field template of the set, without executing it:
 * syntax errors, and calls of templates the set does not define. */
int		 tmpl_check(const struct tmpl_set *ts, const char *text,
		    struct ad_err *err);

/* What templates see: Alertmanager's template.Data. */
struct tmpl_data;
/*
 * Builds template.Data for a notification: receiver name (with
 * Alertmanager's regexp.QuoteMeta quirk), status, alerts with .Firing and
 * .Resolved, group/common labels, common annotations, external URL.
 * Borrows alerts and labels for the lifetime of the data.
 */
struct tmpl_data *tmpl_data_new(const char *receiver,
		    struct labels *group_labels, struct alert *const *alerts,
		    size_t n_alerts, const char *external_url, ad_time_t now);
void		 tmpl_data_free(struct tmpl_data *d);

/* ExecuteTextString / ExecuteHTMLString. */
int		 tmpl_exec_text(const struct tmpl_set *ts, const char *text,
		    const struct tmpl_data *d, struct buf *out,
		    struct ad_err *err);
int		 tmpl_exec_html(const struct tmpl_set *ts, const char *text,
		    const struct tmpl_data *d, struct buf *out,
		    struct ad_err *err);

#endif

/*
 * TEMPORARY STUB -- delete when templates/ lands on main.
 *
 * Minimal tmpl_set so that config/ links and loads before the template
 * engine exists: every file and every field template is accepted.  The
 * real functions live in templates/ (templates/tmpl.h).
 */
#include "templates/tmpl.h"

#include <stdlib.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

struct tmpl_set {
	int	n_files;
};

struct tmpl_set *
tmpl_set_new(struct ad_err *err)
{
	(void)err;
	return xcalloc(1, sizeof(struct tmpl_set));
}

int
tmpl_set_add_file(struct tmpl_set *ts, const char *path, struct ad_err *err)
{
	struct buf	b;
	int		rc;

	/* The file must at least be readable, as template.ParseFiles needs. */
	buf_init(&b, 16 << 20);
	rc = buf_read_file(&b, path, err);
	buf_release(&b);
	if (rc == 0)
		ts->n_files++;
	return rc;
}

void
tmpl_set_free(struct tmpl_set *ts)
{
	free(ts);
}

int
tmpl_check(const struct tmpl_set *ts, const char *text, struct ad_err *err)
{
	(void)ts;
	(void)text;
	(void)err;
	return 0;
}

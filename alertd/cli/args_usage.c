/*
 * Help output in the layout of kingpin's CompactUsageTemplate, which
 * amtool uses: "usage:" line, the help text, Flags, Args, Commands (the
 * default subcommand marked with '*').  The texts are alertctl's own.
 */
#include "alertd/cli/args.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"

#define USAGE_WIDTH	80

/* Greedy word wrap of one paragraph line; indented lines stay as they are. */
static void
wrap_line(struct buf *out, const char *s, size_t n, size_t width,
    const char *prefix, bool *first)
{
	size_t	col = 0, w;

	if (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		if (!*first)
			buf_addstr(out, prefix);
		buf_add(out, s, n);
		buf_addch(out, '\n');
		*first = false;
		return;
	}
	while (n > 0) {
		while (n > 0 && *s == ' ')
			s++, n--;
		if (n == 0)
			break;
		for (w = 0; w < n && s[w] != ' '; w++)
			;
		if (col > 0 && col + 1 + w > width) {
			buf_addch(out, '\n');
			col = 0;
		}
		if (col == 0) {
			if (!*first)
				buf_addstr(out, prefix);
			*first = false;
		} else {
			buf_addch(out, ' ');
			col++;
		}
		buf_add(out, s, w);
		col += w;
		s += w;
		n -= w;
	}
	buf_addch(out, '\n');
}

/* Wraps text (lines and blank-line paragraphs) to width. */
static void
wrap(struct buf *out, const char *text, size_t width, const char *prefix)
{
	bool	first = true;
	size_t	n;

	while (*text != '\0') {
		n = strcspn(text, "\n");
		if (n == 0) {
			buf_addch(out, '\n');
			first = false;
		} else {
			wrap_line(out, text, n, width, prefix, &first);
		}
		text += n + (text[n] == '\n');
	}
}

static void
flag_left(struct buf *b, const struct args_flag *f, bool have_short)
{
	if (f->short_name != 0)
		buf_addf(b, "-%c, --%s", f->short_name, f->name);
	else
		buf_addf(b, "%s--%s", have_short ? "    " : "", f->name);
	if (f->type == ARGS_BOOL)
		return;
	buf_addch(b, '=');
	if (f->placeholder != NULL)
		buf_addstr(b, f->placeholder);
	else if (f->def != NULL && (f->type == ARGS_STRING))
		buf_add_goquote(b, f->def, strlen(f->def));
	else if (f->def != NULL)
		buf_addstr(b, f->def);
	else {
		const char *p;

		for (p = f->name; *p != '\0'; p++)
			buf_addch(b, toupper((unsigned char)*p));
	}
	if (f->type == ARGS_STRINGS || f->type == ARGS_EXISTING_FILES)
		buf_addstr(b, " ...");
}

struct row {
	char		*left;
	const char	*help;
};

/* kingpin's formatTwoColumns (indent 2, padding 2). */
static void
two_columns(struct buf *out, struct row *rows, size_t n)
{
	size_t	s = 0, i, len;
	char	pad[64];
	struct buf h;

	for (i = 0; i < n; i++) {
		len = strlen(rows[i].left);
		if (len > s && len < 30)
			s = len;
	}
	memset(pad, ' ', sizeof(pad));
	pad[s + 4 < sizeof(pad) ? s + 4 : sizeof(pad) - 1] = '\0';
	for (i = 0; i < n; i++) {
		len = strlen(rows[i].left);
		buf_addf(out, "  %-*s  ", (int)s, rows[i].left);
		if (len >= 30)
			buf_addf(out, "\n%s", pad);
		buf_init(&h, BUF_NOCAP);
		wrap(&h, rows[i].help != NULL ? rows[i].help : "",
		    USAGE_WIDTH - s - 4, pad);
		if (buf_len(&h) == 0)
			buf_addch(&h, '\n');
		buf_add(out, buf_str(&h), buf_len(&h));
		buf_release(&h);
		free(rows[i].left);
	}
}

static void
flag_summary(struct buf *b, const struct args_flag *flags)
{
	const struct args_flag	*f;
	size_t			 count = 0, req = 0;

	for (f = flags; f != NULL && f->name != NULL; f++) {
		if (!(f->flags & ARGS_HELP))
			count++;
		if (!(f->flags & ARGS_REQUIRED))
			continue;
		req++;
		buf_addf(b, " --%s=", f->name);
		buf_addstr(b, f->placeholder != NULL ? f->placeholder : "");
		if (f->placeholder == NULL) {
			const char *p;

			for (p = f->name; *p != '\0'; p++)
				buf_addch(b, toupper((unsigned char)*p));
		}
	}
	if (count != req)
		buf_addstr(b, " [<flags>]");
}

static void
cmd_summary(struct buf *b, const struct args_cmd *c)
{
	const struct args_arg	*a;

	flag_summary(b, c->flags);
	for (a = c->args; a != NULL && a->name != NULL; a++) {
		bool	req = a->flags & ARGS_REQUIRED;
		bool	rest = a->type == ARGS_STRINGS ||
			    a->type == ARGS_EXISTING_FILES;

		buf_addf(b, " %s<%s>%s%s", req ? "" : "[", a->name,
		    rest ? "..." : "", req ? "" : "]");
	}
}

static size_t
depth(const struct args_cmd *c)
{
	size_t		 d = 1;
	const char	*p;

	for (p = c->path; *p != '\0'; p++)
		d += *p == ' ';
	return d;
}

static void
cmd_list(struct buf *out, const struct args_app *app,
    const struct args_cmd *parent)
{
	const struct args_cmd	*c;

	for (c = app->cmds; c->path != NULL; c++) {
		if (!args_cmd_is_child(parent, c) || (c->flags_ & ARGS_HIDDEN))
			continue;
		buf_addf(out, "%*s%s%s", (int)(2 * depth(c)), "",
		    args_cmd_name(c), (c->flags_ & ARGS_DEFAULT) ? "*" : "");
		cmd_summary(out, c);
		buf_addch(out, '\n');
		cmd_list(out, app, c);
	}
}

static const struct args_cmd *
find_path(const struct args_app *app, const char *path)
{
	const struct args_cmd	*c;

	for (c = app->cmds; c->path != NULL; c++)
		if (strcmp(c->path, path) == 0)
			return c;
	return NULL;
}

static bool
any_short(const struct args_app *app, const struct args_cmd *sel)
{
	const struct args_cmd	*c;
	const struct args_flag	*f;

	for (f = app->flags; f->name != NULL; f++)
		if (f->short_name != 0)
			return true;
	for (c = app->cmds; sel != NULL && c->path != NULL; c++) {
		size_t	n = strlen(c->path);

		if (strncmp(sel->path, c->path, n) != 0 ||
		    (sel->path[n] != '\0' && sel->path[n] != ' '))
			continue;
		for (f = c->flags; f != NULL && f->name != NULL; f++)
			if (f->short_name != 0)
				return true;
	}
	return false;
}

/* The flags (global, then each command on the path) as rows. */
static size_t
flag_rows(const struct args_app *app, const struct args_cmd *sel,
    struct row *rows, size_t max)
{
	const struct args_cmd	*c;
	const struct args_flag	*f;
	bool			 hs = any_short(app, sel);
	size_t			 n = 0;
	struct buf		 b;

	for (f = app->flags; f->name != NULL && n < max; f++) {
		if (f->flags & ARGS_HIDDEN)
			continue;
		buf_init(&b, BUF_NOCAP);
		flag_left(&b, f, hs);
		rows[n].left = buf_detach(&b, NULL);
		rows[n++].help = f->help;
	}
	for (c = app->cmds; sel != NULL && c->path != NULL; c++) {
		size_t	l = strlen(c->path);

		if (strncmp(sel->path, c->path, l) != 0 ||
		    (sel->path[l] != '\0' && sel->path[l] != ' '))
			continue;
		for (f = c->flags; f != NULL && f->name != NULL && n < max;
		    f++) {
			if (f->flags & ARGS_HIDDEN)
				continue;
			buf_init(&b, BUF_NOCAP);
			flag_left(&b, f, hs);
			rows[n].left = buf_detach(&b, NULL);
			rows[n++].help = f->help;
		}
	}
	return n;
}

static void
usage_args(struct buf *out, const struct args_cmd *sel)
{
	const struct args_arg	*a;
	struct row		 rows[16];
	size_t			 n = 0;
	struct buf		 b;

	for (a = sel->args; a != NULL && a->name != NULL && n < 16; a++) {
		buf_init(&b, BUF_NOCAP);
		buf_addf(&b, (a->flags & ARGS_REQUIRED) ? "<%s>" : "[<%s>]",
		    a->name);
		rows[n].left = buf_detach(&b, NULL);
		rows[n++].help = a->help;
	}
	if (n == 0)
		return;
	buf_addstr(out, "Args:\n");
	two_columns(out, rows, n);
	buf_addch(out, '\n');
}

void
args_usage(const struct args_app *app, const char *path, struct buf *out)
{
	const struct args_cmd	*sel = *path ? find_path(app, path) : NULL;
	struct row		 rows[64];
	size_t			 n;

	buf_addf(out, "usage: %s", app->name);
	if (sel != NULL) {
		buf_addf(out, " %s", sel->path);
		cmd_summary(out, sel);
	} else {
		flag_summary(out, app->flags);
	}
	if (sel == NULL || sel->run == NULL)
		buf_addstr(out, " <command> [<args> ...]");
	buf_addch(out, '\n');
	if (sel != NULL ? sel->help != NULL : app->help != NULL) {
		buf_addch(out, '\n');
		wrap(out, sel != NULL ? sel->help : app->help, USAGE_WIDTH,
		    "");
	}
	buf_addstr(out, "\nFlags:\n");
	n = flag_rows(app, sel, rows, sizeof(rows) / sizeof(rows[0]));
	two_columns(out, rows, n);
	buf_addch(out, '\n');
	if (sel != NULL)
		usage_args(out, sel);
	if (sel != NULL && sel->run == NULL) {
		buf_addf(out, "Commands:\n  %s\n", sel->path);
		cmd_list(out, app, sel);
		buf_addch(out, '\n');
	} else if (sel == NULL) {
		buf_addstr(out, "Commands:\n");
		cmd_list(out, app, NULL);
		buf_addch(out, '\n');
	}
}

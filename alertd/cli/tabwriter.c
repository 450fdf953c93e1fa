/*
 * A re-implementation of Go's text/tabwriter for the flag set amtool uses
 * (see tabwriter.h).  The text is split into lines of cells first; a run
 * of lines up to each tab-less line (Go's flush point) is then laid out
 * column by column, recursively, the way Go's Writer.format does, so
 * ragged tables (rows with fewer cells) align exactly as amtool's do.
 */
#include "alertd/cli/tabwriter.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

#define TABW_ESCAPE	'\xff'

struct tabw_cell {
	size_t	off, size;	/* bytes in the source text */
	size_t	width;		/* runes, escapes not counted */
};

struct tabw_line {
	struct tabw_cell *cells;
	size_t		  n, alloc;
};

struct tabw {
	const char	 *text;
	struct tabw_line *lines;
	size_t		  nlines, alloc;
	size_t		 *widths;	/* one per open column */
	size_t		  nwidths;
	int		  minwidth, padding;
	char		  padchar;
	struct buf	 *out;
	int		  rc;
};

static struct tabw_line *
tabw_add_line(struct tabw *t)
{
	if (t->nlines == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->lines = xreallocarray(t->lines, t->alloc, sizeof(*t->lines));
	}
	memset(&t->lines[t->nlines], 0, sizeof(t->lines[0]));
	return &t->lines[t->nlines++];
}

static size_t
tabw_add_cell(struct tabw_line *l, const struct tabw_cell *c)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->cells = xreallocarray(l->cells, l->alloc, sizeof(*l->cells));
	}
	l->cells[l->n++] = *c;
	return l->n;
}

static void
tabw_pad(struct tabw *t, size_t textw, size_t cellw)
{
	size_t	i;

	for (i = textw; i < cellw; i++)
		t->rc |= buf_addch(t->out, t->padchar);
}

/* Go's writeLines: the last buffered line is the unterminated one. */
static void
tabw_write_lines(struct tabw *t, size_t line0, size_t line1)
{
	size_t	i, j;

	for (i = line0; i < line1; i++) {
		const struct tabw_line *l = &t->lines[i];

		for (j = 0; j < l->n; j++) {
			const struct tabw_cell *c = &l->cells[j];

			t->rc |= buf_add(t->out, t->text + c->off, c->size);
			if (j < t->nwidths)
				tabw_pad(t, c->width, t->widths[j]);
		}
		if (i + 1 != t->nlines)
			t->rc |= buf_addch(t->out, '\n');
	}
}

/* Go's Writer.format: lay out column len(widths) over [line0, line1). */
static void
tabw_layout(struct tabw *t, size_t line0, size_t line1)
{
	size_t	column = t->nwidths, this;

	for (this = line0; this < line1; this++) {
		size_t	width = (size_t)t->minwidth;

		if (column + 1 >= t->lines[this].n)
			continue;
		tabw_write_lines(t, line0, this);
		line0 = this;
		for (; this < line1; this++) {
			const struct tabw_line *l = &t->lines[this];
			size_t	w;

			if (column + 1 >= l->n)
				break;
			w = l->cells[column].width + (size_t)t->padding;
			if (w > width)
				width = w;
		}
		t->widths = xreallocarray(t->widths, column + 1,
		    sizeof(*t->widths));
		t->widths[t->nwidths++] = width;
		tabw_layout(t, line0, this);
		t->nwidths--;
		line0 = this;
	}
	tabw_write_lines(t, line0, line1);
}

/*
 * Ends the cell text[start..end) on the current line.  Its width counts
 * runes; Go's Writer does not count the two escape bytes of a segment.
 */
static size_t
tabw_end_cell(struct tabw *t, size_t start, size_t end, size_t escapes)
{
	struct tabw_cell c;

	c.off = start;
	c.size = end - start;
	c.width = utf8_runecount(t->text + start, end - start);
	c.width = c.width > 2 * escapes ? c.width - 2 * escapes : 0;
	return tabw_add_cell(&t->lines[t->nlines - 1], &c);
}

static void
tabw_flush(struct tabw *t)
{
	size_t	i;

	tabw_layout(t, 0, t->nlines);
	for (i = 0; i < t->nlines; i++)
		free(t->lines[i].cells);
	t->nlines = 0;
	tabw_add_line(t);
}

int
tabw_format(struct buf *out, const char *text, size_t len, int minwidth,
    int padding, char padchar)
{
	struct tabw	t = { .text = text, .minwidth = minwidth,
			    .padding = padding, .padchar = padchar, .out = out };
	bool		escaped = false;
	size_t		i, n, start = 0, escapes = 0;

	tabw_add_line(&t);
	for (i = 0; i < len; i++) {
		char	ch = text[i];

		if (ch == TABW_ESCAPE) {
			escapes += escaped ? 0 : 1;
			escaped = !escaped;
			continue;
		}
		if (escaped || (ch != '\t' && ch != '\v' && ch != '\n' &&
		    ch != '\f'))
			continue;
		n = tabw_end_cell(&t, start, i, escapes);
		start = i + 1;
		escapes = 0;
		if (ch == '\n' || ch == '\f') {
			tabw_add_line(&t);
			if (ch == '\f' || n == 1)
				tabw_flush(&t);
		}
	}
	if (len > start)
		tabw_end_cell(&t, start, len, escapes);
	tabw_layout(&t, 0, t.nlines);
	for (i = 0; i < t.nlines; i++)
		free(t.lines[i].cells);
	free(t.lines);
	free(t.widths);
	return t.rc != 0 ? -1 : 0;
}

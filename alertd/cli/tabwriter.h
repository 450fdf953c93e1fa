/*
 * tabw: Go's text/tabwriter, as amtool uses it to lay out its tables.
 *
 * amtool writes every row as tab-terminated cells and flushes once;
 * tabw_format() takes that whole text and returns what Go's Writer would
 * have written, byte for byte: a column is a block of consecutive lines
 * that have a cell at that index (the last cell of a line, the one not
 * ended by a tab, belongs to no column), its width is the widest cell in
 * the block plus the padding, widths count runes, and a line without any
 * tab ends every block (Go flushes there).  '\v' ends a cell like '\t',
 * '\f' ends a line and flushes, and text between two 0xff bytes is
 * escaped (kept verbatim, the 0xff bytes not counted), as in Go.
 *
 * Only what amtool uses is supported: padding with a character other than
 * '\t', left alignment, no flags.  Thread: any (pure function).
 */
#ifndef ALERTD_CLI_TABWRITER_H
#define ALERTD_CLI_TABWRITER_H

#include <stddef.h>

struct buf;

/*
 * tabwriter.NewWriter(out, minwidth, 0, padding, padchar, 0), one Write of
 * text[0..len), then Flush.  Appends to out; returns 0, or -1 when out's
 * cap is reached.
 */
int	tabw_format(struct buf *out, const char *text, size_t len,
	    int minwidth, int padding, char padchar);

#endif

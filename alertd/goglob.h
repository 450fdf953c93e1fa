/*
 * goglob: Go 1.19's path/filepath Match and Glob (and the Clean, Join and
 * Base they rely on): the `templates:` globs of alertmanager.yml
 * (config/config.c) and alertctl's `template render --template.glob`.
 *
 * glob(3) is not the same language: Go negates a class with '^' only
 * ("[!x]" is the class of '!' and 'x'), '*' matches a leading dot, a
 * malformed pattern is an error ("syntax error in pattern") rather than
 * literal text, and Glob returns the matches of each directory sorted
 * byte-wise, joined with the directory and cleaned ("./a" is "a").  Go's
 * quirks are kept: a pattern is checked for syntax only against the empty
 * name before matching, so "a*[" fails only once a name starting with "a"
 * is tried; I/O errors while reading directories are ignored.
 * Thread: any (reads the file system).
 */
#ifndef ALERTD_ALERTD_GOGLOB_H
#define ALERTD_ALERTD_GOGLOB_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;

/* Go's filepath.ErrBadPattern text. */
#define GOGLOB_EBADPATTERN	"syntax error in pattern"

/* filepath.Match(pattern, name): 0 with *matched, or -1 on a bad pattern. */
int	goglob_match(const char *pattern, const char *name, bool *matched,
	    struct ad_err *err);

/* The matches of one Glob call (owned strings, in Go's order). */
struct goglob {
	char	**v;
	size_t	  n;
};

/*
 * filepath.Glob(pattern): fills g (release with goglob_release; also on
 * failure) or fails with GOGLOB_EBADPATTERN.  A pattern without
 * metacharacters matches itself, unchanged, if it exists.
 */
int	goglob_glob(const char *pattern, struct goglob *g, struct ad_err *err);
void	goglob_release(struct goglob *g);

/* filepath.Clean and filepath.Base; the results are owned by the caller. */
char	*goglob_clean(const char *path);
char	*goglob_base(const char *path);

#endif

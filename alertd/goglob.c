/*
 * goglob: Go 1.19's filepath.Match and filepath.Glob on Unix (see
 * goglob.h for how they differ from glob(3)).  The matcher walks the
 * pattern as Go does, chunk by chunk (a chunk is the text between runs of
 * '*'), trying each star's possible extents left to right, so that the
 * same inputs give the same verdicts and the same errors.
 */
#include "alertd/goglob.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

/* Go's pathSeparatorsLimit: how deep Glob recurses into directories. */
#define GLOB_DEPTH_MAX	10000

/* A slice of a string, as Go's string values are. */
struct gstr {
	const char	*p;
	size_t		 n;
};

static int
bad_pattern(struct ad_err *err)
{
	return ad_err_set(err, AD_EINVAL, "%s", GOGLOB_EBADPATTERN);
}

static void
gstr_skip(struct gstr *s, size_t n)
{
	s->p += n;
	s->n -= n;
}

/* One rune of s, as utf8.DecodeRuneInString (an invalid byte is 1). */
static size_t
next_rune(const struct gstr *s, uint32_t *r)
{
	int	w = utf8_decode((const unsigned char *)s->p, s->n, r);

	return w < 0 ? 1 : (size_t)w;
}

/*
 * scanChunk: takes the leading stars and the next chunk off *pat.  A '*'
 * inside a class does not end the chunk; a backslash escapes one byte.
 */
static void
scan_chunk(struct gstr *pat, bool *star, struct gstr *chunk)
{
	bool	inrange = false;
	size_t	i;

	*star = false;
	while (pat->n > 0 && pat->p[0] == '*') {
		gstr_skip(pat, 1);
		*star = true;
	}
	for (i = 0; i < pat->n; i++) {
		if (pat->p[i] == '\\') {
			if (i + 1 < pat->n)
				i++;
		} else if (pat->p[i] == '[')
			inrange = true;
		else if (pat->p[i] == ']')
			inrange = false;
		else if (pat->p[i] == '*' && !inrange)
			break;
	}
	chunk->p = pat->p;
	chunk->n = i;
	gstr_skip(pat, i);
}

/* getEsc: one (possibly escaped) rune of a class; -1 if malformed. */
static int
get_esc(struct gstr *chunk, uint32_t *r)
{
	size_t	w;
	bool	bad;

	if (chunk->n == 0 || chunk->p[0] == '-' || chunk->p[0] == ']')
		return -1;
	if (chunk->p[0] == '\\') {
		gstr_skip(chunk, 1);
		if (chunk->n == 0)
			return -1;
	}
	w = next_rune(chunk, r);
	bad = *r == 0xFFFD && w == 1;
	gstr_skip(chunk, w);
	if (chunk->n == 0 || bad)
		return -1;
	return 0;
}

/*
 * A class "[...]" at the head of chunk against the next rune of s (none
 * when *failed: the class is still parsed, for its syntax errors).
 */
static int
match_class(struct gstr *chunk, struct gstr *s, bool *failed)
{
	uint32_t	r = 0, lo, hi;
	bool		negated = false, match = false;
	int		nrange = 0;

	if (!*failed)
		gstr_skip(s, next_rune(s, &r));
	gstr_skip(chunk, 1);
	if (chunk->n > 0 && chunk->p[0] == '^') {
		negated = true;
		gstr_skip(chunk, 1);
	}
	for (;;) {
		if (chunk->n > 0 && chunk->p[0] == ']' && nrange > 0) {
			gstr_skip(chunk, 1);
			break;
		}
		if (get_esc(chunk, &lo) == -1)
			return -1;
		hi = lo;
		if (chunk->p[0] == '-') {
			gstr_skip(chunk, 1);
			if (get_esc(chunk, &hi) == -1)
				return -1;
		}
		if (lo <= r && r <= hi)
			match = true;
		nrange++;
	}
	if (match == negated)
		*failed = true;
	return 0;
}

/*
 * matchChunk: does chunk match a prefix of s?  Sets *ok and, if so, *rest
 * to what follows the prefix.  -1 on a malformed chunk, which is parsed
 * to its end even after a mismatch.
 */
static int
match_chunk(struct gstr chunk, struct gstr s, struct gstr *rest, bool *ok)
{
	bool		failed = false;
	uint32_t	r;

	while (chunk.n > 0) {
		if (!failed && s.n == 0)
			failed = true;
		switch (chunk.p[0]) {
		case '[':
			if (match_class(&chunk, &s, &failed) == -1)
				return -1;
			continue;
		case '?':
			if (!failed) {
				if (s.p[0] == '/')
					failed = true;
				gstr_skip(&s, next_rune(&s, &r));
			}
			gstr_skip(&chunk, 1);
			continue;
		case '\\':
			gstr_skip(&chunk, 1);
			if (chunk.n == 0)
				return -1;
			break;
		default:
			break;
		}
		if (!failed) {
			if (chunk.p[0] != s.p[0])
				failed = true;
			gstr_skip(&s, 1);
		}
		gstr_skip(&chunk, 1);
	}
	*ok = !failed;
	*rest = s;
	return 0;
}

/*
 * After a star: tries the chunk at each later position of *name up to the
 * next '/'.  1 (and *name advanced) on a match, 0 if none, -1 on error.
 */
static int
match_after_star(struct gstr chunk, bool last, struct gstr *name)
{
	struct gstr	t, from;
	bool		ok;
	size_t		i;

	for (i = 0; i < name->n && name->p[i] != '/'; i++) {
		from.p = name->p + i + 1;
		from.n = name->n - i - 1;
		if (match_chunk(chunk, from, &t, &ok) == -1)
			return -1;
		if (!ok || (last && t.n > 0))
			continue;
		*name = t;
		return 1;
	}
	return 0;
}

/* Match over a slice: 0 with *matched, or -1 on a bad pattern. */
static int
match_gstr(struct gstr pat, struct gstr s, bool *matched)
{
	struct gstr	chunk, t;
	bool		star, ok;
	int		rc;

	*matched = false;
	while (pat.n > 0) {
		scan_chunk(&pat, &star, &chunk);
		if (star && chunk.n == 0) {
			/* A trailing star matches the rest, but not a '/'. */
			*matched = memchr(s.p, '/', s.n) == NULL;
			return 0;
		}
		rc = match_chunk(chunk, s, &t, &ok);
		if (rc == 0 && ok && (t.n == 0 || pat.n > 0)) {
			s = t;
			continue;
		}
		if (rc == -1)
			return -1;
		rc = star ? match_after_star(chunk, pat.n == 0, &s) : 0;
		if (rc != 1)
			return rc;
	}
	*matched = s.n == 0;
	return 0;
}

int
goglob_match(const char *pattern, const char *name, bool *matched,
    struct ad_err *err)
{
	struct gstr	pat = { pattern, strlen(pattern) };
	struct gstr	s = { name, strlen(name) };

	if (match_gstr(pat, s, matched) == -1)
		return bad_pattern(err);
	return 0;
}

char *
goglob_clean(const char *path)
{
	size_t	n = strlen(path), r = 0, w = 0, dotdot = 0;
	bool	rooted = n > 0 && path[0] == '/';
	char	*out = xmalloc(n + 2);

	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/')
			r++;
		else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
			r++;
		else if (path[r] == '.' && path[r + 1] == '.' &&
		    (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				/* Back up to the previous separator. */
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && path[r] != '/')
				out[w++] = path[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

char *
goglob_base(const char *path)
{
	size_t		 n = strlen(path);
	const char	*slash;

	if (n == 0)
		return xstrdup(".");
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n == 0)
		return xstrdup("/");
	slash = memrchr(path, '/', n);
	if (slash != NULL) {
		n -= (size_t)(slash + 1 - path);
		path = slash + 1;
	}
	return xstrndup(path, n);
}

static void
push(struct goglob *g, char *s)
{
	g->v = xreallocarray(g->v, g->n + 1, sizeof(*g->v));
	g->v[g->n++] = s;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Readdirnames without "." and "..", sorted; NULL if dir is unreadable. */
static struct goglob *
read_names(const char *dir, struct goglob *names)
{
	struct dirent	*e;
	DIR		*d;

	d = opendir(dir);
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		push(names, xstrdup(e->d_name));
	}
	closedir(d);
	if (names->n > 0)
		qsort(names->v, names->n, sizeof(*names->v), name_cmp);
	return names;
}

/* glob(): the names of directory dir that match pattern, appended to g. */
static int
glob_dir(const char *dir, struct gstr pattern, struct goglob *g,
    struct ad_err *err)
{
	struct goglob	 names = { NULL, 0 };
	struct gstr	 name;
	struct stat	 st;
	size_t		 i;
	bool		 m;
	int		 rc = 0;
	char		*joined;

	/* I/O errors are ignored, as Go does. */
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return 0;
	if (read_names(dir, &names) == NULL)
		return 0;
	for (i = 0; i < names.n; i++) {
		name.p = names.v[i];
		name.n = strlen(name.p);
		if (match_gstr(pattern, name, &m) == -1) {
			rc = bad_pattern(err);
			break;
		}
		if (!m)
			continue;
		joined = xasprintf("%s/%s", dir, names.v[i]);
		push(g, goglob_clean(joined));
		free(joined);
	}
	goglob_release(&names);
	return rc;
}

static bool
has_meta(struct gstr path)
{
	size_t	i;

	for (i = 0; i < path.n; i++)
		if (memchr("*?[\\", path.p[i], 4) != NULL)
			return true;
	return false;
}

/*
 * globWithLimit over pattern (a prefix of the user's pattern, so that
 * recursing into the directory part copies nothing).
 */
static int
glob_depth(struct gstr pattern, int depth, struct goglob *g,
    struct ad_err *err)
{
	struct goglob	 dirs = { NULL, 0 };
	struct gstr	 dir, file, empty = { "", 0 };
	struct stat	 st;
	const char	*slash;
	char		*s;
	size_t		 i;
	bool		 m;
	int		 rc;

	if (depth == GLOB_DEPTH_MAX || match_gstr(pattern, empty, &m) == -1)
		return bad_pattern(err);
	if (!has_meta(pattern)) {
		s = xstrndup(pattern.p, pattern.n);
		if (lstat(s, &st) == 0)
			push(g, s);
		else
			free(s);
		return 0;
	}
	/* Split, then cleanGlobPath: "" is ".", "/" stays, else chop '/'. */
	slash = memrchr(pattern.p, '/', pattern.n);
	dir.p = slash == NULL ? "." : pattern.p;
	dir.n = slash == NULL ? 1 : slash == pattern.p ? 1 :
	    (size_t)(slash - pattern.p);
	file.p = slash == NULL ? pattern.p : slash + 1;
	file.n = pattern.n - (size_t)(file.p - pattern.p);
	if (!has_meta(dir)) {
		s = xstrndup(dir.p, dir.n);
		rc = glob_dir(s, file, g, err);
		free(s);
		return rc;
	}
	rc = glob_depth(dir, depth + 1, &dirs, err);
	for (i = 0; rc == 0 && i < dirs.n; i++)
		rc = glob_dir(dirs.v[i], file, g, err);
	goglob_release(&dirs);
	return rc;
}

int
goglob_glob(const char *pattern, struct goglob *g, struct ad_err *err)
{
	struct gstr	pat = { pattern, strlen(pattern) };

	g->v = NULL;
	g->n = 0;
	return glob_depth(pat, 0, g, err);
}
void
goglob_release(struct goglob *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		free(g->v[i]);
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

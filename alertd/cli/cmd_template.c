/*
 * template render: amtool 0.25's `template render`.  The files matching
 * each --template.glob (Go's filepath.Glob, in order; a glob matching
 * nothing is fine) are parsed into a set that has no default templates,
 * each file as a template named after its base name; then
 * --template.text is executed as template "" with --template.data's JSON
 * (or amtool's built-in sample) as text or, with --template.type=html, as
 * html/template.  The rendering is printed as is; errors are Go's texts.
 *
 * Beyond amtool: --template.defaults first loads alertd's default
 * templates (the ones the daemon renders notifications with), and then
 * --template.glob may be omitted.
 */
#include "alertd/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/api_jscan.h"
#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/goglob.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "templates/tmpl.h"

/* amtool reads files whole; alertctl caps them. */
#define RENDER_FILE_MAX	((size_t)64 << 20)

/* os.ReadFile(path) with Go's error texts ("read d: is a directory"). */
static int
read_file(const char *path, struct buf *b, struct ad_err *err)
{
	char	chunk[65536], ebuf[128];
	ssize_t	n;
	int	fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return ad_err_set(err, AD_EIO, "open %s: %s", path,
		    args_strerror(errno, ebuf, sizeof(ebuf)));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf_add(b, chunk, (size_t)n) == -1) {
			if (n == -1)
				ad_err_set(err, AD_EIO, "read %s: %s", path,
				    args_strerror(errno, ebuf, sizeof(ebuf)));
			else
				ad_err_set(err, AD_ELIMIT, "read %s: file too "
				    "large (alertctl reads at most %zu MiB)",
				    path, RENDER_FILE_MAX >> 20);
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

/* template.ParseFiles for one file: the template takes its base name. */
static int
add_file(struct tmpl_set *ts, const char *path, struct ad_err *err)
{
	struct buf	 b;
	char		*name;
	int		 rc = -1;

	buf_init(&b, RENDER_FILE_MAX);
	if (read_file(path, &b, err) == -1)
		goto out;
	name = goglob_base(path);
	rc = tmpl_set_add_text(ts, name, buf_str(&b), buf_len(&b), err);
	free(name);
out:
	buf_release(&b);
	return rc;
}

/* template.FromGlobs("", globs...). */
static int
add_globs(struct tmpl_set *ts, char *const *globs, size_t n,
    struct ad_err *err)
{
	struct goglob	g;
	size_t		i, j;
	int		rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		rc = goglob_glob(globs[i], &g, err);
		for (j = 0; rc == 0 && j < g.n; j++)
			rc = add_file(ts, g.v[j], err);
		goglob_release(&g);
	}
	return rc;
}

static int
hex4(const char *p, size_t n)
{
	int	v = 0, i, d;

	if (n < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
		    p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10 :
		    p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * One escape or byte of a string at p: appended to out as jansson can
 * read it with Go's meaning.  Returns the number of bytes consumed.
 */
static size_t
normalize_one(const char *p, size_t n, struct buf *out)
{
	uint32_t	r;
	int		w, hi, lo;

	if (p[0] == '\\' && p[1] == 'u') {
		hi = hex4(p, n);
		lo = hex4(p + 6, n - 6);
		if (hi >= 0xd800 && hi < 0xdc00 && lo >= 0xdc00 &&
		    lo < 0xe000) {
			buf_add(out, p, 12);
			return 12;
		}
		if (hi >= 0xd800 && hi < 0xe000) {
			buf_addstr(out, "\\ufffd");
			return 6;
		}
		buf_add(out, p, 6);
		return 6;
	}
	if (p[0] == '\\') {
		buf_add(out, p, 2);
		return 2;
	}
	w = utf8_decode((const unsigned char *)p, n, &r);
	if (w < 0) {
		buf_addstr(out, "\xef\xbf\xbd");
		return 1;
	}
	buf_add(out, p, (size_t)w);
	return (size_t)w;
}

/*
 * Go decodes an invalid UTF-8 byte in a JSON string, and an unpaired
 * surrogate escape, as U+FFFD; jansson refuses both.  b holds valid JSON
 * (api_jscan_check_valid), so bytes outside strings need no care.
 */
static void
normalize_strings(struct buf *b)
{
	struct buf	 fixed;
	const char	*p = buf_str(b);
	size_t		 len = buf_len(b), i = 0;
	bool		 in_str = false;

	buf_init(&fixed, BUF_NOCAP);
	while (i < len) {
		if (p[i] == '"') {
			in_str = !in_str;
			buf_addch(&fixed, '"');
			i++;
		} else if (in_str)
			i += normalize_one(p + i, len - i, &fixed);
		else
			buf_addch(&fixed, p[i++]);
	}
	buf_release(b);
	*b = fixed;
}

/* --template.data's JSON as template.Data (json.Unmarshal). */
static struct tmpl_data *
load_data(const char *path, struct ad_err *err)
{
	struct tmpl_data	*d = NULL;
	struct buf		 b;

	buf_init(&b, RENDER_FILE_MAX);
	if (read_file(path, &b, err) == -1 ||
	    api_jscan_check_valid(buf_str(&b), buf_len(&b), err) == -1)
		goto out;
	normalize_strings(&b);
	d = tmpl_data_from_json(buf_str(&b), buf_len(&b), err);
out:
	buf_release(&b);
	return d;
}

static int
render(struct args_ctx *ctx, struct tmpl_set *ts, struct buf *out,
    struct ad_err *err)
{
	char *const		*globs;
	const char		*type = args_get(ctx, "template.type");
	struct tmpl_data	*d;
	size_t			 n;
	int			 rc;

	globs = args_list(ctx, "template.glob", &n);
	if (add_globs(ts, globs, n, err) == -1)
		return -1;
	if (args_get(ctx, "template.data") == NULL)
		d = tmpl_data_sample();
	else
		d = load_data(args_get(ctx, "template.data"), err);
	if (d == NULL)
		return -1;
	if (type != NULL && strcmp(type, "html") == 0)
		rc = tmpl_exec_html(ts, args_get(ctx, "template.text"), d, out,
		    err);
	else
		rc = tmpl_exec_text(ts, args_get(ctx, "template.text"), d, out,
		    err);
	tmpl_data_free(d);
	return rc;
}

int
cmd_template_render(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct tmpl_set	*ts;
	struct ad_err	 err = { 0 };
	struct buf	 out;
	size_t		 n;
	int		 rc;

	/*
	 * kingpin checks required flags last, just before the action: this
	 * is that check, relaxed by --template.defaults.
	 */
	(void)args_list(ctx, "template.glob", &n);
	if (n == 0 && !args_bool(ctx, "template.defaults"))
		return cli_errorf(c, "required flag --template.glob not "
		    "provided");
	if (args_bool(ctx, "template.defaults"))
		ts = tmpl_set_new(&err);
	else
		ts = tmpl_set_new_bare();
	if (ts == NULL)
		return cli_error(c, &err);
	buf_init(&out, BUF_NOCAP);
	rc = render(ctx, ts, &out, &err);
	if (rc == 0)
		cli_print(&out);	/* fmt.Print: no newline added */
	else
		rc = cli_error(c, &err);
	buf_release(&out);
	tmpl_set_free(ts);
	return rc;
}

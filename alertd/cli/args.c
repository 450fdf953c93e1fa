/*
 * Command-line parsing after kingpin v2 (see args.h).  The parser keeps
 * kingpin's shape on purpose: a tokenizer with a push-back stack (Peek
 * pushes, a failed flag pushes its lookahead again), a loop that matches
 * flags, commands and arguments into a list of elements, then defaults,
 * values, pre-actions (--version, --help-long), help, required checks.
 * amtool's odd corners follow from that shape and are kept: "silence
 * --output" runs "silence query" with the default output (the flag lost
 * its value and the default subcommand swallowed the error), and
 * "silence --output --expired" fails with "flag 'expired' cannot be
 * repeated" (the lookahead was pushed twice).
 */
#include "alertd/cli/args.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/gourl.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

enum tok_type { TOK_SHORT, TOK_LONG, TOK_ARG, TOK_ERROR, TOK_EOL };

struct tok {
	enum tok_type	 type;
	const char	*value;		/* owned by the parser's pool */
};

enum elem_kind { ELEM_FLAG, ELEM_ARG, ELEM_CMD };

struct elem {
	enum elem_kind		 kind;
	bool			 by_default;	/* command chosen as default */
	const struct args_flag	*flag;
	const struct args_arg	*arg;
	const struct args_cmd	*cmd;
	const char		*value;
};

struct ctx_flag {
	const struct args_flag	*flag;
	const struct args_cmd	*owner;		/* NULL: global */
};

struct parser {
	const struct args_app	*app;
	char			**args;		/* remaining input, pooled */
	size_t			  nargs, argi;
	struct tok		 *peek;
	size_t			  npeek, apeek;
	bool			  args_only;
	bool			  ignore_default;
	struct ctx_flag		 *flags;
	size_t			  nflags;
	const struct args_arg	**cargs;
	size_t			  ncargs, argumenti;
	struct elem		 *elems;
	size_t			  nelems;
	const struct args_cmd	 *cur;		/* NULL: the application */
	char			**pool;
	size_t			  npool;
};

static const char *
pool_add(struct parser *p, char *s)
{
	p->pool = xreallocarray(p->pool, p->npool + 1, sizeof(*p->pool));
	p->pool[p->npool++] = s;
	return s;
}

static void
parser_release(struct parser *p)
{
	size_t	i;

	for (i = 0; i < p->npool; i++)
		free(p->pool[i]);
	free(p->pool);
	free(p->args);
	free(p->peek);
	free(p->flags);
	free(p->cargs);
	free(p->elems);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------- the table */

const char *
args_cmd_name(const struct args_cmd *c)
{
	const char	*sp = strrchr(c->path, ' ');

	return sp != NULL ? sp + 1 : c->path;
}

bool
args_cmd_is_child(const struct args_cmd *parent, const struct args_cmd *c)
{
	size_t	plen;

	if (parent == NULL)
		return strchr(c->path, ' ') == NULL;
	plen = strlen(parent->path);
	return strncmp(c->path, parent->path, plen) == 0 &&
	    c->path[plen] == ' ' && strchr(c->path + plen + 1, ' ') == NULL;
}

static bool
has_children(const struct args_app *app, const struct args_cmd *parent)
{
	const struct args_cmd	*c;

	for (c = app->cmds; c->path != NULL; c++)
		if (args_cmd_is_child(parent, c))
			return true;
	return false;
}

static const struct args_cmd *
find_child(const struct args_app *app, const struct args_cmd *parent,
    const char *name)
{
	const struct args_cmd	*c;

	for (c = app->cmds; c->path != NULL; c++)
		if (args_cmd_is_child(parent, c) &&
		    strcmp(args_cmd_name(c), name) == 0)
			return c;
	return NULL;
}

/* The parent command of c (NULL for a top-level command). */
static const struct args_cmd *
find_path_cmd(const struct args_app *app, const struct args_cmd *c)
{
	const struct args_cmd	*x;

	for (x = app->cmds; x->path != NULL; x++)
		if (args_cmd_is_child(x, c))
			return x;
	return NULL;
}

static const struct args_cmd *
default_child(const struct args_app *app, const struct args_cmd *parent)
{
	const struct args_cmd	*c;

	for (c = app->cmds; c->path != NULL; c++)
		if (args_cmd_is_child(parent, c) && (c->flags_ & ARGS_DEFAULT))
			return c;
	return NULL;
}

/* ----------------------------------------------------- the context */

static void
merge_flags(struct parser *p, const struct args_flag *flags,
    const struct args_cmd *owner)
{
	const struct args_flag	*f;

	for (f = flags; f != NULL && f->name != NULL; f++) {
		p->flags = xreallocarray(p->flags, p->nflags + 1,
		    sizeof(*p->flags));
		p->flags[p->nflags].flag = f;
		p->flags[p->nflags].owner = owner;
		p->nflags++;
	}
}

static const struct args_flag *
lookup_long(const struct parser *p, const char *name)
{
	size_t	i;

	for (i = p->nflags; i-- > 0;)
		if (strcmp(p->flags[i].flag->name, name) == 0)
			return p->flags[i].flag;
	return NULL;
}

static const struct args_flag *
lookup_short(const struct parser *p, const char *name)
{
	size_t	i;

	if (name[0] == '\0' || name[1] != '\0')
		return NULL;
	for (i = p->nflags; i-- > 0;)
		if (p->flags[i].flag->short_name == name[0])
			return p->flags[i].flag;
	return NULL;
}

static void
add_elem(struct parser *p, enum elem_kind kind, const void *clause,
    const char *value)
{
	struct elem	*e;

	p->elems = xreallocarray(p->elems, p->nelems + 1, sizeof(*p->elems));
	e = &p->elems[p->nelems++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->value = value;
	if (kind == ELEM_FLAG)
		e->flag = clause;
	else if (kind == ELEM_ARG)
		e->arg = clause;
	else
		e->cmd = clause;
}

static void
matched_cmd(struct parser *p, const struct args_cmd *c)
{
	const struct args_arg	*a;

	add_elem(p, ELEM_CMD, c, NULL);
	merge_flags(p, c->flags, c);
	for (a = c->args; a != NULL && a->name != NULL; a++) {
		p->cargs = xreallocarray(p->cargs, p->ncargs + 1,
		    sizeof(*p->cargs));
		p->cargs[p->ncargs++] = a;
	}
	p->cur = c;
}

static bool
remainder_arg(const struct args_arg *a)
{
	return a->type == ARGS_STRINGS || a->type == ARGS_EXISTING_FILES;
}

static const struct args_arg *
next_arg(struct parser *p)
{
	const struct args_arg	*a;

	if (p->argumenti >= p->ncargs)
		return NULL;
	a = p->cargs[p->argumenti];
	if (!remainder_arg(a))
		p->argumenti++;
	return a;
}

/* ----------------------------------------------------- the tokens */

static struct tok
push(struct parser *p, struct tok t)
{
	if (p->npeek == p->apeek) {
		p->apeek = p->apeek ? p->apeek * 2 : 8;
		p->peek = xreallocarray(p->peek, p->apeek, sizeof(*p->peek));
	}
	p->peek[p->npeek++] = t;
	return t;
}

static void
insert_args(struct parser *p, char **v, size_t n)
{
	p->args = xreallocarray(p->args, p->nargs + n, sizeof(*p->args));
	memmove(p->args + p->argi + n, p->args + p->argi,
	    (p->nargs - p->argi) * sizeof(*p->args));
	memcpy(p->args + p->argi, v, n * sizeof(*v));
	p->nargs += n;
}

const char *
args_strerror(int e, char *buf, size_t n)
{
	snprintf(buf, n, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* kingpin's ExpandArgsFromFile: one argument per line, '#' comments. */
static int
expand_file(struct parser *p, const char *file, struct buf *msg)
{
	char	*line = NULL, **v = NULL, ebuf[128];
	size_t	 cap = 0, n = 0;
	ssize_t	 len;
	FILE	*f;

	if (*file == '\0')
		return buf_addstr(msg, "expected @ file to expand arguments "
		    "from"), -1;
	f = fopen(file, "r");
	if (f == NULL) {
		buf_addstr(msg, "failed to open arguments file ");
		buf_add_goquote(msg, file, strlen(file));
		buf_addf(msg, ": open %s: %s", file, args_strerror(errno, ebuf,
		    sizeof(ebuf)));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (line[0] == '#')
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = (char *)pool_add(p, xstrdup(line));
	}
	free(line);
	fclose(f);
	insert_args(p, v, n);
	free(v);
	return 0;
}

static struct tok	next_tok(struct parser *p);

static struct tok
tok_make(struct parser *p, enum tok_type type, const char *s, size_t n)
{
	struct tok	t = { type, pool_add(p, xstrndup(s, n)) };

	return t;
}

static struct tok
next_short(struct parser *p, const char *arg)
{
	const struct args_flag	*f;
	struct tok		 t;
	uint32_t		 r;
	size_t			 len = strlen(arg);
	int			 size;
	char			*rest;

	if (len == 1)
		return tok_make(p, TOK_SHORT, "", 0);
	size = utf8_decode((const unsigned char *)arg + 1, len - 1, &r);
	if (size < 0)
		size = 1;
	t = tok_make(p, TOK_SHORT, arg + 1, (size_t)size);
	f = lookup_short(p, t.value);
	if (f != NULL && f->type != ARGS_BOOL) {
		if (len > (size_t)size + 1)
			push(p, tok_make(p, TOK_ARG, arg + 1 + size,
			    len - 1 - (size_t)size));
		return t;
	}
	if (len > (size_t)size + 1) {
		rest = xasprintf("-%s", arg + 1 + size);
		pool_add(p, rest);
		insert_args(p, &rest, 1);
	}
	return t;
}

/* kingpin's ParseContext.Next. */
static struct tok
next_tok(struct parser *p)
{
	const char	*arg, *eq;
	struct tok	 t;
	struct buf	 msg;

	if (p->npeek > 0)
		return p->peek[--p->npeek];
	if (p->argi >= p->nargs)
		return (struct tok){ TOK_EOL, "" };
	arg = p->args[p->argi++];
	if (p->args_only)
		return (struct tok){ TOK_ARG, arg };
	if (strcmp(arg, "--") == 0) {
		p->args_only = true;
		return next_tok(p);
	}
	if (strncmp(arg, "--", 2) == 0) {
		eq = strchr(arg + 2, '=');
		if (eq == NULL)
			return (struct tok){ TOK_LONG, arg + 2 };
		t = tok_make(p, TOK_LONG, arg + 2, (size_t)(eq - arg - 2));
		push(p, (struct tok){ TOK_ARG, eq + 1 });
		return t;
	}
	if (arg[0] == '-')
		return next_short(p, arg);
	if (arg[0] == '@') {
		buf_init(&msg, BUF_NOCAP);
		if (expand_file(p, arg + 1, &msg) == -1) {
			t = (struct tok){ TOK_ERROR,
			    pool_add(p, buf_detach(&msg, NULL)) };
			buf_release(&msg);
			return t;
		}
		buf_release(&msg);
		return next_tok(p);
	}
	return (struct tok){ TOK_ARG, arg };
}

static struct tok
peek_tok(struct parser *p)
{
	if (p->npeek == 0)
		return push(p, next_tok(p));
	return p->peek[p->npeek - 1];
}

static void
tok_string(const struct tok *t, struct buf *b)
{
	switch (t->type) {
	case TOK_SHORT:	buf_addf(b, "-%s", t->value); break;
	case TOK_LONG:	buf_addf(b, "--%s", t->value); break;
	case TOK_ARG:	buf_addstr(b, t->value); break;
	case TOK_ERROR:	buf_addf(b, "error: %s", t->value); break;
	case TOK_EOL:	buf_addstr(b, "<EOL>"); break;
	}
}

/* --------------------------------------------------------- parsing */

static int
flag_error(struct ad_err *err, const char *what, const struct tok *t)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	tok_string(t, &b);
	ad_err_set(err, AD_EINVAL, "%s '%s'", what, buf_str(&b));
	buf_release(&b);
	return -1;
}

/* kingpin's flagGroup.parse: one flag; *found is the flag. */
static int
parse_flag(struct parser *p, const struct args_flag **found,
    struct ad_err *err)
{
	const struct args_flag	*f;
	struct tok		 ft = peek_tok(p), vt;
	const char		*name = ft.value;
	bool			 invert = false;

	if (ft.type == TOK_LONG) {
		f = lookup_long(p, name);
		if (f == NULL && strncmp(name, "no-", 3) == 0) {
			f = lookup_long(p, name + 3);
			invert = true;
		}
		if (f == NULL)
			return flag_error(err, "unknown long flag", &ft);
	} else {
		f = lookup_short(p, name);
		if (f == NULL)
			return flag_error(err, "unknown short flag", &ft);
	}
	next_tok(p);
	if (f->type == ARGS_BOOL) {
		add_elem(p, ELEM_FLAG, f, invert ? "false" : "true");
		*found = f;
		return 0;
	}
	if (invert) {
		push(p, ft);
		return flag_error(err, "unknown long flag", &ft);
	}
	vt = peek_tok(p);
	if (vt.type != TOK_ARG) {
		push(p, vt);
		return flag_error(err, "expected argument for flag", &ft);
	}
	next_tok(p);
	add_elem(p, ELEM_FLAG, f, vt.value);
	*found = f;
	return 0;
}

static int
parse_word(struct parser *p, const struct tok *t, bool *stop,
    struct ad_err *err)
{
	const struct args_cmd	*c;
	const struct args_arg	*a;
	bool			 by_default = false;
	struct buf		 b;

	if (has_children(p->app, p->cur)) {
		c = find_child(p->app, p->cur, t->value);
		if (c == NULL && !p->ignore_default) {
			c = default_child(p->app, p->cur);
			by_default = c != NULL;
		}
		if (c == NULL) {
			buf_init(&b, BUF_NOCAP);
			buf_add_goquote(&b, t->value, strlen(t->value));
			ad_err_set(err, AD_EINVAL, "expected command but got %s",
			    buf_str(&b));
			buf_release(&b);
			return -1;
		}
		if (c->flags_ & ARGS_HELP)
			p->ignore_default = true;
		matched_cmd(p, c);
		if (!by_default)
			next_tok(p);
		return 0;
	}
	a = next_arg(p);
	if (a == NULL) {
		*stop = true;
		return 0;
	}
	add_elem(p, ELEM_ARG, a, t->value);
	next_tok(p);
	return 0;
}

/* kingpin's parse(). */
static int
parse(struct parser *p, struct ad_err *err)
{
	const struct args_flag	*f;
	const struct args_cmd	*d;
	struct tok		 t;
	bool			 stop = false;
	struct buf		 b;

	merge_flags(p, p->app->flags, NULL);
	while (!stop) {
		t = peek_tok(p);
		if (t.type == TOK_EOL || t.type == TOK_ERROR)
			break;
		if (t.type == TOK_ARG) {
			if (parse_word(p, &t, &stop, err) == -1)
				return -1;
			continue;
		}
		f = NULL;
		if (parse_flag(p, &f, err) == -1) {
			d = p->ignore_default ? NULL :
			    default_child(p->app, p->cur);
			if (d == NULL)
				return -1;
			matched_cmd(p, d);
			p->elems[p->nelems - 1].by_default = true;
			continue;
		}
		if (f->flags & ARGS_HELP)
			p->ignore_default = true;
	}
	while (!p->ignore_default) {
		d = default_child(p->app, p->cur);
		if (d == NULL)
			break;
		matched_cmd(p, d);
		p->elems[p->nelems - 1].by_default = true;
	}
	t = peek_tok(p);
	if (t.type == TOK_ERROR)
		return ad_err_set(err, AD_EINVAL, "%s", t.value);
	if (t.type != TOK_EOL) {
		buf_init(&b, BUF_NOCAP);
		tok_string(&t, &b);
		ad_err_set(err, AD_EINVAL, "unexpected %s", buf_str(&b));
		buf_release(&b);
		return -1;
	}
	return 0;
}

static void
parser_init(struct parser *p, const struct args_app *app, int argc,
    char **argv, bool ignore_default)
{
	int	i;

	memset(p, 0, sizeof(*p));
	p->app = app;
	p->ignore_default = ignore_default;
	p->args = xcalloc((size_t)argc + 1, sizeof(*p->args));
	for (i = 0; i < argc; i++)
		p->args[i] = (char *)pool_add(p, xstrdup(argv[i]));
	p->nargs = (size_t)argc;
}

/* ---------------------------------------------------------- values */

int
args_parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true",
	    "True", NULL };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false",
	    "False", NULL };
	size_t	i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(s, yes[i]) == 0)
			return *v = true, 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(s, no[i]) == 0)
			return *v = false, 0;
	return -1;
}

static int
strconv_error(struct ad_err *err, const char *fn, const char *s,
    const char *why)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_add_goquote(&b, s, strlen(s));
	ad_err_set(err, AD_EINVAL, "strconv.%s: parsing %s: %s", fn,
	    buf_str(&b), why);
	buf_release(&b);
	return -1;
}

/* time.ParseDuration's three messages. */
static int
duration_error(const char *s, struct ad_err *err)
{
	const char	*p = s;
	struct buf	 b, q;

	buf_init(&b, BUF_NOCAP);
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, s, strlen(s));
	if (*p == '-' || *p == '+')
		p++;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if (p != s && *p == '\0' && strcmp(s, "-") != 0 &&
	    strcmp(s, "+") != 0 && strcmp(s, ".") != 0)
		buf_addf(&b, "time: missing unit in duration %s", buf_str(&q));
	else if (p != s && p[-1] >= '0' && p[-1] <= '9' && *p != '\0') {
		size_t	n = strcspn(p, "0123456789.");

		buf_addstr(&b, "time: unknown unit ");
		buf_add_goquote(&b, p, n);
		buf_addf(&b, " in duration %s", buf_str(&q));
	} else
		buf_addf(&b, "time: invalid duration %s", buf_str(&q));
	ad_err_set(err, AD_EINVAL, "%s", buf_str(&b));
	buf_release(&b);
	buf_release(&q);
	return -1;
}

static int
check_file(const char *value, bool must_open, struct ad_err *err)
{
	struct stat	st;
	const char	*base;
	char		ebuf[128];
	size_t		len;
	int		fd;

	if (must_open) {
		fd = open(value, O_RDONLY | O_CLOEXEC);
		if (fd == -1)
			return ad_err_set(err, AD_EIO, "open %s: %s", value,
			    args_strerror(errno, ebuf, sizeof(ebuf)));
		close(fd);
		return 0;
	}
	if (stat(value, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ad_err_set(err, AD_EINVAL,
			    "path '%s' does not exist", value);
		return ad_err_set(err, AD_EIO, "stat %s: %s", value,
		    args_strerror(errno, ebuf, sizeof(ebuf)));
	}
	if (S_ISDIR(st.st_mode)) {
		/* FileInfo.Name(): filepath.Base of the path. */
		len = strlen(value);
		while (len > 1 && value[len - 1] == '/')
			len--;
		base = memrchr(value, '/', len);
		if (base != NULL && len > 1)
			base++;
		else
			base = value;
		return ad_err_set(err, AD_EINVAL, "'%.*s' is a directory",
		    (int)(len - (size_t)(base - value)), base);
	}
	return 0;
}

static int
check_enum(const char *choices, const char *value, struct ad_err *err)
{
	const char	*c = choices;
	size_t		 n, vlen = strlen(value);

	while (*c != '\0') {
		n = strcspn(c, ",");
		if (n == vlen && strncmp(c, value, n) == 0)
			return 0;
		c += n + (c[n] == ',');
	}
	return ad_err_set(err, AD_EINVAL,
	    "enum value must be one of %s, got '%s'", choices, value);
}

int
args_check_value(enum args_type type, const char *choices, const char *value,
    struct ad_err *err)
{
	struct gourl	u;
	ad_dur_t	d;
	bool		b;
	char		*end;

	switch (type) {
	case ARGS_BOOL:
		if (args_parse_bool(value, &b) == -1)
			return strconv_error(err, "ParseBool", value,
			    "invalid syntax");
		return 0;
	case ARGS_DURATION:
		if (dur_parse_go(value, &d, NULL) == -1)
			return duration_error(value, err);
		return 0;
	case ARGS_ENUM:
		return check_enum(choices, value, err);
	case ARGS_URL:
		if (gourl_parse(value, &u, err) == -1) {
			ad_err_prefix(err, "invalid URL");
			return -1;
		}
		gourl_release(&u);
		return 0;
	case ARGS_EXISTING_FILE:
	case ARGS_EXISTING_FILES:
		return check_file(value, false, err);
	case ARGS_FILE:
		return check_file(value, true, err);
	case ARGS_INT:
		errno = 0;
		(void)strtod(value, &end);
		if (*value == '\0' || *end != '\0')
			return strconv_error(err, "ParseFloat", value,
			    "invalid syntax");
		if (errno == ERANGE)
			return strconv_error(err, "ParseFloat", value,
			    "value out of range");
		return 0;
	default:
		return 0;
	}
}

/* ------------------------------------------------------ the result */

static struct args_value *
ctx_value(struct args_ctx *ctx, const char *name)
{
	size_t	i;

	for (i = 0; i < ctx->nvals; i++)
		if (strcmp(ctx->vals[i].name, name) == 0)
			return &ctx->vals[i];
	return NULL;
}

static void
value_add(struct args_value *v, const char *s)
{
	v->v = xreallocarray(v->v, v->n + 2, sizeof(*v->v));
	v->v[v->n++] = xstrdup(s);
	v->v[v->n] = NULL;
}

static struct args_value *
ctx_add(struct args_ctx *ctx, const char *name, const struct args_flag *f,
    const struct args_arg *a)
{
	struct args_value	*v;

	ctx->vals = xreallocarray(ctx->vals, ctx->nvals + 1,
	    sizeof(*ctx->vals));
	v = &ctx->vals[ctx->nvals++];
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->flag = f;
	v->arg = a;
	return v;
}

void
args_ctx_release(struct args_ctx *ctx)
{
	size_t	i, j;

	for (i = 0; i < ctx->nvals; i++) {
		for (j = 0; j < ctx->vals[i].n; j++)
			free(ctx->vals[i].v[j]);
		free(ctx->vals[i].v);
	}
	free(ctx->vals);
	memset(ctx, 0, sizeof(*ctx));
}

const char *
args_get(const struct args_ctx *ctx, const char *name)
{
	struct args_value	*v = ctx_value((struct args_ctx *)ctx, name);

	return v != NULL && v->n > 0 ? v->v[v->n - 1] : NULL;
}

char *const *
args_list(const struct args_ctx *ctx, const char *name, size_t *n)
{
	static char		*none[] = { NULL };
	struct args_value	*v = ctx_value((struct args_ctx *)ctx, name);

	*n = v != NULL ? v->n : 0;
	return v != NULL && v->n > 0 ? v->v : none;
}

bool
args_bool(const struct args_ctx *ctx, const char *name)
{
	const char	*s = args_get(ctx, name);
	bool		 b = false;

	if (s != NULL)
		(void)args_parse_bool(s, &b);
	return b;
}

bool
args_isset(const struct args_ctx *ctx, const char *name)
{
	struct args_value	*v = ctx_value((struct args_ctx *)ctx, name);

	return v != NULL && v->set;
}

/* The default of a flag: configuration first, as amtool's resolver. */
static const char *
flag_default(const struct parser *p, const struct ctx_flag *cf)
{
	const char	*v = NULL;

	if (p->app->conf != NULL && (cf->owner == NULL || cf->owner == p->cur))
		v = p->app->conf(cf->flag->name, p->app->conf_ctx);
	return v != NULL ? v : cf->flag->def;
}

static bool
elem_has_flag(const struct parser *p, const struct args_flag *f)
{
	size_t	i;

	for (i = 0; i < p->nelems; i++)
		if (p->elems[i].kind == ELEM_FLAG && p->elems[i].flag == f)
			return true;
	return false;
}

static bool
help_given(const struct parser *p)
{
	size_t	i;

	for (i = 0; i < p->nelems; i++)
		if (p->elems[i].kind == ELEM_FLAG &&
		    (p->elems[i].flag->flags & ARGS_HELP))
			return true;
	return false;
}

/* kingpin's setDefaults. */
static int
set_defaults(struct parser *p, struct args_ctx *ctx, struct ad_err *err)
{
	const struct ctx_flag	*cf;
	struct args_value	*v;
	const char		*def;
	size_t			 i;

	for (i = 0; i < p->nflags; i++) {
		cf = &p->flags[i];
		v = ctx_add(ctx, cf->flag->name, cf->flag, NULL);
		if (help_given(p) || elem_has_flag(p, cf->flag))
			continue;
		def = flag_default(p, cf);
		if (def == NULL)
			continue;
		if (args_check_value(cf->flag->type, cf->flag->choices, def,
		    err) == -1)
			return -1;
		value_add(v, def);
	}
	for (i = 0; i < p->ncargs; i++)
		ctx_add(ctx, p->cargs[i]->name, NULL, p->cargs[i]);
	return 0;
}

static bool
cumulative(const struct args_flag *f)
{
	return f->type == ARGS_STRINGS || f->type == ARGS_EXISTING_FILES;
}

/* kingpin's setValues: elements in order; the first error stops. */
static int
set_values(struct parser *p, struct args_ctx *ctx, struct ad_err *err)
{
	const struct args_cmd	*last = NULL;
	struct args_value	*v;
	const struct elem	*e;
	size_t			 i;

	for (i = 0; i < p->nelems; i++) {
		e = &p->elems[i];
		if (e->kind == ELEM_CMD) {
			last = e->cmd;
			continue;
		}
		v = ctx_value(ctx, e->kind == ELEM_FLAG ? e->flag->name :
		    e->arg->name);
		if (e->kind == ELEM_FLAG && v->set && !cumulative(e->flag))
			return ad_err_set(err, AD_EINVAL,
			    "flag '%s' cannot be repeated", e->flag->name);
		if (args_check_value(e->kind == ELEM_FLAG ? e->flag->type :
		    e->arg->type, e->kind == ELEM_FLAG ? e->flag->choices :
		    NULL, e->value, err) == -1)
			return -1;
		/* A given value replaces the default. */
		while (!v->set && v->n > 0)
			free(v->v[--v->n]);
		value_add(v, e->value);
		v->set = true;
	}
	if (last != NULL && has_children(p->app, last))
		return ad_err_set(err, AD_EINVAL,
		    "must select a subcommand of '%s'", last->path);
	return 0;
}

/* kingpin's validateRequired. */
static int
check_required(struct args_ctx *ctx, struct ad_err *err)
{
	size_t	i;

	for (i = 0; i < ctx->nvals; i++) {
		const struct args_value *v = &ctx->vals[i];

		if (v->flag != NULL && (v->flag->flags & ARGS_REQUIRED) &&
		    v->n == 0)
			return ad_err_set(err, AD_EINVAL,
			    "required flag --%s not provided", v->name);
		if (v->arg != NULL && (v->arg->flags & ARGS_REQUIRED) &&
		    v->n == 0)
			return ad_err_set(err, AD_EINVAL,
			    "required argument '%s' not provided", v->name);
	}
	return 0;
}

static void
print_buf(struct buf *b)
{
	fwrite(buf_str(b), 1, buf_len(b), stdout);
	fflush(stdout);
}

/* Help for the words of `help <words>` or of a help-flagged line. */
static int
usage_for(const struct args_app *app, int argc, char **argv, bool help_cmd,
    struct ad_err *err)
{
	struct parser	p;
	struct buf	b;

	parser_init(&p, app, argc, argv, true);
	if (parse(&p, err) == -1 && help_cmd) {
		parser_release(&p);
		return -1;
	}
	buf_init(&b, BUF_NOCAP);
	args_usage(app, p.cur != NULL ? p.cur->path : "", &b);
	print_buf(&b);
	buf_release(&b);
	parser_release(&p);
	return 0;
}

/* Pre-actions: --version, --help-long, completion scripts, `help`. */
static enum args_result
pre_actions(struct parser *p, struct args_ctx *ctx, struct ad_err *err)
{
	const struct elem	*e;
	char *const		*words;
	size_t			 i, n;

	for (i = 0; i < p->nelems; i++) {
		e = &p->elems[i];
		if (e->kind == ELEM_FLAG && (e->flag->flags & ARGS_VERSION)) {
			printf("%s\n", p->app->version);
			return ARGS_EXIT_OK;
		}
		if (e->kind == ELEM_FLAG && (e->flag->flags &
		    ARGS_HELP_LONG)) {
			usage_for(p->app, 0, NULL, false, NULL);
			return ARGS_EXIT_OK;
		}
		if (e->kind == ELEM_FLAG && (e->flag->flags &
		    ARGS_COMPLETION) && p->app->completion != NULL) {
			p->app->completion(p->app,
			    strstr(e->flag->name, "zsh") ? "zsh" : "bash");
			return ARGS_EXIT_OK;
		}
		if (e->kind == ELEM_CMD && (e->cmd->flags_ & ARGS_PRE) &&
		    p->app->pre != NULL && !help_given(p) &&
		    p->app->pre(ctx, e->cmd, err) == -1)
			return ARGS_FATAL;
		if (e->kind == ELEM_CMD && (e->cmd->flags_ & ARGS_HELP)) {
			words = args_list(ctx, "command", &n);
			if (usage_for(p->app, (int)n, (char **)words, true,
			    err) == -1)
				return ARGS_FAIL;
			return ARGS_EXIT_OK;
		}
	}
	return ARGS_RUN;
}

/* ------------------------------------------------ --completion-bash */

static bool
complete_flags(struct buf *b, const struct args_flag *flags,
    const char *name, const char *value, bool *value_matched)
{
	const struct args_flag	*f;
	bool			 prefix = false, exact = false;
	const char		*c;
	size_t			 n;

	for (f = flags; f != NULL && f->name != NULL; f++) {
		if (strcmp(f->name, name) == 0) {
			buf_reset(b);
			if (f->type != ARGS_ENUM) {
				*value_matched = true;
				return true;
			}
			for (c = f->choices; *c != '\0'; c += n + (c[n] == ',')) {
				n = strcspn(c, ",");
				buf_addf(b, "%.*s\n", (int)n, c);
				exact |= strlen(value) == n &&
				    strncmp(c, value, n) == 0;
				prefix |= strlen(value) < n &&
				    strncmp(c, value, strlen(value)) == 0;
			}
			*value_matched = exact && !prefix;
			return true;
		}
		if (!(f->flags & ARGS_HIDDEN))
			buf_addf(b, "--%s\n", f->name);
	}
	*value_matched = false;
	return false;
}

/* kingpin's CmdCompletion for the selected command. */
static void
complete_cmds(struct parser *p, struct buf *b)
{
	const struct args_cmd	*c;
	size_t			 i, satisfied = 0, nargs = 0;

	for (i = 0; i < p->nelems; i++) {
		const struct elem *e = &p->elems[i];

		if (e->kind == ELEM_ARG && *e->value != '\0')
			satisfied++;
		if (e->kind == ELEM_CMD && e->by_default)
			for (c = p->app->cmds; c->path != NULL; c++)
				if (args_cmd_is_child(find_path_cmd(p->app,
				    e->cmd), c))
					buf_addf(b, "%s\n", args_cmd_name(c));
	}
	for (i = 0; p->cur != NULL && p->cur->args != NULL &&
	    p->cur->args[i].name != NULL; i++)
		nargs++;
	if (satisfied < nargs)
		return;
	for (c = p->app->cmds; c->path != NULL; c++)
		if (args_cmd_is_child(p->cur, c) && !(c->flags_ & ARGS_HIDDEN))
			buf_addf(b, "%s\n", args_cmd_name(c));
}

/* kingpin's completionOptions; words are the raw arguments. */
static void
complete(struct parser *p, int argc, char **argv)
{
	const char	*cur = argc > 1 ? argv[argc - 1] : "";
	const char	*prev = argc > 2 ? argv[argc - 2] : "";
	const char	*name = "", *value = "";
	struct buf	 b, top;
	bool		 matched, vm = false, tvm = false;

	buf_init(&b, BUF_NOCAP);
	if (strncmp(cur, "--", 2) == 0 || strncmp(prev, "--", 2) == 0) {
		if (strncmp(prev, "--", 2) == 0 && strncmp(cur, "--", 2) != 0) {
			name = prev + 2;
			value = cur;
		} else {
			name = cur + 2;
		}
		matched = complete_flags(&b, p->cur != NULL ? p->cur->flags :
		    p->app->flags, name, value, &vm);
		if (!vm && p->cur != NULL && !matched) {
			buf_init(&top, BUF_NOCAP);
			if (complete_flags(&top, p->app->flags, name, value,
			    &tvm))
				buf_reset(&b);
			buf_addstr(&b, buf_str(&top));
			buf_release(&top);
			vm = tvm;
		}
		if (vm) {
			buf_reset(&b);
			complete_cmds(p, &b);
		}
	} else {
		complete_cmds(p, &b);
	}
	if (buf_len(&b) > 0)
		buf_setlen(&b, buf_len(&b) - 1);
	print_buf(&b);
	buf_release(&b);
}

static bool
completion_given(const struct parser *p)
{
	size_t	i;

	for (i = 0; i < p->nelems; i++)
		if (p->elems[i].kind == ELEM_FLAG &&
		    (p->elems[i].flag->flags & ARGS_COMPLETE))
			return true;
	return false;
}

enum args_result
args_parse(const struct args_app *app, int argc, char **argv,
    struct args_ctx *ctx, struct ad_err *err)
{
	struct parser		p;
	struct ad_err		verr = { 0 };
	enum args_result	r = ARGS_FAIL;
	int			vrc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->app = app;
	parser_init(&p, app, argc, argv, false);
	if (parse(&p, err) == -1 || set_defaults(&p, ctx, err) == -1)
		goto out;
	vrc = set_values(&p, ctx, &verr);
	if (completion_given(&p)) {
		complete(&p, argc, argv);
		r = ARGS_EXIT_OK;
		goto out;
	}
	r = pre_actions(&p, ctx, err);
	if (r != ARGS_RUN)
		goto out;
	if (help_given(&p)) {
		r = usage_for(app, argc, argv, false, NULL) == 0 ?
		    ARGS_EXIT_OK : ARGS_FAIL;
		goto out;
	}
	r = ARGS_FAIL;
	if (vrc == -1) {
		if (err != NULL)
			*err = verr;
		goto out;
	}
	if (check_required(ctx, err) == -1)
		goto out;
	ctx->cmd = p.cur;
	if (ctx->cmd == NULL) {
		usage_for(app, 0, NULL, false, NULL);
		r = ARGS_EXIT_OK;
		goto out;
	}
	r = ARGS_RUN;
out:
	parser_release(&p);
	if (r != ARGS_RUN)
		args_ctx_release(ctx);
	return r;
}

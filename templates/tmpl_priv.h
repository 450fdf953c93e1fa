/*
 * tmpl_priv: the pieces of the template engine shared between its files
 * (not a public API; only templates/ and its tests include it).
 *
 *	arena.c		bump allocator with a byte budget (parse trees, exec)
 *	lex.c parse.c	Go's text/template/parse: tokens, trees, node printing
 *	value.c		the Go values templates see: types, methods, containers
 *	fmt.c		Go's fmt (Sprint, Sprintln, Sprintf verbs, %v)
 *	gotime.c	time.Time: zones, Format, Parse, String
 *	exec.c		Go's text/template executor (missingkey=zero)
 *	funcs.c		builtins and Alertmanager's function map
 *	regex.c		regexp.MatchString / ReplaceAllString on pcre2
 *	html.c		html/template's contextual escaper and escapers
 *	data.c		template.Data from alerts or JSON
 *	set.c		tmpl_set: default templates, files, field cache
 *
 * Values are (type, payload) pairs copied by value; strings are (ptr, len)
 * and may hold any bytes.  Everything a template execution creates lives
 * in one arena freed when it ends, so memory is bounded by its budget.
 */
#ifndef ALERTD_TEMPLATES_TMPL_PRIV_H
#define ALERTD_TEMPLATES_TMPL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* ------------------------------------------------------------ arena --- */

struct tarena_chunk;

struct tarena {
	struct tarena_chunk	*chunks;
	char			*cur;
	size_t			 left;
	size_t			 used;		/* charged to the budget */
	size_t			 cap;
};

void	 tarena_init(struct tarena *a, size_t cap);
void	 tarena_release(struct tarena *a);
/* 8-aligned; NULL once the budget is exhausted. */
void	*tarena_alloc(struct tarena *a, size_t n);
void	*tarena_zalloc(struct tarena *a, size_t n);
/* NUL-terminated copy of s[0..n). */
char	*tarena_strndup(struct tarena *a, const char *s, size_t n);
/* Copies the contents of b and releases b (also on failure). */
char	*tarena_take_buf(struct tarena *a, struct buf *b, size_t *len);
size_t	 tarena_left(const struct tarena *a);

/* ------------------------------------------------------------ values --- */

enum tkind {
	TK_INVALID = 0, TK_BOOL, TK_INT, TK_UINT, TK_FLOAT, TK_COMPLEX,
	TK_STRING, TK_SLICE, TK_MAP, TK_STRUCT, TK_PTR, TK_IFACE, TK_RVALUE
};

struct tfunc;

/*
 * A Go type as reflect sees it.  name is reflect.Type.String(); under
 * identifies the underlying type (assignability); elem is the element of
 * slices and maps, the target of pointers.
 */
struct ttype {
	const char		*name;
	enum tkind		 kind;
	const struct ttype	*elem;
	const struct ttype	*under;
	bool			 named;
	bool			 stringer;	/* fmt uses its String() */
	uint8_t			 bits;		/* integer width */
	const struct tfunc	*methods;	/* NULL-name terminated */
	const char *const	*fields;	/* NULL-terminated */
	const struct ttype *const *ftypes;	/* their types */
};

struct tstr {
	const char	*p;
	size_t		 n;
};

struct tslice;
struct tmap;
struct gtime;
struct gloc;

struct tval {
	const struct ttype	*t;		/* NULL: invalid Value */
	union {
		bool			 b;
		int64_t			 i;
		uint64_t		 u;
		double			 f;
		struct tstr		 s;
		struct {
			double	re, im;
		}			 c;
		const struct tslice	*sl;	/* NULL: nil slice */
		const struct tmap	*m;	/* NULL: nil map */
		const struct tval	*fv;	/* struct fields, in order */
		const struct gtime	*tm;
		const struct gloc	*loc;
		const struct tval	*iv;	/* reflect.Value parameter */
	} u;
};

struct tslice {
	size_t		n;
	struct tval	v[];
};

/* Maps have string keys (KV, map[string]interface {}), sorted bytewise. */
struct tmap_ent {
	struct tstr	k;
	struct tval	v;
};

struct tmap {
	size_t		n;
	struct tmap_ent	e[];
};

extern const struct gtime gtime_zero;

extern const struct ttype tt_bool, tt_int, tt_int64, tt_uint8, tt_float64,
    tt_complex128, tt_string, tt_html, tt_url, tt_duration, tt_month,
    tt_weekday, tt_time, tt_location, tt_data, tt_data_ptr, tt_alert,
    tt_alerts, tt_alert_slice, tt_pair, tt_pairs, tt_kv, tt_string_slice,
    tt_any, tt_any_slice, tt_any_map, tt_rvalue;

/* Field indexes of the structs. */
enum { TD_RECEIVER, TD_STATUS, TD_ALERTS, TD_GROUP_LABELS, TD_COMMON_LABELS,
	TD_COMMON_ANNOTATIONS, TD_EXTERNAL_URL, TD_NFIELDS };
enum { TA_STATUS, TA_LABELS, TA_ANNOTATIONS, TA_STARTS_AT, TA_ENDS_AT,
	TA_GENERATOR_URL, TA_FINGERPRINT, TA_NFIELDS };
enum { TP_NAME, TP_VALUE, TP_NFIELDS };

static inline struct tval
tv_str(const struct ttype *t, const char *p, size_t n)
{
	struct tval	v = { .t = t };

	v.u.s.p = p;
	v.u.s.n = n;
	return v;
}

static inline struct tval
tv_int(const struct ttype *t, int64_t i)
{
	struct tval	v = { .t = t };

	v.u.i = i;
	return v;
}

static inline struct tval
tv_bool(bool b)
{
	struct tval	v = { .t = &tt_bool };

	v.u.b = b;
	return v;
}

static inline bool
tv_valid(const struct tval *v)
{
	return v->t != NULL;
}

/* Go's zero value of t (nil for slices, maps, interfaces). */
struct tval	tv_zero(const struct ttype *t, struct tarena *a);
/* Go's reflect.Value.Len for strings, slices, maps. */
size_t		tv_len(const struct tval *v);
/* Value of a nil-able kind that is nil (map, slice, interface, pointer). */
bool		tv_isnil(const struct tval *v);
/* text/template's isTrue; false in *ok when truth is undefined. */
bool		tv_truth(const struct tval *v, bool *ok);
/* AssignableTo(t). */
bool		tv_assignable(const struct ttype *from, const struct ttype *to);
bool		tt_can_be_nil(const struct ttype *t);
/* Binary search; NULL when absent. */
const struct tval *tmap_get(const struct tmap *m, const char *k, size_t n);
struct tslice	*tslice_new(struct tarena *a, size_t n);
struct tmap	*tmap_new(struct tarena *a, size_t n);
/* Sorts e[] by key; later duplicates win. Returns the new count. */
size_t		tmap_sort(struct tmap_ent *e, size_t n);
/* Struct payloads. */
const struct tval *tv_fields(const struct tval *v);
/* Method lookup (reflect.Value.MethodByName). */
const struct tfunc *tt_method(const struct ttype *t, const char *name,
		    size_t n);

/* -------------------------------------------------------- functions --- */

struct xstate;

/*
 * A function or method.  params[] are the Go parameter types; with
 * variadic, the last one is the element type of the ... parameter.  nout
 * is the number of results besides a trailing error (Go allows 1).
 * fn returns 0, or -1 after xfail() (error calling <name>: msg).
 */
typedef int	(*tfunc_fn)(struct xstate *x, const struct tval *recv,
		    struct tval *argv, size_t argc, struct tval *out);

enum { TF_PLAIN = 0, TF_AND, TF_OR, TF_ESCAPER };

struct tfunc {
	const char		*name;
	tfunc_fn		 fn;
	const struct ttype	*params[4];
	uint8_t			 nparams;
	bool			 variadic;
	uint8_t			 nout;
	bool			 err;
	uint8_t			 special;
	bool			 builtin;
};

extern const struct tfunc tm_time_methods[], tm_duration_methods[],
    tm_month_methods[], tm_weekday_methods[], tm_location_methods[];

/* The function map of templates (builtins and Alertmanager's). */
const struct tfunc *tfunc_lookup(const char *name, size_t len);
/* html/template's escapers, by name ("_html_template_htmlescaper"). */
const struct tfunc *tfunc_escaper(const char *name);

/* Function failure: formats the message for "error calling <fn>: ...". */
int	xfail(struct xstate *x, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The execution's arena, for results. */
struct tarena *xarena(struct xstate *x);
/* The current time of the execution (now, since). */
void	xnow(struct xstate *x, struct gtime *t);
/* A buffer capped at the arena's remaining budget. */
void	xbuf_init(struct xstate *x, struct buf *b);
/* Turns b into a string value owned by the arena (releases b). */
int	xbuf_finish(struct xstate *x, struct buf *b, const struct ttype *t,
	    struct tval *out);
int	xoom(struct xstate *x);

/* ------------------------------------------------------------- time --- */

#define GT_ZERO_SEC	(-62135596800LL)	/* 0001-01-01T00:00:00Z */

struct gtime {
	int64_t			 sec;		/* since 1970-01-01 UTC */
	int32_t			 nsec;
	bool			 mono;		/* has a monotonic reading */
	int64_t			 mono_ns;
	const struct gloc	*loc;		/* never NULL */
};

const struct gloc *gloc_utc(void);
const struct gloc *gloc_local(void);
/* time.LoadLocation; NULL with a Go-worded message in err. */
const struct gloc *gloc_load(const char *name, char *err, size_t errlen);
/* time.FixedZone; allocated in a (NULL if out of budget). */
const struct gloc *gloc_fixed(struct tarena *a, const char *name, int off);
const char	*gloc_name(const struct gloc *l);
void		 gtime_zone(const struct gtime *t, char abbr[64], int *off);
bool		 gtime_isdst(const struct gtime *t);
void		 gtime_now(struct gtime *t);
/* Go's time.Time.Format. */
int		 gtime_format(struct buf *b, const struct gtime *t,
		    const char *layout, size_t n);
/* time.Time.String(), with " m=+..." for monotonic readings. */
int		 gtime_string(struct buf *b, const struct gtime *t);
/* time.Time.GoString(). */
int		 gtime_gostring(struct buf *b, const struct gtime *t);
/* time.ParseInLocation; fixed zones are allocated in a. */
int		 gtime_parse(const char *layout, size_t ln, const char *s,
		    size_t sn, const struct gloc *loc, struct tarena *a,
		    struct gtime *t, struct buf *err);
/* Civil fields in t's zone. */
struct gcivil {
	int64_t	year;
	int	month, day, hour, min, sec, wday, yday;
	int	off;
	char	abbr[64];
};
void		 gtime_civil(const struct gtime *t, struct gcivil *c);
/* time.Date in loc (normalizing like Go). */
void		 gtime_date(struct gtime *t, int64_t y, int64_t mo, int64_t d,
		    int64_t h, int64_t mi, int64_t s, int64_t ns,
		    const struct gloc *loc);
/* Go's t.Add(d). */
void		 gtime_add(struct gtime *t, int64_t d);
/* Go's t.Sub(u), saturating. */
int64_t		 gtime_sub(const struct gtime *t, const struct gtime *u);
int		 gtime_cmp(const struct gtime *t, const struct gtime *u);
/* RFC 3339 with nanoseconds, as time.Time.MarshalJSON. */
int		 gtime_rfc3339nano(struct buf *b, const struct gtime *t);

/* Stringers of time.Duration, time.Month, time.Weekday. */
const char	*dur_string(int64_t d, char out[64]);
const char	*month_string(int64_t m, char out[64]);
const char	*weekday_string(int64_t d, char out[64]);

/* ---------------------------------------------------------- fmt -------- */

/* fmt.Sprint, fmt.Sprintln, fmt.Sprintf over values; -1 past b's cap. */
int	tfmt_sprint(struct buf *b, const struct tval *v, size_t n);
int	tfmt_sprintln(struct buf *b, const struct tval *v, size_t n);
int	tfmt_sprintf(struct buf *b, const char *f, size_t fn,
	    const struct tval *v, size_t n);
/* One value with a verb and no flags (%v, %q, ...). */
int	tfmt_value(struct buf *b, const struct tval *v, int verb);
/* The String() method of a stringer type. */
int	tfmt_stringer(struct buf *b, const struct tval *v);
/* Go's strconv.FormatFloat(f, fmt, prec, 64). */
int	tfmt_float(struct buf *b, double f, int fmt, int prec);

/* -------------------------------------------------------------- lex --- */

enum titem {
	IT_ERROR, IT_BOOL, IT_CHAR, IT_CHAR_CONST, IT_COMMENT, IT_COMPLEX,
	IT_ASSIGN, IT_DECLARE, IT_EOF, IT_FIELD, IT_IDENT, IT_LDELIM,
	IT_LPAREN, IT_NUMBER, IT_PIPE, IT_RAW_STRING, IT_RDELIM, IT_RPAREN,
	IT_SPACE, IT_STRING, IT_TEXT, IT_VARIABLE,
	IT_KEYWORD,	/* keywords follow */
	IT_BLOCK, IT_BREAK, IT_CONTINUE, IT_DOT, IT_DEFINE, IT_ELSE, IT_END,
	IT_IF, IT_NIL, IT_RANGE, IT_TEMPLATE, IT_WITH
};

struct titem_tok {
	enum titem	 typ;
	uint32_t	 pos;
	const char	*val;
	size_t		 len;
	int		 line;
};

#define TLEX_QUEUE	4

/* Go's lexer, run on demand instead of in a goroutine. */
struct tlexer {
	const char		*input;
	size_t			 len, pos, start;
	bool			 at_eof;
	int			 paren_depth;
	int			 line, start_line;
	bool			 break_ok, continue_ok;
	int			 state;
	struct titem_tok	 q[TLEX_QUEUE];
	size_t			 qhead, qn;
	char			 errmsg[200];
};

void	tlex_init(struct tlexer *l, const char *input, size_t len,
	    bool break_ok, bool continue_ok);
struct titem_tok tlex_next(struct tlexer *l);

/* ------------------------------------------------------------ parse --- */

enum tn_type {
	TN_TEXT, TN_ACTION, TN_BREAK, TN_CONTINUE, TN_COMMENT, TN_IF, TN_RANGE,
	TN_WITH, TN_LIST, TN_TEMPLATE, TN_PIPE, TN_CMD, TN_FIELD, TN_VAR,
	TN_CHAIN, TN_IDENT, TN_DOT, TN_NIL, TN_BOOL, TN_NUMBER, TN_STRING,
	TN_END, TN_ELSE
};

struct ttree;
struct tns;

struct tnumber {
	bool		is_int, is_uint, is_float, is_complex;
	int64_t		i;
	uint64_t	u;
	double		f;
	double		re, im;
	const char	*text;
};

struct tnode {
	enum tn_type		 type;
	uint32_t		 pos;
	uint32_t		 line;
	const struct ttree	*tr;
	union {
		struct tstr		 text;		/* TEXT, COMMENT */
		struct {
			struct tnode	**v;
			size_t		  n;
		}			 list;		/* LIST; CMD args */
		struct tnode		*apipe;		/* ACTION */
		struct {
			struct tnode	*pipe, *list, *elist;
		}			 br;		/* IF RANGE WITH */
		struct {
			const char	*name;
			struct tnode	*pipe;		/* may be NULL */
			const struct ttree *res;	/* resolved callee */
		}			 tmpl;		/* TEMPLATE */
		struct {
			struct tnode	**decl, **cmds;
			size_t		  ndecl, ncmds;
			bool		  assign;
		}			 pipe;		/* PIPE */
		struct {
			const char	**id;
			size_t		  n;
		}			 field;		/* FIELD, VAR */
		struct {
			struct tnode	 *node;
			const char	**id;
			size_t		  n;
		}			 chain;		/* CHAIN */
		struct {
			const char		*name;
			const struct tfunc	*fn;
		}			 ident;		/* IDENT */
		bool			 b;		/* BOOL */
		struct tnumber		*num;		/* NUMBER */
		struct {
			struct tstr	quoted, s;
		}			 str;		/* STRING */
	} u;
};

struct ttree {
	const char	*name;
	const char	*parse_name;
	const char	*src;		/* the whole parsed text */
	size_t		 src_len;
	struct tnode	*root;		/* a LIST */
};

/*
 * Parses text (template name) into trees allocated in a: the top-level
 * tree first, then each {{define}}/{{block}} in order.  A duplicate
 * non-empty definition inside the text is an error, as in Go.  On error
 * returns -1 with Go's message ("template: name:3: ...") in err and the
 * offending line:col in *line, *col.
 */
int	tparse(const char *name, const char *text, size_t len,
	    struct tarena *a, struct ttree ***trees, size_t *ntrees,
	    struct buf *err, int *line, int *col);
/* parse.IsEmptyTree. */
bool	tnode_is_empty(const struct tnode *n);
/* Node.String(). */
int	tnode_string(struct buf *b, const struct tnode *n);
/* Tree.ErrorContext's location: "name:line:col". */
int	tnode_location(struct buf *b, const struct tnode *n);
/*
 * Sets each {{template}} node's resolved callee (tns_lookup in ns); a
 * call of "" is left to execution time.  Load time only: nodes may be
 * shared by executions afterwards.
 */
void	tnode_resolve(struct tnode *n, const struct tns *ns);
/* Deep copy into a (html/template derives copies of trees). */
struct tnode *tnode_copy(struct tarena *a, const struct tnode *n,
	    const struct ttree *tr);

/* ----------------------------------------------------- name spaces --- */

struct thash_ent {
	const char	*key;
	size_t		 klen;
	void		*val;
	uint64_t	 h;
};

struct thash {
	struct thash_ent	*e;
	size_t			 n, cap;
};

void	 thash_init(struct thash *h);
void	 thash_release(struct thash *h);
void	*thash_get(const struct thash *h, const char *k, size_t n);
/* Key is borrowed; replaces an existing entry. */
void	 thash_put(struct thash *h, const char *k, size_t n, void *val);

/* Where {{template "x"}} finds x. */
struct tns {
	const struct thash	*over;		/* field text's own defines */
	const struct thash	*base;		/* the set's templates */
};

const struct ttree *tns_lookup(const struct tns *ns, const char *name);

/* ------------------------------------------------------------- exec --- */

struct tlimits {
	size_t		max_output;	/* bytes written */
	size_t		max_memory;	/* arena budget of one execution */
	unsigned	max_depth;	/* nested templates and expressions */
	uint64_t	max_steps;	/* nodes evaluated */
};

struct tenv {
	const struct tns	*ns;
	const struct tlimits	*lim;
	bool			 html;
	bool			 resolved;	/* trust tmpl.res */
	bool			 has_now;
	int64_t			 now_ns;	/* for tests: fixed now() */
};

/*
 * Executes t on dot, appending to out.  On error returns -1 with Go's
 * message in err (out keeps the partial output, as Go's writer would).
 */
int	texec(const struct tenv *env, const struct ttree *t,
	    const struct tval *dot, struct buf *out, struct buf *err);

/* The value a template runs on (template.Data or *template.Data). */
struct tmpl_data;
const struct tval *tmpl_data_dot(const struct tmpl_data *d);

/* ------------------------------------------------------------- html --- */

/*
 * html/template's escaper: escapes the template t (and everything it
 * calls) starting in the text context, writing escaped copies allocated in
 * a into out (name or mangled name -> tree).  On error returns -1 with
 * html/template's message in err.
 */
int	thtml_escape(const struct ttree *t, const struct tns *ns,
	    struct tarena *a, struct thash *out, const struct ttree **entry,
	    struct buf *err);

/* The escapers themselves (funcs.c exposes them as TF_ESCAPER). */
enum thtml_esc {
	HE_ATTR, HE_COMMENT, HE_CSS, HE_CSSVALUE, HE_HTMLNAME, HE_HTML,
	HE_JSREGEXP, HE_JSSTR, HE_JSVAL, HE_NOSPACE, HE_RCDATA, HE_SRCSET,
	HE_URL, HE_URLFILTER, HE_URLNORM, HE_EVALARGS, HE_COUNT
};
int	thtml_run_escaper(struct xstate *x, int which, struct tval *argv,
	    size_t argc, struct tval *out);
/* text/template's HTMLEscapeString / JSEscapeString / url.QueryEscape. */
int	thtml_escape_string(struct buf *b, const char *s, size_t n);
int	tjs_escape_string(struct buf *b, const char *s, size_t n);
/* encoding/json.Marshal of a value (toJson, jsvalescaper). */
int	tjson_marshal(struct buf *b, const struct tval *v, bool html_safe,
	    struct buf *err);

/* ------------------------------------------------------------ regex --- */

/* Compiled patterns of one execution. */
struct tre_cache;
void	tre_cache_free(struct tre_cache *c);	/* NULL is fine */
/* regexp.MatchString; -1 with Go's "error parsing regexp: ..." in err. */
int	tre_match(struct tre_cache **c, const char *re, size_t rn,
	    const char *s, size_t sn, bool *matched, struct buf *err);
/*
 * regexp.MustCompile(re).ReplaceAllString(s, repl); a bad pattern gives
 * MustCompile's panic text ("regexp: Compile(`(`): error parsing ...").
 */
int	tre_replace_all(struct tre_cache **c, const char *re, size_t rn,
	    const char *repl, size_t pn, const char *s, size_t sn,
	    struct buf *out, struct buf *err);
/* The execution's pattern cache. */
struct tre_cache **xrecache(struct xstate *x);

/* ------------------------------------------------------------- misc --- */

/* Go's unicode.ToUpper / ToLower on a rune (simple case mapping). */
uint32_t	tu_upper(uint32_t r);
uint32_t	tu_lower(uint32_t r);
uint32_t	tu_title(uint32_t r);
bool		tu_is_letter(uint32_t r);
bool		tu_is_digit(uint32_t r);
bool		tu_is_print(uint32_t r);
/* utf8.DecodeRuneInString: width >= 1 (invalid bytes give U+FFFD, 1). */
size_t		tu_decode(const char *s, size_t n, uint32_t *r);
/* utf8.DecodeLastRuneInString. */
size_t		tu_decode_last(const char *s, size_t n, uint32_t *r);

#endif

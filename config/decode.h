/*
 * decode: table-driven decoding of YAML nodes into C structs, strict and
 * typed as gopkg.in/yaml.v2's UnmarshalStrict is for Alertmanager's Go
 * structs, plus the generic release, copy and dump the same tables drive.
 *
 * A struct is described by a struct config_obj: its Go type name (for
 * yaml.v2's "field x not found in type config.plain"), its size, and a
 * NULL-key-terminated array of struct config_field in the Go struct's
 * field order (the order config_dump_yaml prints them in).  Each field
 * names its YAML key, its type, where it lives (offsetof) and its default.
 *
 * Scalars resolve as YAML 1.1 does in yaml.v2 (yes/no/on/off are bools,
 * 0x1F and 0o17 are ints, quoted scalars are strings); a null value sets
 * the field to its zero value, as yaml.v2 does.  Type errors are worded as
 * yaml.v2 words them ("cannot unmarshal !!str `abc` into bool"); every
 * error is recorded with file:line:col and the field path and decoding
 * goes on, so one pass reports every error of a file.
 *
 * Ownership: decoded strings, lists and sub-objects belong to the struct
 * and are freed by config_obj_release.  Thread: the loading thread.
 */
#ifndef ALERTD_CONFIG_DECODE_H
#define ALERTD_CONFIG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_errs;
struct buf;
struct yemit;
struct ynode;
struct config_load_opts;
struct config_obj;
struct config_check;
struct tmpl_set;

enum config_ftype {
	CF_STR,		/* char *; any scalar (yaml.v2 stores its text) */
	CF_SECRET,	/* char *; dumped as <secret> */
	CF_URL,		/* char *; Alertmanager's URL: http(s) with a host */
	CF_SECRET_URL,	/* char *; same, dumped as <secret> */
	CF_PURL,	/* char *; prometheus/common URL: any url.Parse-able */
	CF_HOSTPORT,	/* char * "host:port"; net.SplitHostPort rules */
	CF_FILE,	/* struct config_file; read at load (opts->read_files) */
	CF_BOOL,	/* bool */
	CF_INT,		/* int (Go int) */
	CF_INT64,	/* int64_t */
	CF_UINT64,	/* uint64_t */
	CF_FLOAT,	/* double */
	CF_DUR,		/* ad_dur_t; Prometheus model.Duration ("1d", "90s") */
	CF_GODUR,	/* ad_dur_t; Go time.ParseDuration ("1m30s") */
	CF_STRS,	/* char **, count at off_n */
	CF_MAP,		/* struct config_kv *, count at off_n: map[string]string */
	CF_OBJ,		/* embedded struct of type obj */
	CF_PTR,		/* pointer to a struct of type obj; NULL when absent */
	CF_LIST,	/* void ** (each a struct of type obj), count at off_n */
	CF_ANY,		/* accepted and ignored (map[string]any fields) */
	CF_CUSTOM	/* decode/dump/release callbacks */
};

/* Field flags. */
#define CF_OMITEMPTY	0x01	/* yaml:",omitempty": not dumped when zero */
#define CF_TEMPLATE	0x02	/* a Go template: tmpl_check at load */
#define CF_NEWER	0x04	/* added after 0.25 (since): unknown in 0.25 mode */
#define CF_HASSET	0x08	/* bool at off_set records "present" */
#define CF_NODUMP	0x10	/* never dumped (yaml:"-") */
#define CF_NULLDUMP	0x20	/* dumped as null when unset (Go nil pointer) */
#define CF_REGEXPS	0x40	/* CF_MAP of regexps: a null value is an
				 * error, an empty one dumps as null */
#define CF_DIRPATH	0x80	/* a path http_config's SetDirectory joins
				 * with the config file's directory */

/* A `*_file` setting: the path as written and, once read, its contents. */
struct config_file {
	char	*path;
	char	*data;		/* whitespace-trimmed contents; secret */
};

struct config_kv {
	char	*key, *value;
};

typedef int	(*config_decode_fn)(struct config_check *chk,
		    const struct ynode *n, void *field);
typedef int	(*config_dump_fn)(const void *field, struct buf *out);
typedef void	(*config_release_fn)(void *field);

struct config_field {
	const char		*key;
	enum config_ftype	 type;
	unsigned		 flags;
	size_t			 off;
	size_t			 off_n;		/* CF_STRS, CF_MAP, CF_LIST */
	size_t			 off_set;	/* CF_HASSET */
	const struct config_obj	*obj;		/* CF_OBJ, CF_PTR, CF_LIST */
	const char		*def;		/* default of string types */
	int64_t			 def_i;		/* default of bool/int/dur */
	const char		*since;		/* CF_NEWER: "0.26" */
	config_decode_fn	 decode;	/* CF_CUSTOM */
	config_release_fn	 release;	/* CF_CUSTOM */
	/* CF_CUSTOM: writes the value (config/dump.c), and tells whether
	 * it is Go's zero value (omitempty). */
	int			(*dump)(const void *field, struct yemit *e);
	bool			(*zero)(const void *field);
};

struct config_obj {
	const char		*go_type;	/* "config.plain" */
	const char		*go_list_type;	/* "[]*config.Receiver" */
	size_t			 size;
	const struct config_field *fields;	/* terminated by key == NULL */
	/* After the fields decoded without error: Alertmanager's
	 * UnmarshalYAML checks.  Report with config_check_errf. */
	int			(*check)(void *obj, struct config_check *chk);
	/* Keys that are not fields (receiver *_configs): returns 1 if
	 * handled, 0 if unknown, -1 on error. */
	int			(*extra)(void *obj, const char *key,
				    const struct ynode *val,
				    struct config_check *chk);
	void			(*release)(void *obj);	/* extra members */
	int			(*copy)(void *dst, const void *src);
};

/*
 * Where errors go while a file is decoded and checked.  Semi-opaque: use
 * the functions below.  `node` is the mapping being checked (errors about
 * a whole object point at it), `path` the field path of that object.
 */
struct config_check {
	struct ad_errs			*errs;
	struct ad_errs			*warnings;	/* or NULL */
	const struct config_load_opts	*opts;
	const char			*file;		/* for messages */
	const char			*base_dir;	/* relative *_file paths */
	const struct ynode		*node;
	char				 path[256];
	size_t				 budget;	/* node visits left */
	unsigned			 depth;		/* objects entered */
	unsigned			 nerr;		/* errors so far */
	bool				 aborted;	/* budget exhausted */
	bool				 map_regexps;	/* decoding CF_REGEXPS */
};

/* Appends an error at the current object, or at the node of `field` (a
 * key of the current object) when given and present.  Returns -1. */
int	config_check_errf(struct config_check *chk, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same at node n with an explicit sub-path appended to the path. */
int	config_check_errn(struct config_check *chk, const struct ynode *n,
	    const char *sub, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* A warning (check-config prints them; the daemon logs them). */
void	config_check_warnf(struct config_check *chk, const struct ynode *n,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Path segments: push returns the previous length for pop. */
size_t	config_check_push(struct config_check *chk, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	config_check_pop(struct config_check *chk, size_t mark);

/* Sets every field of a zeroed obj to its default. */
void	config_obj_init(const struct config_obj *o, void *obj);
/*
 * Decodes the mapping n into obj (already initialised).  Null leaves obj
 * untouched.  Returns 0, or -1 when any error was recorded.
 */
int	config_obj_decode(struct config_check *chk, const struct ynode *n,
	    const struct config_obj *o, void *obj);
/* Decodes one field's value node. */
int	config_field_decode(struct config_check *chk, const struct ynode *n,
	    const struct config_field *f, void *obj);
/* Frees what obj owns (not obj itself). */
void	config_obj_release(const struct config_obj *o, void *obj);
/* Deep copy of src into zeroed dst. */
void	config_obj_copy(const struct config_obj *o, void *dst, const void *src);
/* Looks up a field by key. */
const struct config_field *config_obj_field(const struct config_obj *o,
	    const char *key);

/* Reads every CF_FILE of obj (recursively) relative to base_dir. */
int	config_obj_read_files(struct config_check *chk,
	    const struct config_obj *o, void *obj);
/* tmpl_check on every CF_TEMPLATE string of obj (recursively). */
void	config_obj_check_templates(struct config_check *chk,
	    const struct config_obj *o, const void *obj,
	    const struct tmpl_set *ts);

/*
 * Alertmanager's parseURL: url.Parse, then scheme http/https and a host
 * ("unsupported scheme \"\" for URL", "missing host for URL").
 */
int	config_parse_url(const char *s, bool any_scheme, char *msg,
	    size_t msgsize);
/*
 * Go's url.Parse(raw).String() of a URL config_parse_url accepted: the
 * scheme lower-cased, path and fragment re-escaped where Go re-escapes
 * them; with redact, a password becomes "xxxxx" (prometheus/common's
 * Redacted).  Appended to out.  (config/url.c)
 */
void	config_url_string(const char *raw, bool redact, struct buf *out);
/*
 * Alertmanager's `Path += "/"` unless the path ends with "/", as the URL
 * then reads back (String()).  Returns a new string.
 */
char	*config_url_add_slash(const char *raw);
/* net.SplitHostPort with Go's messages; "" is accepted (unset). */
int	config_parse_hostport(const char *s, char *msg, size_t msgsize);

/* Table helpers: a field of struct st stored in member m. */
#define CF_F(k, t, fl, st, m)						\
	{ .key = (k), .type = (t), .flags = (fl), .off = offsetof(st, m) }
#define CF_FD(k, t, fl, st, m, d)					\
	{ .key = (k), .type = (t), .flags = (fl), .off = offsetof(st, m), \
	  .def = (d) }
#define CF_FI(k, t, fl, st, m, d)					\
	{ .key = (k), .type = (t), .flags = (fl), .off = offsetof(st, m), \
	  .def_i = (d) }
#define CF_FN(k, t, fl, st, m, mn)					\
	{ .key = (k), .type = (t), .flags = (fl), .off = offsetof(st, m), \
	  .off_n = offsetof(st, mn) }
#define CF_FO(k, t, fl, st, m, o)					\
	{ .key = (k), .type = (t), .flags = (fl), .off = offsetof(st, m), \
	  .obj = (o) }
#define CF_FL(k, fl, st, m, mn, o)					\
	{ .key = (k), .type = CF_LIST, .flags = (fl),			\
	  .off = offsetof(st, m), .off_n = offsetof(st, mn), .obj = (o) }
#define CF_END	{ .key = NULL }

#endif

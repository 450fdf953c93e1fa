/*
 * args: command-line parsing as kingpin (v2) does it for amtool.
 *
 * alertctl must accept every command line amtool accepts and reject the
 * others with the same words, so this is kingpin's algorithm, not getopt:
 * a token stream with one-token lookahead (--flag=value, --flag value,
 * -abc clusters of bool shorts, -ovalue, --no-<bool>, "--", @file), flags
 * interspersed with arguments, flags of a command visible only once the
 * command has been seen, default subcommands chosen when a word or a flag
 * does not fit ("silence -q" is "silence query -q"), defaults applied
 * (from the config files for global flags and the selected command's
 * own flags), then values checked in command-line order.  Error texts are
 * kingpin's ("unknown long flag '--foo'", "expected argument for flag
 * '-o'", "enum value must be one of simple,extended,json, got 'xml'",
 * "flag 'output' cannot be repeated", "must select a subcommand of
 * 'template'", "required flag --template.glob not provided").
 *
 * Commands are one flat table of {path, ...}: "silence query" is a child
 * of "silence"; parents come before their children; the order of the
 * table is the order of help output.  Thread: main only.
 */
#ifndef ALERTD_CLI_ARGS_H
#define ALERTD_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;
struct buf;

enum args_type {
	ARGS_BOOL,
	ARGS_STRING,
	ARGS_STRINGS,		/* repeatable; positional: takes the rest */
	ARGS_DURATION,		/* Go's time.ParseDuration */
	ARGS_ENUM,		/* one of choices */
	ARGS_URL,		/* Go's url.Parse */
	ARGS_EXISTING_FILE,	/* must exist, not a directory */
	ARGS_EXISTING_FILES,	/* repeatable ARGS_EXISTING_FILE */
	ARGS_INT,		/* kingpin parses ints as floats */
	ARGS_FILE		/* must open for reading */
};

#define ARGS_HIDDEN	0x01	/* not in help or completion */
#define ARGS_REQUIRED	0x02
#define ARGS_DEFAULT	0x04	/* command: the default subcommand */
#define ARGS_HELP	0x08	/* flag: --help; command: help */
#define ARGS_VERSION	0x10	/* flag: prints the version */
#define ARGS_HELP_LONG	0x20	/* flag: --help-long, --help-man */
#define ARGS_COMPLETION	0x40	/* flag: --completion-script-{bash,zsh} */
#define ARGS_PRE	0x80	/* command: run app->pre when matched */
#define ARGS_COMPLETE	0x100	/* flag: --completion-bash (kingpin's) */

struct args_flag {
	const char	*name;		/* long name; NULL ends a table */
	char		 short_name;	/* 0: none */
	enum args_type	 type;
	const char	*def;		/* default value, NULL: none */
	const char	*choices;	/* ARGS_ENUM: "simple,extended,json" */
	const char	*placeholder;	/* help: --name=PLACEHOLDER */
	const char	*help;
	unsigned	 flags;
};

struct args_arg {
	const char	*name;		/* NULL ends a table */
	enum args_type	 type;
	const char	*help;
	unsigned	 flags;
};

struct args_ctx;
typedef int	(*args_run_fn)(struct args_ctx *ctx);

struct args_cmd {
	const char		*path;		/* NULL ends the table */
	const char		*help;		/* first line: summary */
	const struct args_flag	*flags;		/* may be NULL */
	const struct args_arg	*args;		/* may be NULL */
	args_run_fn		 run;		/* NULL: has subcommands */
	unsigned		 flags_;	/* ARGS_DEFAULT ARGS_HIDDEN ... */
};

/*
 * Defaults from configuration (amtool.yml and friends): returns the value
 * for a flag name, or NULL.  Consulted for global flags and for the flags
 * of the selected command, as amtool's resolver does.
 */
typedef const char *(*args_conf_fn)(const char *flag, void *conf_ctx);

struct args_app {
	const char		*name;		/* program name in help */
	const char		*help;
	const struct args_flag	*flags;		/* global flags */
	const struct args_cmd	*cmds;
	const char		*version;	/* printed by --version */
	args_conf_fn		 conf;
	void			*conf_ctx;
	/*
	 * Pre-action of commands flagged ARGS_PRE (kingpin's PreAction): runs
	 * after the values are set, before help and value errors are
	 * reported; -1 fails the parse with ARGS_FATAL.
	 */
	int			(*pre)(const struct args_ctx *ctx,
				    const struct args_cmd *cmd,
				    struct ad_err *err);
	/* --completion-script-*: prints the script; shell is "bash"/"zsh" */
	void			(*completion)(const struct args_app *app,
				    const char *shell);
};

/* One flag or positional argument after parsing. */
struct args_value {
	const char	 *name;
	const struct args_flag *flag;	/* NULL for a positional argument */
	const struct args_arg *arg;	/* NULL for a flag */
	char		**v;		/* values in order */
	size_t		  n;
	bool		  set;		/* given on the command line */
};

struct args_ctx {
	const struct args_app	*app;
	const struct args_cmd	*cmd;		/* the selected command */
	struct args_value	*vals;
	size_t			 nvals;
	void			*user;		/* for the command */
};

enum args_result {
	ARGS_RUN,	/* run ctx->cmd->run */
	ARGS_EXIT_OK,	/* help, usage or version printed: exit 0 */
	ARGS_FAIL,	/* err says why: print "<prog>: error: <msg>\n\n" */
	ARGS_FATAL	/* the same with one newline (kingpin.Fatalf) */
};

/*
 * Parses argv[0..argc) (without the program name).  On ARGS_RUN the
 * caller runs ctx->cmd->run(ctx) and then args_ctx_release(ctx).
 * Help and usage go to stdout, as amtool sends them.
 */
enum args_result args_parse(const struct args_app *app, int argc,
	    char **argv, struct args_ctx *ctx, struct ad_err *err);
void	args_ctx_release(struct args_ctx *ctx);

/* The last value of a flag or argument, or NULL (unset, no default). */
const char	*args_get(const struct args_ctx *ctx, const char *name);
/* Every value of a repeatable flag or argument; *n is set. */
char	*const	*args_list(const struct args_ctx *ctx, const char *name,
		    size_t *n);
/* A bool flag (false when unset). */
bool		 args_bool(const struct args_ctx *ctx, const char *name);
/* Was it given on the command line? */
bool		 args_isset(const struct args_ctx *ctx, const char *name);

/* Usage for a command path ("" for the application), as kingpin prints. */
void		 args_usage(const struct args_app *app, const char *path,
		    struct buf *out);

/* Helpers for completion: a command's parent path length, its last word. */
const char	*args_cmd_name(const struct args_cmd *c);
bool		 args_cmd_is_child(const struct args_cmd *parent,
		    const struct args_cmd *c);

/*
 * Value checks, exported for tests: kingpin's Set() for each type.
 * Return 0 or -1 with kingpin's (Go's) message.
 */
int	args_check_value(enum args_type type, const char *choices,
	    const char *value, struct ad_err *err);
/* Go's wording of an errno: strerror's, lower-cased ("no such file"). */
const char	*args_strerror(int e, char *buf, size_t n);
/* strconv.ParseBool */
int	args_parse_bool(const char *s, bool *v);

#endif

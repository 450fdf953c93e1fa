/*
 * cli: what alertctl's commands share.
 *
 * main.c holds the command table ({path, flags, arguments, handler}) and
 * parses the command line with args.h; each handler gets the parse result
 * (struct args_ctx) whose user pointer is the struct cli below: the
 * global options resolved from flags, ALERTCTL_URL and the configuration
 * files.  A handler returns the process exit status; it reports failures
 * with cli_error(), which prints them as amtool does
 * ("<prog>: error: <message>" and a blank line) and returns 1.
 * Output goes to stdout, errors and warnings to stderr.
 * Thread: main only.
 */
#ifndef ALERTD_CLI_CLI_H
#define ALERTD_CLI_CLI_H

#include <stdbool.h>

#include <jansson.h>

#include "alertd/cli/client.h"

struct ad_err;
struct args_app;
struct args_ctx;
struct buf;
struct matcher;

enum cli_output { CLI_OUT_SIMPLE, CLI_OUT_EXTENDED, CLI_OUT_JSON };

struct cli {
	const char		*prog;		/* basename of argv[0] */
	enum cli_output		 output;
	const char		*date_format;	/* Go layout */
	struct client_opts	 copts;
	bool			 version_check;
};

/* The version alertctl reports, and the amtool API it speaks. */
#define ALERTCTL_VERSION	"0.25.0"

struct cli	*cli_of(struct args_ctx *ctx);
/*
 * Prints "<prog>: error: <msg>\n\n" (amtool's kingpin.Fatalf("%v\n")), or
 * with one newline when err->where is CLI_FATAL (kingpin.Fatalf("%s")
 * inside a command).
 */
#define CLI_FATAL	"fatal"
int		 cli_error(const struct cli *c, const struct ad_err *err);
/* Prints "<prog>: error: <msg>\n" (amtool's kingpin.Fatalf("%s")). */
int		 cli_fatal(const struct cli *c, const struct ad_err *err);
int		 cli_errorf(const struct cli *c, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/*
 * The API client for this command; with --version-check (the default),
 * warns when the server's major.minor differs from ours, as amtool does.
 */
struct client	*cli_client(struct cli *c, struct ad_err *err);
/* Writes b to stdout. */
void		 cli_print(const struct buf *b);

/*
 * amtool's "first bare word is the alertname": if args[0] does not parse
 * as a matcher, it becomes "alertname=<args[0]>".  Returns args[0]'s
 * replacement (owned by the caller) or NULL when it parses.
 */
char		*cli_fix_first(const char *first);
/* labels.ParseMatcher -> name, type string ("=", "!=", ...), value. */
struct matcher	*cli_parse_matcher(const char *s, struct ad_err *err);
/* Matcher.String() of the API's {name, value, isRegex, isEqual}. */
void		 cli_matcher_string(struct buf *out, json_t *m);

/* Output formatters (output.c): -o simple|extended|json. */
int		 out_alerts(const struct cli *c, json_t *alerts, struct buf *out,
		    struct ad_err *err);
int		 out_silences(const struct cli *c, json_t *silences,
		    struct buf *out, struct ad_err *err);
int		 out_config(const struct cli *c, json_t *status,
		    struct buf *out, struct ad_err *err);
int		 out_cluster(const struct cli *c, json_t *status,
		    struct buf *out, struct ad_err *err);

/* Command handlers (cmd_*.c). */
int	cmd_alert_query(struct args_ctx *ctx);
int	cmd_alert_add(struct args_ctx *ctx);
int	cmd_silence_query(struct args_ctx *ctx);
int	cmd_silence_add(struct args_ctx *ctx);
int	cmd_silence_expire(struct args_ctx *ctx);
int	cmd_silence_update(struct args_ctx *ctx);
int	cmd_silence_import(struct args_ctx *ctx);
int	cmd_config_show(struct args_ctx *ctx);
int	cmd_cluster_show(struct args_ctx *ctx);
int	cmd_config_routes_show(struct args_ctx *ctx);
int	cmd_config_routes_test(struct args_ctx *ctx);
int	cmd_template_render(struct args_ctx *ctx);
int	cmd_completion(struct args_ctx *ctx);
void	cli_completion_script(const struct args_app *app, const char *shell);

/* check-config (cmd_check_config.c): argv[0] = "check-config", files. */
int	cmd_check_config(const char *prog, int argc, char **argv);

#endif

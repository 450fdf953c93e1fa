/*
 * alertctl: an amtool-compatible CLI for alertd and Alertmanager.
 *
 * The command set, flags, defaults and help order are amtool 0.25's
 * (kingpin registers "help" first, then alert, silence, check-config,
 * cluster, config, template); alertctl adds `completion` and `silence
 * add --preview`.  Defaults come, in order of precedence, from the
 * command line, ALERTCTL_URL (for --alertmanager.url), alertctl's own
 * configuration file ($ALERTCTL_CONFIG, else $XDG_CONFIG_HOME/alertctl.yml
 * or ~/.config/alertctl.yml), then amtool's ($HOME/.config/prometheus/
 * amtool.yml, /etc/prometheus/amtool.yml); every file has amtool.yml's
 * format.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/amconf.h"
#include "alertd/cli/args.h"
#include "alertd/cli/cli.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

#define F_END	{ NULL, 0, ARGS_BOOL, NULL, NULL, NULL, NULL, 0 }
#define A_END	{ NULL, ARGS_STRING, NULL, 0 }

static const char app_help[] =
    "View and modify the current Alertmanager state.\n"
    "\n"
    "Config files: alertctl reads YAML files whose keys are flag names "
    "and whose values are the flags' defaults: $ALERTCTL_CONFIG or "
    "~/.config/alertctl.yml, then amtool's "
    "$HOME/.config/prometheus/amtool.yml and /etc/prometheus/amtool.yml; "
    "the first file that sets a key wins.  Useful keys:\n"
    "\n"
    "  alertmanager.url   the Alertmanager or alertd to talk to "
    "(ALERTCTL_URL overrides it)\n"
    "  author             the default author of new silences (else the "
    "user name)\n"
    "  require-comment    whether silence add requires a comment "
    "(default true)\n"
    "  output             simple, extended or json\n"
    "  date.format        a Go time layout (default "
    "\"2006-01-02 15:04:05 MST\")\n"
    "  http.config.file   an http_config file (TLS, authentication, "
    "proxy)\n";

static const struct args_flag global_flags[] = {
	{ "help", 'h', ARGS_BOOL, NULL, NULL, NULL, "Show context-sensitive "
	    "help (also try --help-long and --help-man).", ARGS_HELP },
	{ "help-long", 0, ARGS_BOOL, NULL, NULL, NULL, "Generate long help.",
	    ARGS_HIDDEN | ARGS_HELP_LONG },
	{ "help-man", 0, ARGS_BOOL, NULL, NULL, NULL, "Generate a man page.",
	    ARGS_HIDDEN | ARGS_HELP_LONG },
	{ "completion-bash", 0, ARGS_BOOL, NULL, NULL, NULL, "Output "
	    "possible completions for the given args.", ARGS_HIDDEN |
	    ARGS_COMPLETE },
	{ "completion-script-bash", 0, ARGS_BOOL, NULL, NULL, NULL,
	    "Generate completion script for bash.", ARGS_HIDDEN |
	    ARGS_COMPLETION },
	{ "completion-script-zsh", 0, ARGS_BOOL, NULL, NULL, NULL,
	    "Generate completion script for ZSH.", ARGS_HIDDEN |
	    ARGS_COMPLETION },
	{ "date.format", 0, ARGS_STRING, "2006-01-02 15:04:05 MST", NULL, NULL,
	    "Format of date output (a Go time layout)", 0 },
	{ "verbose", 'v', ARGS_BOOL, NULL, NULL, NULL,
	    "Verbose running information (requests on stderr)", 0 },
	{ "alertmanager.url", 0, ARGS_URL, "http://localhost:9093/", NULL,
	    NULL, "Alertmanager (or alertd) to talk to; also ALERTCTL_URL",
	    0 },
	{ "output", 'o', ARGS_ENUM, "simple", "simple,extended,json", NULL,
	    "Output formatter (simple, extended, json)", 0 },
	{ "timeout", 0, ARGS_DURATION, "30s", NULL, NULL,
	    "Timeout for the executed command", 0 },
	{ "http.config.file", 0, ARGS_EXISTING_FILE, NULL, NULL, "<filename>",
	    "HTTP client configuration file (Prometheus http_config) to "
	    "connect to Alertmanager.", 0 },
	{ "version-check", 0, ARGS_BOOL, "true", NULL, NULL, "Check "
	    "alertmanager version. Use --no-version-check to disable.", 0 },
	{ "version", 0, ARGS_BOOL, NULL, NULL, NULL,
	    "Show application version.", ARGS_VERSION },
	F_END
};

static const struct args_arg help_args[] = {
	{ "command", ARGS_STRINGS, "Show help on command.", 0 },
	A_END
};

static const struct args_flag alert_query_flags[] = {
	{ "inhibited", 'i', ARGS_BOOL, NULL, NULL, NULL,
	    "Show inhibited alerts", 0 },
	{ "silenced", 's', ARGS_BOOL, NULL, NULL, NULL,
	    "Show silenced alerts", 0 },
	{ "active", 'a', ARGS_BOOL, NULL, NULL, NULL, "Show active alerts", 0 },
	{ "unprocessed", 'u', ARGS_BOOL, NULL, NULL, NULL,
	    "Show unprocessed alerts", 0 },
	{ "receiver", 'r', ARGS_STRING, NULL, NULL, NULL,
	    "Show alerts matching receiver (Supports regex syntax)", 0 },
	F_END
};

static const struct args_arg matcher_groups[] = {
	{ "matcher-groups", ARGS_STRINGS, "Query filter", 0 },
	A_END
};

static const struct args_flag alert_add_flags[] = {
	{ "generator-url", 0, ARGS_STRING, NULL, NULL, NULL,
	    "Set the URL of the source that generated the alert", 0 },
	{ "start", 0, ARGS_STRING, NULL, NULL, NULL, "Set when the alert "
	    "should start. RFC3339 format 2006-01-02T15:04:05-07:00", 0 },
	{ "end", 0, ARGS_STRING, NULL, NULL, NULL, "Set when the alert "
	    "should end. RFC3339 format 2006-01-02T15:04:05-07:00", 0 },
	{ "annotation", 0, ARGS_STRINGS, NULL, NULL, NULL,
	    "Set an annotation to be included with the alert", 0 },
	F_END
};

static const struct args_arg alert_add_args[] = {
	{ "labels", ARGS_STRINGS,
	    "List of labels to be included with the alert", 0 },
	A_END
};

static const struct args_flag silence_add_flags[] = {
	{ "author", 'a', ARGS_STRING, NULL, NULL, NULL,
	    "Username for CreatedBy field", 0 },
	{ "require-comment", 0, ARGS_BOOL, "true", NULL, NULL,
	    "Require comment to be set", ARGS_HIDDEN },
	{ "duration", 'd', ARGS_STRING, "1h", NULL, NULL,
	    "Duration of silence", 0 },
	{ "start", 0, ARGS_STRING, NULL, NULL, NULL, "Set when the silence "
	    "should start. RFC3339 format 2006-01-02T15:04:05-07:00", 0 },
	{ "end", 0, ARGS_STRING, NULL, NULL, NULL, "Set when the silence "
	    "should end (overwrites duration). RFC3339 format "
	    "2006-01-02T15:04:05-07:00", 0 },
	{ "comment", 'c', ARGS_STRING, NULL, NULL, NULL,
	    "A comment to help describe the silence", 0 },
	{ "preview", 0, ARGS_BOOL, NULL, NULL, NULL, "Show the alerts the "
	    "silence would match; create it only after confirmation on a "
	    "terminal (alertctl)", 0 },
	F_END
};

static const struct args_arg silence_ids[] = {
	{ "silence-ids", ARGS_STRINGS, "Ids of silences to expire", 0 },
	A_END
};

static const struct args_flag silence_import_flags[] = {
	{ "force", 'f', ARGS_BOOL, NULL, NULL, NULL,
	    "Force adding new silences even if it already exists", 0 },
	{ "worker", 'w', ARGS_INT, "8", NULL, NULL,
	    "Number of concurrent workers to use for import", 0 },
	F_END
};

static const struct args_arg silence_import_args[] = {
	{ "input-file", ARGS_EXISTING_FILE, "JSON file with silences", 0 },
	A_END
};

static const struct args_flag silence_query_flags[] = {
	{ "expired", 0, ARGS_BOOL, NULL, NULL, NULL,
	    "Show expired silences instead of active", 0 },
	{ "quiet", 'q', ARGS_BOOL, NULL, NULL, NULL, "Only show silence ids",
	    0 },
	{ "created-by", 0, ARGS_STRING, NULL, NULL, NULL,
	    "Show silences that belong to this creator", 0 },
	{ "within", 0, ARGS_DURATION, NULL, NULL, NULL, "Show silences that "
	    "will expire or have expired within a duration", 0 },
	F_END
};

static const struct args_flag silence_update_flags[] = {
	{ "quiet", 'q', ARGS_BOOL, NULL, NULL, NULL, "Only show silence ids",
	    0 },
	{ "duration", 'd', ARGS_STRING, NULL, NULL, NULL,
	    "Duration of silence", 0 },
	{ "start", 0, ARGS_STRING, NULL, NULL, NULL, "Set when the silence "
	    "should start. RFC3339 format 2006-01-02T15:04:05-07:00", 0 },
	{ "end", 0, ARGS_STRING, NULL, NULL, NULL, "Set when the silence "
	    "should end (overwrites duration). RFC3339 format "
	    "2006-01-02T15:04:05-07:00", 0 },
	{ "comment", 'c', ARGS_STRING, NULL, NULL, NULL,
	    "A comment to help describe the silence", 0 },
	F_END
};

static const struct args_arg update_ids[] = {
	{ "update-ids", ARGS_STRINGS, "Silence IDs to update", 0 },
	A_END
};

static const struct args_arg check_files[] = {
	{ "check-files", ARGS_EXISTING_FILES, "Files to be validated", 0 },
	A_END
};

static const struct args_flag routes_flags[] = {
	{ "config.file", 0, ARGS_EXISTING_FILE, NULL, NULL, NULL,
	    "Config file to be tested.", 0 },
	F_END
};

static const struct args_flag routes_test_flags[] = {
	{ "verify.receivers", 0, ARGS_STRING, NULL, NULL, NULL, "Checks if "
	    "specified receivers matches resolved receivers. The command "
	    "fails if the labelset does not route to the specified "
	    "receivers.", 0 },
	{ "tree", 0, ARGS_BOOL, NULL, NULL, NULL,
	    "Prints out matching routes tree.", 0 },
	F_END
};

static const struct args_arg routes_test_args[] = {
	{ "labels", ARGS_STRINGS,
	    "List of labels to be tested against the configured routes.", 0 },
	A_END
};

static const struct args_flag render_flags[] = {
	/* Required unless --template.defaults: cmd_template_render checks. */
	{ "template.glob", 0, ARGS_STRINGS, NULL, NULL, NULL, "Glob of paths "
	    "that will be expanded and used for rendering (required unless "
	    "--template.defaults).", 0 },
	{ "template.text", 0, ARGS_STRING, NULL, NULL, NULL,
	    "The template that will be rendered.", ARGS_REQUIRED },
	{ "template.type", 0, ARGS_ENUM, NULL, "html,text", NULL, "The type "
	    "of the template. Can be either text (default) or html.", 0 },
	{ "template.data", 0, ARGS_FILE, NULL, NULL, NULL, "Full path to a "
	    "file which contains the data of the alert(-s) with which the "
	    "--template.text will be rendered. Must be in JSON (Go's "
	    "template.Data). If none has been specified then a predefined, "
	    "simple alert will be used for rendering.", 0 },
	{ "template.defaults", 0, ARGS_BOOL, NULL, NULL, NULL, "Load "
	    "alertd's default templates first (__subject, slack.default.*, "
	    "email.default.html, ...), as the server does for notifications; "
	    "--template.glob is then optional (alertctl).", 0 },
	F_END
};

static const struct args_arg completion_args[] = {
	{ "shell", ARGS_STRING, "bash or zsh", ARGS_REQUIRED },
	A_END
};

static int	run_check_config(struct args_ctx *ctx);

static const struct args_cmd commands[] = {
	{ "help", "Show help.", NULL, help_args, NULL, ARGS_HELP },
	{ "alert", "Add or query alerts.", NULL, NULL, NULL, ARGS_PRE },
	{ "alert query", "View and search through current alerts.\n\n"
	    "The arguments are matchers (name=value, name!=value, "
	    "name=~regex, name!~regex); if the first one is not a matcher it "
	    "is the alertname.  Without -a, -s, -i or -u only active alerts "
	    "are shown.", alert_query_flags, matcher_groups, cmd_alert_query,
	    ARGS_DEFAULT },
	{ "alert add", "Add a new alert.\n\n"
	    "The arguments are labels (name=value); if the first one is not "
	    "a label it is the alertname: alertctl alert add foo node=bar "
	    "--annotation=summary='...'", alert_add_flags, alert_add_args,
	    cmd_alert_add, 0 },
	{ "silence", "Add, expire or view silences. For more information and "
	    "additional flags see query help", NULL, NULL, NULL, ARGS_PRE },
	{ "silence add", "Add a new alertmanager silence\n\n"
	    "The arguments are matchers; if the first one is not a matcher it "
	    "is the alertname: alertctl silence add foo node=bar -c 'why'",
	    silence_add_flags, matcher_groups, cmd_silence_add, 0 },
	{ "silence expire", "expire an alertmanager silence", NULL,
	    silence_ids, cmd_silence_expire, 0 },
	{ "silence import", "Import alertmanager silences from JSON file or "
	    "stdin\n\nThe input is the output of `silence query -o json`.",
	    silence_import_flags, silence_import_args, cmd_silence_import, 0 },
	{ "silence query", "Query Alertmanager silences.\n\n"
	    "The arguments are matchers; if the first one is not a matcher it "
	    "is the alertname.  --within shows silences that expire within "
	    "the duration (with --expired: that expired within it).",
	    silence_query_flags, matcher_groups, cmd_silence_query,
	    ARGS_DEFAULT },
	{ "silence update", "Update silences", silence_update_flags,
	    update_ids, cmd_silence_update, 0 },
	{ "check-config", "Validate alertmanager config files\n\n"
	    "Will validate the syntax and schema for alertmanager config "
	    "files and associated templates.", NULL, check_files,
	    run_check_config, 0 },
	{ "cluster", "View cluster status and peers.", NULL, NULL, NULL, 0 },
	{ "cluster show", "View cluster status and peers.", NULL, NULL,
	    cmd_cluster_show, ARGS_DEFAULT | ARGS_PRE },
	{ "config", "View current config.\n\n"
	    "-o simple prints the running config, extended adds the version "
	    "information and uptime, json the whole status.", NULL, NULL, NULL,
	    0 },
	{ "config show", "View current config.", NULL, NULL, cmd_config_show,
	    ARGS_DEFAULT | ARGS_PRE },
	{ "config routes", "Prints alert routing tree\n\n"
	    "The routes come from --config.file or from the running "
	    "Alertmanager.", routes_flags, NULL, NULL, 0 },
	{ "config routes show", "Prints alert routing tree", NULL, NULL,
	    cmd_config_routes_show, ARGS_DEFAULT },
	{ "config routes test", "Test alert routing\n\n"
	    "Prints the receivers an alert with the given labels goes to.",
	    routes_test_flags, routes_test_args, cmd_config_routes_test, 0 },
	{ "template", "Render template files.", NULL, NULL, NULL, 0 },
	{ "template render", "Render a given definition in a template file to "
	    "standard output.\n\n"
	    "As amtool 0.25, alertctl loads only the files matching "
	    "--template.glob (Go's glob syntax), each as a template named "
	    "after the file; with --template.defaults also alertd's default "
	    "templates.", render_flags, NULL, cmd_template_render, 0 },
	{ "completion", "Print a shell completion script (bash or zsh) "
	    "(alertctl).\n\n  source <(alertctl completion bash)", NULL,
	    completion_args, cmd_completion, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static int
run_check_config(struct args_ctx *ctx)
{
	char *const	*files;
	char		**argv;
	size_t		 n, i;
	int		 rc;

	files = args_list(ctx, "check-files", &n);
	argv = xcalloc(n + 2, sizeof(*argv));
	argv[0] = (char *)"check-config";
	for (i = 0; i < n; i++)
		argv[i + 1] = files[i];
	fflush(stdout);
	rc = cmd_check_config(cli_of(ctx)->prog, (int)n + 1, argv);
	free(argv);
	return rc;
}

/*
 * amtool's requireAlertManagerURL: the URL is unset only when the flag
 * was given a value url.Parse rejects; this pre-action then reports it
 * before the value error itself would be.
 */
static int
require_url(const struct args_ctx *ctx, const struct args_cmd *cmd,
    struct ad_err *err)
{
	(void)cmd;
	if (args_get(ctx, "alertmanager.url") != NULL)
		return 0;
	return ad_err_set(err, AD_EINVAL,
	    "required flag --alertmanager.url not provided");
}

static const char *
conf_lookup(const char *flag, void *conf)
{
	return amconf_get(conf, flag);
}

/* Environment, alertctl's file, then amtool's files. */
static int
load_conf(struct amconf *conf, struct ad_err *err)
{
	const char	*env = getenv("ALERTCTL_URL");
	const char	*home = getenv("HOME");
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	char		*path;
	int		 rc = 0;

	if (env != NULL && *env != '\0')
		amconf_set(conf, "alertmanager.url", env);
	if (getenv("ALERTCTL_CONFIG") != NULL)
		path = xstrdup(getenv("ALERTCTL_CONFIG"));
	else if (xdg != NULL && *xdg != '\0')
		path = xasprintf("%s/alertctl.yml", xdg);
	else
		path = xasprintf("%s/.config/alertctl.yml",
		    home != NULL ? home : "");
	rc |= amconf_load(conf, path, err);
	free(path);
	if (rc != 0)
		return -1;
	path = xasprintf("%s/.config/prometheus/amtool.yml",
	    home != NULL ? home : "");
	rc |= amconf_load(conf, path, err);
	free(path);
	if (rc != 0)
		return -1;
	return amconf_load(conf, "/etc/prometheus/amtool.yml", err);
}

static void
fill_cli(struct cli *c, struct args_ctx *ctx)
{
	const char	*o = args_get(ctx, "output");
	ad_dur_t	 d = 0;

	c->output = strcmp(o, "json") == 0 ? CLI_OUT_JSON :
	    strcmp(o, "extended") == 0 ? CLI_OUT_EXTENDED : CLI_OUT_SIMPLE;
	c->date_format = args_get(ctx, "date.format");
	if (c->date_format == NULL)
		c->date_format = "";
	c->copts.url = args_get(ctx, "alertmanager.url");
	c->copts.http_config = args_get(ctx, "http.config.file");
	if (args_get(ctx, "timeout") != NULL)
		(void)dur_parse_go(args_get(ctx, "timeout"), &d, NULL);
	c->copts.timeout = d;
	c->copts.verbose = args_bool(ctx, "verbose");
	c->version_check = args_bool(ctx, "version-check");
}

int
main(int argc, char **argv)
{
	struct args_app	 app = {
		.name = "alertctl", .help = app_help, .flags = global_flags,
		.cmds = commands, .conf = conf_lookup,
		.completion = cli_completion_script, .pre = require_url,
		.version = "alertctl, version " ALERTCTL_VERSION
		    " (alertd; amtool 0.25 compatible)",
	};
	struct cli	 c = { 0 };
	struct args_ctx	 ctx;
	struct ad_err	 err = { 0 };
	struct amconf	*conf = amconf_new();
	char		*prog = xstrdup(argc > 0 ? argv[0] : "alertctl");
	int		 rc = 1;

	c.prog = basename(prog);
	app.conf_ctx = conf;
	if (load_conf(conf, &err) == -1) {
		ad_err_prefix(&err, "could not load config file");
		rc = cli_error(&c, &err);
		goto out;
	}
	switch (args_parse(&app, argc - 1, argv + 1, &ctx, &err)) {
	case ARGS_EXIT_OK:
		rc = 0;
		goto out;
	case ARGS_FAIL:
		rc = cli_error(&c, &err);
		goto out;
	case ARGS_FATAL:
		rc = cli_fatal(&c, &err);
		goto out;
	case ARGS_RUN:
		break;
	}
	fill_cli(&c, &ctx);
	ctx.user = &c;
	rc = ctx.cmd->run(&ctx);
	args_ctx_release(&ctx);
out:
	amconf_free(conf);
	free(prog);
	return rc;
}

/*
 * alertctl's kingpin-compatible parser: token rules, default
 * subcommands, kingpin's error texts and its quirks, defaults from
 * configuration, value checks.  Expected texts are amtool 0.25's (run
 * `amtool <args>` to see them).
 */
#include "alertd/cli/args.c"
#include "alertd/cli/args_usage.c"
#include "alertd/gourl.h"

#include <check.h>

#define T_END	{ NULL, 0, ARGS_BOOL, NULL, NULL, NULL, NULL, 0 }
#define A_END	{ NULL, ARGS_STRING, NULL, 0 }

static int
run_nothing(struct args_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const struct args_flag g_flags[] = {
	{ "help", 'h', ARGS_BOOL, NULL, NULL, NULL, "help", ARGS_HELP },
	{ "verbose", 'v', ARGS_BOOL, NULL, NULL, NULL, "verbose", 0 },
	{ "url", 0, ARGS_URL, "http://localhost:9093/", NULL, NULL, "url", 0 },
	{ "output", 'o', ARGS_ENUM, "simple", "simple,extended,json", NULL,
	    "output", 0 },
	{ "timeout", 0, ARGS_DURATION, "30s", NULL, NULL, "timeout", 0 },
	{ "check", 0, ARGS_BOOL, "true", NULL, NULL, "check", 0 },
	{ "version", 0, ARGS_BOOL, NULL, NULL, NULL, "version", ARGS_VERSION },
	T_END
};

static const struct args_flag q_flags[] = {
	{ "active", 'a', ARGS_BOOL, NULL, NULL, NULL, "active", 0 },
	{ "receiver", 'r', ARGS_STRING, NULL, NULL, NULL, "receiver", 0 },
	T_END
};

static const struct args_flag add_flags[] = {
	{ "annotation", 0, ARGS_STRINGS, NULL, NULL, NULL, "annotation", 0 },
	{ "workers", 'w', ARGS_INT, "8", NULL, NULL, "workers", 0 },
	T_END
};

static const struct args_flag sq_flags[] = {
	{ "quiet", 'q', ARGS_BOOL, NULL, NULL, NULL, "quiet", 0 },
	{ "within", 0, ARGS_DURATION, NULL, NULL, NULL, "within", 0 },
	T_END
};

static const struct args_flag sa_flags[] = {
	{ "comment", 'c', ARGS_STRING, NULL, NULL, NULL, "comment", 0 },
	{ "duration", 'd', ARGS_STRING, "1h", NULL, NULL, "duration", 0 },
	T_END
};

static const struct args_flag r_flags[] = {
	{ "glob", 0, ARGS_STRINGS, NULL, NULL, NULL, "glob", ARGS_REQUIRED },
	T_END
};

static const struct args_arg groups[] = {
	{ "matcher-groups", ARGS_STRINGS, "filter", 0 },
	A_END
};

static const struct args_arg help_args[] = {
	{ "command", ARGS_STRINGS, "command", 0 },
	A_END
};

static const struct args_cmd t_cmds[] = {
	{ "help", "Show help.", NULL, help_args, NULL, ARGS_HELP },
	{ "alert", "Alerts.", NULL, NULL, NULL, ARGS_PRE },
	{ "alert query", "Query.", q_flags, groups, run_nothing, ARGS_DEFAULT },
	{ "alert add", "Add.", add_flags, groups, run_nothing, 0 },
	{ "silence", "Silences.", NULL, NULL, NULL, 0 },
	{ "silence add", "Add.", sa_flags, groups, run_nothing, 0 },
	{ "silence query", "Query.", sq_flags, groups, run_nothing,
	    ARGS_DEFAULT },
	{ "template", "Templates.", NULL, NULL, NULL, 0 },
	{ "template render", "Render.", r_flags, NULL, run_nothing, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static const char *conf_output, *conf_comment;

static const char *
t_conf(const char *flag, void *ctx)
{
	(void)ctx;
	if (strcmp(flag, "output") == 0)
		return conf_output;
	if (strcmp(flag, "comment") == 0)
		return conf_comment;
	return NULL;
}

static int
t_pre(const struct args_ctx *ctx, const struct args_cmd *cmd,
    struct ad_err *err)
{
	(void)cmd;
	if (args_get(ctx, "url") == NULL)
		return ad_err_set(err, AD_EINVAL,
		    "required flag --url not provided");
	return 0;
}

static const struct args_app t_app = {
	.name = "t", .help = "Test.", .flags = g_flags, .cmds = t_cmds,
	.version = "t 1.0", .conf = t_conf, .pre = t_pre,
};

/* Parses a NULL-terminated argv; stdout (help, version) is discarded. */
static enum args_result
parse_v(struct args_ctx *ctx, struct ad_err *err, const char **argv)
{
	enum args_result r;
	int		 argc = 0, saved;
	FILE		*devnull;

	while (argv[argc] != NULL)
		argc++;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	devnull = fopen("/dev/null", "w");
	dup2(fileno(devnull), STDOUT_FILENO);
	memset(err, 0, sizeof(*err));
	r = args_parse(&t_app, argc, (char **)argv, ctx, err);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(devnull);
	return r;
}

#define PARSE(ctx, err, ...) \
	parse_v((ctx), (err), (const char *[]){ __VA_ARGS__, NULL })

static void
expect_error(const char *want, const char **argv)
{
	struct args_ctx	ctx;
	struct ad_err	err;

	ck_assert_int_eq(parse_v(&ctx, &err, argv), ARGS_FAIL);
	ck_assert_str_eq(err.msg, want);
}

#define EXPECT_ERROR(want, ...) \
	expect_error((want), (const char *[]){ __VA_ARGS__, NULL })

START_TEST(args_default_subcommands)
{
	struct args_ctx	ctx;
	struct ad_err	err;
	size_t		n;

	ck_assert_int_eq(PARSE(&ctx, &err, "alert"), ARGS_RUN);
	ck_assert_str_eq(ctx.cmd->path, "alert query");
	ck_assert_str_eq(args_get(&ctx, "output"), "simple");
	ck_assert(!args_isset(&ctx, "output"));
	args_ctx_release(&ctx);
	/* A word that is no subcommand goes to the default one. */
	ck_assert_int_eq(PARSE(&ctx, &err, "alert", "foo", "-a"), ARGS_RUN);
	ck_assert_str_eq(ctx.cmd->path, "alert query");
	ck_assert_str_eq(args_list(&ctx, "matcher-groups", &n)[0], "foo");
	ck_assert(args_bool(&ctx, "active"));
	args_ctx_release(&ctx);
	/* So does a flag only the default subcommand knows. */
	ck_assert_int_eq(PARSE(&ctx, &err, "silence", "-q"), ARGS_RUN);
	ck_assert_str_eq(ctx.cmd->path, "silence query");
	ck_assert(args_bool(&ctx, "quiet"));
	args_ctx_release(&ctx);
}
END_TEST

START_TEST(args_token_forms)
{
	struct args_ctx	ctx;
	struct ad_err	err;
	size_t		n;
	char *const	*v;

	ck_assert_int_eq(PARSE(&ctx, &err, "--output=json", "alert"), ARGS_RUN);
	ck_assert_str_eq(args_get(&ctx, "output"), "json");
	args_ctx_release(&ctx);
	ck_assert_int_eq(PARSE(&ctx, &err, "-ojson", "alert"), ARGS_RUN);
	ck_assert_str_eq(args_get(&ctx, "output"), "json");
	args_ctx_release(&ctx);
	ck_assert_int_eq(PARSE(&ctx, &err, "-vojson", "alert"), ARGS_RUN);
	ck_assert(args_bool(&ctx, "verbose"));
	ck_assert_str_eq(args_get(&ctx, "output"), "json");
	args_ctx_release(&ctx);
	ck_assert_int_eq(PARSE(&ctx, &err, "alert", "-r", "x", "--", "-a"),
	    ARGS_RUN);
	ck_assert_str_eq(args_get(&ctx, "receiver"), "x");
	ck_assert(!args_bool(&ctx, "active"));
	ck_assert_str_eq(args_list(&ctx, "matcher-groups", &n)[0], "-a");
	args_ctx_release(&ctx);
	ck_assert_int_eq(PARSE(&ctx, &err, "--no-check", "alert"), ARGS_RUN);
	ck_assert(!args_bool(&ctx, "check"));
	args_ctx_release(&ctx);
	ck_assert_int_eq(PARSE(&ctx, &err, "alert", "add", "--annotation=a=1",
	    "x", "--annotation", "b=2"), ARGS_RUN);
	v = args_list(&ctx, "annotation", &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "a=1");
	ck_assert_str_eq(v[1], "b=2");
	ck_assert_str_eq(args_get(&ctx, "workers"), "8");
	args_ctx_release(&ctx);
}
END_TEST

START_TEST(args_kingpin_errors)
{
	EXPECT_ERROR("unknown long flag '--foo'", "--foo");
	EXPECT_ERROR("unknown short flag '-x'", "-x");
	EXPECT_ERROR("unknown short flag '-'", "-", "alert");
	EXPECT_ERROR("unknown long flag '--no-output'", "--no-output");
	EXPECT_ERROR("expected argument for flag '-o'", "-o");
	EXPECT_ERROR("expected argument for flag '--output'", "--output");
	EXPECT_ERROR("expected argument for flag '-d'", "silence", "add", "-d");
	EXPECT_ERROR("expected command but got \"bogus\"", "bogus");
	EXPECT_ERROR("must select a subcommand of 'template'", "template");
	EXPECT_ERROR("required flag --glob not provided", "template",
	    "render");
	EXPECT_ERROR("enum value must be one of simple,extended,json, "
	    "got 'xml'", "-o", "xml", "alert");
	EXPECT_ERROR("enum value must be one of simple,extended,json, "
	    "got '=json'", "-o=json", "alert");
	EXPECT_ERROR("flag 'output' cannot be repeated", "alert", "-o", "json",
	    "--output", "simple");
	EXPECT_ERROR("time: invalid duration \"abc\"", "--timeout=abc",
	    "alert");
	EXPECT_ERROR("time: missing unit in duration \"1\"", "--timeout=1",
	    "alert");
	EXPECT_ERROR("time: unknown unit \"x\" in duration \"5x\"",
	    "--timeout=5x", "alert");
	EXPECT_ERROR("strconv.ParseFloat: parsing \"x\": invalid syntax",
	    "alert", "add", "-w", "x");
	EXPECT_ERROR("unexpected extra", "template", "render", "--glob=a",
	    "extra");
	EXPECT_ERROR("failed to open arguments file \"/nonexistent\": open "
	    "/nonexistent: no such file or directory", "@/nonexistent");
}
END_TEST

/* kingpin's push-back quirks, as amtool shows them. */
START_TEST(args_kingpin_quirks)
{
	struct args_ctx	ctx;
	struct ad_err	err;

	/* The flag loses its value; the default subcommand runs. */
	ck_assert_int_eq(PARSE(&ctx, &err, "silence", "--output"), ARGS_RUN);
	ck_assert_str_eq(ctx.cmd->path, "silence query");
	ck_assert_str_eq(args_get(&ctx, "output"), "simple");
	args_ctx_release(&ctx);
	/* The lookahead was pushed twice. */
	EXPECT_ERROR("flag 'quiet' cannot be repeated", "silence", "--output",
	    "-q");
	/* A bool flag takes no value: "=maybe" becomes an argument. */
	ck_assert_int_eq(PARSE(&ctx, &err, "alert", "--active=maybe"),
	    ARGS_RUN);
	ck_assert(args_bool(&ctx, "active"));
	ck_assert_str_eq(args_get(&ctx, "matcher-groups"), "maybe");
	args_ctx_release(&ctx);
}
END_TEST

START_TEST(args_config_defaults)
{
	struct args_ctx	ctx;
	struct ad_err	err;

	conf_output = "json";
	conf_comment = "from config";
	ck_assert_int_eq(PARSE(&ctx, &err, "silence", "add", "x"), ARGS_RUN);
	ck_assert_str_eq(args_get(&ctx, "output"), "json");
	ck_assert_str_eq(args_get(&ctx, "comment"), "from config");
	args_ctx_release(&ctx);
	ck_assert_int_eq(PARSE(&ctx, &err, "-o", "extended", "silence", "add",
	    "-c", "given"), ARGS_RUN);
	ck_assert_str_eq(args_get(&ctx, "output"), "extended");
	ck_assert_str_eq(args_get(&ctx, "comment"), "given");
	args_ctx_release(&ctx);
	conf_output = "xml";
	EXPECT_ERROR("enum value must be one of simple,extended,json, "
	    "got 'xml'", "alert");
	conf_output = conf_comment = NULL;
}
END_TEST

START_TEST(args_exit_and_pre)
{
	struct args_ctx	ctx;
	struct ad_err	err;

	ck_assert_int_eq(PARSE(&ctx, &err, "--help"), ARGS_EXIT_OK);
	ck_assert_int_eq(PARSE(&ctx, &err, "alert", "--help"), ARGS_EXIT_OK);
	ck_assert_int_eq(PARSE(&ctx, &err, "--version", "-o", "xml"),
	    ARGS_EXIT_OK);
	ck_assert_int_eq(PARSE(&ctx, &err, "help", "alert"), ARGS_EXIT_OK);
	ck_assert_int_eq(parse_v(&ctx, &err, (const char *[]){ NULL }),
	    ARGS_EXIT_OK);
	/* The pre-action reports before the value error does. */
	ck_assert_int_eq(PARSE(&ctx, &err, "--url=::", "alert"), ARGS_FATAL);
	ck_assert_str_eq(err.msg, "required flag --url not provided");
	EXPECT_ERROR("invalid URL: parse \"::\": missing protocol scheme",
	    "--url=::", "template", "render", "--glob=x");
}
END_TEST

START_TEST(args_values)
{
	struct ad_err	err;
	bool		b;

	ck_assert_int_eq(args_parse_bool("True", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(args_parse_bool("0", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(args_parse_bool("yes", &b), -1);
	ck_assert_int_eq(args_check_value(ARGS_BOOL, NULL, "yes", &err), -1);
	ck_assert_str_eq(err.msg,
	    "strconv.ParseBool: parsing \"yes\": invalid syntax");
	ck_assert_int_eq(args_check_value(ARGS_INT, NULL, "2.5", &err), 0);
	ck_assert_int_eq(args_check_value(ARGS_EXISTING_FILE, NULL,
	    "/nonexistent", &err), -1);
	ck_assert_str_eq(err.msg, "path '/nonexistent' does not exist");
	ck_assert_int_eq(args_check_value(ARGS_EXISTING_FILE, NULL, "/tmp/",
	    &err), -1);
	ck_assert_str_eq(err.msg, "'tmp' is a directory");
	ck_assert_int_eq(args_check_value(ARGS_FILE, NULL, "/nonexistent",
	    &err), -1);
	ck_assert_str_eq(err.msg,
	    "open /nonexistent: no such file or directory");
	ck_assert_int_eq(args_check_value(ARGS_URL, NULL, "http://[::1",
	    &err), -1);
	ck_assert_str_eq(err.msg,
	    "invalid URL: parse \"http://[::1\": missing ']' in host");
	ck_assert_int_eq(args_check_value(ARGS_URL, NULL, "http://h:x/",
	    &err), -1);
	ck_assert_str_eq(err.msg,
	    "invalid URL: parse \"http://h:x/\": invalid port \":x\" after "
	    "host");
	ck_assert_int_eq(args_check_value(ARGS_URL, NULL, "a b:c", &err), -1);
	ck_assert_str_eq(err.msg, "invalid URL: parse \"a b:c\": first path "
	    "segment in URL cannot contain colon");
	ck_assert_int_eq(args_check_value(ARGS_URL, NULL,
	    "https://u:p%41@h:1/x%2Fy", &err), 0);
}
END_TEST

START_TEST(gourl_pieces)
{
	struct gourl	u;

	ck_assert_int_eq(gourl_parse("HTTPS://user:p%40ss@host:9093/am/",
	    &u, NULL), 0);
	ck_assert_str_eq(u.scheme, "https");
	ck_assert_str_eq(u.user, "user");
	ck_assert_str_eq(u.password, "p@ss");
	ck_assert_str_eq(u.host, "host:9093");
	ck_assert_str_eq(u.path, "/am/");
	gourl_release(&u);
	ck_assert_int_eq(gourl_parse("localhost:9093", &u, NULL), 0);
	ck_assert_str_eq(u.scheme, "localhost");
	ck_assert(u.opaque);
	gourl_release(&u);
	ck_assert_int_eq(gourl_parse("", &u, NULL), 0);
	ck_assert_str_eq(u.host, "");
	gourl_release(&u);
}
END_TEST

START_TEST(args_usage_layout)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	args_usage(&t_app, "alert query", &b);
	ck_assert_msg(strncmp(buf_str(&b), "usage: t alert query [<flags>] "
	    "[<matcher-groups>...]\n\nQuery.\n\nFlags:\n", 64) == 0, "%s",
	    buf_str(&b));
	/* The first column is as wide as its widest entry under 30. */
	ck_assert_ptr_nonnull(strstr(buf_str(&b),
	    "\n  -o, --output=simple      output\n"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b),
	    "\n      --url=http://localhost:9093/  \n"
	    "                           url\n"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b),
	    "Args:\n  [<matcher-groups>]  filter\n"));
	buf_reset(&b);
	args_usage(&t_app, "", &b);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "Commands:\n  help "
	    "[<command>...]\n  alert\n    query* [<flags>] "
	    "[<matcher-groups>...]\n"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b),
	    "  template\n    render --glob=GLOB\n"));
	buf_release(&b);
}
END_TEST

Suite *
cli_args_suite(void)
{
	Suite	*s = suite_create("cli_args");
	TCase	*tc = tcase_create("args");

	tcase_add_test(tc, args_default_subcommands);
	tcase_add_test(tc, args_token_forms);
	tcase_add_test(tc, args_kingpin_errors);
	tcase_add_test(tc, args_kingpin_quirks);
	tcase_add_test(tc, args_config_defaults);
	tcase_add_test(tc, args_exit_and_pre);
	tcase_add_test(tc, args_values);
	tcase_add_test(tc, gourl_pieces);
	tcase_add_test(tc, args_usage_layout);
	suite_add_tcase(s, tc);
	return s;
}

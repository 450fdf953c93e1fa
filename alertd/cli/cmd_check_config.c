/*
 * check-config: amtool 0.25's `check-config FILE...` report ("Checking 'f'
 * SUCCESS", the "Found:" summary, "  FAILED: msg" with amtool's message,
 * the blank line after each file), exit 1 when any file fails.  Beyond
 * amtool, every error follows its file's report (amtool prints only the
 * first), each as "  file:line:col: path: msg", and what amtool would not
 * notice but alertd would refuse is a note.  A script that reads amtool's
 * lines finds them unchanged.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/cli/cfgerr.h"
#include "alertd/cli/cli.h"
#include "alertd/err.h"
#include "config/config.h"

static void
print_errs(const struct ad_errs *e, const char *prefix)
{
	size_t	i;

	for (i = 0; i < e->n; i++)
		printf("  %s%s: %s\n", prefix, e->v[i].where, e->v[i].msg);
}

static void
print_found(const struct config *c)
{
	printf("Found:\n");
	printf(" - global config\n");
	if (c->route != NULL)
		printf(" - route\n");
	printf(" - %zu inhibit rules\n", c->n_inhibit_rules);
	printf(" - %zu receivers\n", c->n_receivers);
	printf(" - %zu templates\n", c->n_templates);
	if (c->n_templates > 0)
		printf("  SUCCESS\n");
}

/* amtool's "  FAILED: <config.LoadFile's error>". */
static void
print_failed(const struct ad_errs *errs, const char *path)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	if (errs->n > 0)
		cfgerr_message(errs, path, &b);
	else
		buf_addstr(&b, "error");
	printf("  FAILED: %s\n", buf_str(&b));
	buf_release(&b);
}

/* Returns 0 when the file is valid for amtool 0.25. */
static int
check_one(const char *path)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct config_load_opts	 dopts = config_load_opts_daemon();
	struct ad_errs		 errs, warns, derrs;
	struct config		*c, *d;
	int			 rc = 0;

	ad_errs_init(&errs);
	ad_errs_init(&warns);
	ad_errs_init(&derrs);
	printf("Checking '%s'", path);
	c = config_load(path, &opts, &errs, &warns);
	if (c == NULL) {
		print_failed(&errs, path);
		rc = 1;
	} else {
		printf("  SUCCESS\n");
		print_found(c);
		/* What the daemon would add: *_file reads, senders. */
		d = config_load(path, &dopts, &derrs, NULL);
		if (d == NULL)
			print_errs(&derrs, "note: alertd would refuse: ");
		config_unref(d);
	}
	printf("\n");
	if (c == NULL)
		print_errs(&errs, "");
	print_errs(&warns, "warning: ");
	config_unref(c);
	ad_errs_release(&errs);
	ad_errs_release(&warns);
	ad_errs_release(&derrs);
	return rc;
}

int
cmd_check_config(const char *prog, int argc, char **argv)
{
	struct stat	st;
	int		i, failed = 0;

	for (i = 1; i < argc; i++)
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: error: path '%s' does not "
			    "exist\n\n", prog, argv[i]);
			return 1;
		}
	if (argc < 2) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "%s: error: Failed to read from "
			    "standard input\n", prog);
			return 1;
		}
		failed += check_one("/dev/stdin");
	}
	for (i = 1; i < argc; i++)
		failed += check_one(argv[i]);
	if (failed > 0) {
		fflush(stdout);
		fprintf(stderr, "%s: error: failed to validate %d file(s)\n\n",
		    prog, failed);
		return 1;
	}
	return 0;
}

/*
 * alertctl: an amtool-compatible CLI.  For now only `check-config`;
 * commands are dispatched through the table below.
 */
#include <stdio.h>
#include <string.h>

#include "alertd/cli/cli.h"

static const struct cli_cmd commands[] = {
	{ "check-config", "Validate alertmanager config files",
	    cmd_check_config },
	{ NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: alertctl <command> [<args> ...]\n\nCommands:\n");
	for (i = 0; commands[i].name != NULL; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
}

int
main(int argc, char **argv)
{
	size_t	i;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; commands[i].name != NULL; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "alertctl: error: expected command but got \"%s\"\n",
	    argv[1]);
	return 1;
}

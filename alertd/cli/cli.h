/*
 * cli: alertctl's commands.  main.c dispatches argv[1] through a table of
 * struct cli_cmd; each command lives in cmd_<name>.c.
 * Thread: main only.
 */
#ifndef ALERTD_CLI_CLI_H
#define ALERTD_CLI_CLI_H

struct cli_cmd {
	const char	*name;		/* "check-config" */
	const char	*help;		/* one line */
	int		(*run)(int argc, char **argv);	/* argv[0] = name */
};

int	cmd_check_config(int argc, char **argv);

#endif

/*
 * alertctl: placeholder main until the CLI lands.
 */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "alertctl: not yet\n");
	return 1;
}

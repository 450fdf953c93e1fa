/*
 * alertd: placeholder main until the daemon lands.
 */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "alertd: not yet\n");
	return 1;
}

/*
 * Runs every Check suite of tests/unit (listed by gen-suites.sh).
 * CK_FORK stays on so that a crash fails only its own test; set
 * CK_FORK=no to debug one under gdb.  UNIT_SUITE=name runs one suite.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

int
main(void)
{
	SRunner		*sr = NULL;
	const char	*only = getenv("UNIT_SUITE");
	size_t		 i;
	int		 failed;

	for (i = 0; unit_suites[i].name != NULL; i++) {
		Suite	*s;

		if (only != NULL && strcmp(only, unit_suites[i].name) != 0)
			continue;
		s = unit_suites[i].fn();
		if (sr == NULL)
			sr = srunner_create(s);
		else
			srunner_add_suite(sr, s);
	}
	if (sr == NULL)
		return 1;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

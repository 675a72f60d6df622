/*
 * check_arbor.c: runs every unit test suite (the pure core: config loading,
 * durations, argv splitting, variables and environment files, events, the
 * supervision state machine and the control protocol, admin requests and
 * reload, readiness and restart backoff, pools, and arborctl top's view).
 * Exits non-zero if any test fails.
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner *sr = srunner_create(duration_suite());
	int failed;

	srunner_add_suite(sr, argv_suite());
	srunner_add_suite(sr, expand_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, event_suite());
	srunner_add_suite(sr, tree_suite());
	srunner_add_suite(sr, proto_suite());
	srunner_add_suite(sr, admin_suite());
	srunner_add_suite(sr, lifecycle_suite());
	srunner_add_suite(sr, pool_suite());
	srunner_add_suite(sr, machine_suite());
	srunner_add_suite(sr, cgroup_suite());
	srunner_add_suite(sr, limits_suite());
	srunner_add_suite(sr, health_suite());
	srunner_add_suite(sr, listen_suite());
	srunner_add_suite(sr, top_suite());
	srunner_add_suite(sr, roll_suite());
	srunner_add_suite(sr, prom_suite());
	srunner_add_suite(sr, handoff_suite());
	srunner_add_suite(sr, handoff_live_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * suites.h: every Check suite of the unit test runner, and the size of a
 * table of cases for tcase_add_loop_test.
 */
#ifndef ARBOR_SUITES_H
#define ARBOR_SUITES_H

#include <check.h>

/* The number of cases in the table A. */
#define NELEM(a)	((int)(sizeof (a) / sizeof (a)[0]))

Suite	*duration_suite(void);
Suite	*argv_suite(void);
Suite	*expand_suite(void);
Suite	*config_suite(void);
Suite	*event_suite(void);
Suite	*tree_suite(void);
Suite	*proto_suite(void);
Suite	*admin_suite(void);
Suite	*lifecycle_suite(void);
Suite	*pool_suite(void);
Suite	*machine_suite(void);
Suite	*cgroup_suite(void);
Suite	*limits_suite(void);
Suite	*health_suite(void);
Suite	*listen_suite(void);
Suite	*top_suite(void);
Suite	*roll_suite(void);
Suite	*prom_suite(void);
Suite	*handoff_suite(void);
Suite	*handoff_live_suite(void);

#endif

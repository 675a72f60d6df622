/* suites.h: every Check suite of the unit test runner. */
#ifndef ARBOR_SUITES_H
#define ARBOR_SUITES_H

#include <check.h>

Suite	*duration_suite(void);
Suite	*argv_suite(void);
Suite	*config_suite(void);
Suite	*event_suite(void);
Suite	*tree_suite(void);
Suite	*proto_suite(void);
Suite	*admin_suite(void);
Suite	*lifecycle_suite(void);
Suite	*pool_suite(void);
Suite	*machine_suite(void);

#endif

/*
 * test_cgroup.c: what the kernel writes about cgroup v2, parsed: the
 * hierarchy's mount point (unified, hybrid, none, escaped), this
 * process's cgroup, keyed files (cgroup.events, cpu.stat, memory.events)
 * and single values with "max".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgparse.h"
#include "suites.h"

static const char mi_hybrid[] =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
    "rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char mi_unified[] =
    "22 1 0:21 / / rw shared:1 - ext4 /dev/sda1 rw\n"
    "26 22 0:23 / /sys/fs/cgroup rw,nosuid shared:9 master:2 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "90 22 0:40 / /mnt/other\\040cg rw - cgroup2 none rw\n";

static const char mi_escaped[] =
    "90 22 0:40 / /mnt/my\\040cg rw shared:3 - cgroup2 none rw\n";

static const char mi_none[] =
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "22 1 0:21 / / rw - ext4 /dev/sda1 rw\n"
    /* A mount point that merely looks like the type. */
    "23 1 0:22 / /cgroup2 rw - tmpfs cgroup2 rw\n";

START_TEST(test_mountinfo)
{
	char *s;

	ck_assert_str_eq(s = cg_mountinfo_v2(mi_hybrid),
	    "/sys/fs/cgroup/unified");
	free(s);
	ck_assert_str_eq(s = cg_mountinfo_v2(mi_unified), "/sys/fs/cgroup");
	free(s);
	ck_assert_str_eq(s = cg_mountinfo_v2(mi_escaped), "/mnt/my cg");
	free(s);
	ck_assert_ptr_null(cg_mountinfo_v2(mi_none));
	ck_assert_ptr_null(cg_mountinfo_v2(""));
	ck_assert_ptr_null(cg_mountinfo_v2("garbage without fields\n- x\n"));
}
END_TEST

START_TEST(test_self)
{
	char *s;

	ck_assert_str_eq(s = cg_self_path("9:name=systemd:/\n"
	    "4:memory:/x/y\n0::/\n"), "/");
	free(s);
	ck_assert_str_eq(s = cg_self_path(
	    "0::/system.slice/arbord.service\n"),
	    "/system.slice/arbord.service");
	free(s);
	ck_assert_str_eq(s = cg_self_path("0::/a b"), "/a b");
	free(s);
	ck_assert_ptr_null(cg_self_path("4:memory:/x\n1:cpu:/\n"));
	ck_assert_ptr_null(cg_self_path(""));
}
END_TEST

START_TEST(test_keyed)
{
	int64_t v = -7;

	ck_assert_int_eq(cg_keyed("populated 1\nfrozen 0\n", "populated",
	    &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(cg_keyed("populated 1\nfrozen 0\n", "frozen", &v),
	    0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(cg_keyed("usage_usec 123456\nuser_usec 100\n"
	    "system_usec 23456\n", "usage_usec", &v), 0);
	ck_assert_int_eq(v, 123456);
	ck_assert_int_eq(cg_keyed("low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n"
	    "oom_group_kill 0\n", "oom_kill", &v), 0);
	ck_assert_int_eq(v, 1);
	/* A key that is the prefix of another is not that other. */
	v = -7;
	ck_assert_int_eq(cg_keyed("oom_kill 5\n", "oom", &v), -1);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(cg_keyed("", "populated", &v), -1);
	ck_assert_int_eq(cg_keyed("populated x\n", "populated", &v), -1);
	ck_assert_int_eq(cg_keyed("populated -1\n", "populated", &v), -1);
}
END_TEST

START_TEST(test_single)
{
	int64_t v = 0;

	ck_assert_int_eq(cg_single("8192\n", &v), 0);
	ck_assert_int_eq(v, 8192);
	ck_assert_int_eq(cg_single("max\n", &v), 0);
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert_int_eq(cg_single("0", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(cg_single("", &v), -1);
	ck_assert_int_eq(cg_single("12k\n", &v), -1);
	ck_assert_int_eq(cg_single("maximum\n", &v), -1);
	ck_assert_int_eq(cg_single("99999999999999999999999\n", &v), -1);
}
END_TEST

START_TEST(test_controllers)
{
	ck_assert(cg_has_controller("cpuset cpu io memory pids\n", "memory"));
	ck_assert(cg_has_controller("cpuset cpu io memory pids\n", "pids"));
	ck_assert(cg_has_controller("cpu\n", "cpu"));
	ck_assert(!cg_has_controller("cpuset io\n", "cpu"));
	ck_assert(!cg_has_controller("hugetlb\n", "memory"));
	ck_assert(!cg_has_controller("", "memory"));
}
END_TEST

/* Each limit's value as its file gets it and as people read it. */
static const struct limit_case {
	enum cg_limit	 l;
	const char	*in;		/* as written in the file */
	const char	*file;		/* written to the cgroup */
	const char	*text;		/* shown */
} limit_cases[] = {
	{ CGL_MEMORY_MAX, "64M", "67108864", "64M" },
	{ CGL_MEMORY_MAX, "512K", "524288", "512K" },
	{ CGL_MEMORY_MAX, "2G", "2147483648", "2G" },
	{ CGL_MEMORY_MAX, "1536M", "1610612736", "1536M" },
	{ CGL_MEMORY_MAX, "1000", "1000", "1000" },
	{ CGL_MEMORY_MAX, "max", "max", "max" },
	{ CGL_MEMORY_HIGH, "1t", "1099511627776", "1T" },
	{ CGL_MEMORY_SWAP_MAX, "0", "0", "0" },
	{ CGL_CPU_MAX, "50%", "50000 100000", "50%" },
	{ CGL_CPU_MAX, "200%", "200000 100000", "200%" },
	{ CGL_CPU_MAX, "1%", "1000 100000", "1%" },
	{ CGL_CPU_MAX, "12.5%", "12500 100000", "12.5%" },
	{ CGL_CPU_MAX, "max", "max 100000", "max" },
	{ CGL_CPU_WEIGHT, "100", "100", "100" },
	{ CGL_IO_WEIGHT, "250", "default 250", "250" },
	{ CGL_PIDS_MAX, "64", "64", "64" },
	{ CGL_PIDS_MAX, "max", "max", "max" },
};

START_TEST(test_limit_values)
{
	const struct limit_case *lc = &limit_cases[_i];
	char *err = NULL, *f, *t;
	int64_t v;

	ck_assert_msg(cg_limit_parse(lc->l, lc->in, &v, &err) == 0,
	    "%s = %s: %s", cg_limit_key(lc->l), lc->in, err);
	ck_assert_str_eq(f = cg_limit_file_value(lc->l, v), lc->file);
	ck_assert_str_eq(t = cg_limit_text(lc->l, v), lc->text);
	free(f);
	free(t);
}
END_TEST

/* Rejected values, and what an unset limit writes back. */
START_TEST(test_limit_bad)
{
	static const struct { enum cg_limit l; const char *in; } bad[] = {
		{ CGL_MEMORY_MAX, "" }, { CGL_MEMORY_MAX, "-1" },
		{ CGL_MEMORY_MAX, "64MB" }, { CGL_MEMORY_MAX, "1.5G" },
		{ CGL_MEMORY_MAX, "infinity" },
		{ CGL_MEMORY_MAX, "99999999999999999999" },
		{ CGL_MEMORY_MAX, "9999999999999T" },
		{ CGL_CPU_MAX, "50" }, { CGL_CPU_MAX, "0%" },
		{ CGL_CPU_MAX, "0.5%" }, { CGL_CPU_MAX, "50 %" },
		{ CGL_CPU_MAX, "1.25%" }, { CGL_CPU_MAX, "%" },
		{ CGL_CPU_WEIGHT, "0" }, { CGL_CPU_WEIGHT, "10001" },
		{ CGL_CPU_WEIGHT, "max" }, { CGL_IO_WEIGHT, "x" },
		{ CGL_PIDS_MAX, "1k" }, { CGL_PIDS_MAX, "-5" },
	};
	char *err, *f;
	int64_t v = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		ck_assert_msg(cg_limit_parse(bad[i].l, bad[i].in, &v, &err) ==
		    -1, "%s = '%s' accepted", cg_limit_key(bad[i].l),
		    bad[i].in);
		ck_assert_ptr_nonnull(err);
		ck_assert_ptr_nonnull(strstr(err, cg_limit_key(bad[i].l)));
		free(err);
	}
	ck_assert_str_eq(f = cg_limit_file_value(CGL_MEMORY_MAX, CGL_UNSET),
	    "max");
	free(f);
	ck_assert_str_eq(f = cg_limit_file_value(CGL_CPU_WEIGHT, CGL_UNSET),
	    "100");
	free(f);
	ck_assert_str_eq(f = cg_limit_file_value(CGL_IO_WEIGHT, CGL_UNSET),
	    "default 100");
	free(f);
	ck_assert_str_eq(cg_limit_file(CGL_MEMORY_SWAP_MAX),
	    "memory.swap.max");
	ck_assert_str_eq(cg_limit_controller(CGL_IO_WEIGHT), "io");
}
END_TEST

Suite *
cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_mountinfo);
	tcase_add_test(tc, test_self);
	tcase_add_test(tc, test_keyed);
	tcase_add_test(tc, test_single);
	tcase_add_test(tc, test_controllers);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_loop_test(tc, test_limit_values, 0, NELEM(limit_cases));
	tcase_add_test(tc, test_limit_bad);
	suite_add_tcase(s, tc);
	return s;
}

// SPDX-License-Identifier: MIT
/*
 * Accounting: with CAP_IPC_LOCK nothing is charged (mode NONE); without it
 * charges go to the user (USER) or the process (MM) counter and a charge
 * past RLIMIT_MEMLOCK fails -ENOMEM with nothing charged; refunds restore.
 * Each case runs in a forked child, which drops the capability and lowers
 * the limit without touching the test runner.
 */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "umem/umem.h"
#include "util/page.h"

/* Clear `cap` from the calling thread's effective set. */
static int drop_effective(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[cap / 32].effective &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Child-side check: report the failing line through the exit status. */
#define CHILD_CHECK(c)                                                        \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "child check failed line %d: %s\n",   \
				__LINE__, #c);                                \
			_exit(1);                                             \
		}                                                             \
	} while (0)

static void run_in_child(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void set_memlock(uint64_t bytes)
{
	struct rlimit rl;

	CHILD_CHECK(getrlimit(RLIMIT_MEMLOCK, &rl) == 0);
	rl.rlim_cur = bytes;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < bytes)
		rl.rlim_cur = rl.rlim_max;
	CHILD_CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
}

/* Both limits to RLIM_INFINITY; false if the hard limit cannot be raised. */
static bool set_memlock_infinity(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	return setrlimit(RLIMIT_MEMLOCK, &rl) == 0;
}

static void child_capability(void)
{
	/* runs as root with CAP_IPC_LOCK, or not: both are checked */
	bool had = umem_capable(CAP_IPC_LOCK);

	if (had) {
		CHILD_CHECK(umem_account_mode_for(0) == UMEM_ACCOUNT_NONE);
		CHILD_CHECK(umem_account_mode_for(1) == UMEM_ACCOUNT_NONE);
		CHILD_CHECK(drop_effective(CAP_IPC_LOCK) == 0);
	}
	CHILD_CHECK(!umem_capable(CAP_IPC_LOCK));
	CHILD_CHECK(umem_account_mode_for(0) == UMEM_ACCOUNT_USER);
	CHILD_CHECK(umem_account_mode_for(1) == UMEM_ACCOUNT_MM);
	CHILD_CHECK(!umem_capable(-1));
	CHILD_CHECK(!umem_capable(64));
}

static void test_capability(void **state)
{
	(void)state;
	run_in_child(child_capability);
}

static void check_mode_limits(enum umem_account_mode mode,
			      enum umem_account_mode other)
{
	struct umem_mm *mm = umem_mm_current();
	uint64_t base;

	CHILD_CHECK(mm);
	drop_effective(CAP_IPC_LOCK);
	set_memlock(10 * PAGE_SIZE + PAGE_SIZE / 2); /* rounds down: 10 pages */

	base = umem_accounted(mm, mode);
	CHILD_CHECK(base == 0);
	CHILD_CHECK(umem_account(mm, mode, 4) == 0);
	CHILD_CHECK(umem_accounted(mm, mode) == 4);
	CHILD_CHECK(umem_accounted(mm, other) == 0);
	CHILD_CHECK(umem_account(mm, mode, 6) == 0);
	CHILD_CHECK(umem_accounted(mm, mode) == 10);
	/* at the limit: one more page fails and charges nothing */
	CHILD_CHECK(umem_account(mm, mode, 1) == -ENOMEM);
	CHILD_CHECK(umem_accounted(mm, mode) == 10);
	CHILD_CHECK(umem_account(mm, mode, INT64_MAX) == -ENOMEM);
	CHILD_CHECK(umem_accounted(mm, mode) == 10);
	/* refunds restore, then the charge fits again */
	CHILD_CHECK(umem_account(mm, mode, -3) == 0);
	CHILD_CHECK(umem_accounted(mm, mode) == 7);
	CHILD_CHECK(umem_account(mm, mode, 4) == -ENOMEM);
	CHILD_CHECK(umem_account(mm, mode, 3) == 0);
	CHILD_CHECK(umem_account(mm, mode, -10) == 0);
	CHILD_CHECK(umem_accounted(mm, mode) == 0);
	/* the limit is read at each charge */
	set_memlock(2 * PAGE_SIZE);
	CHILD_CHECK(umem_account(mm, mode, 3) == -ENOMEM);
	CHILD_CHECK(umem_account(mm, mode, 2) == 0);
	/* RLIM_INFINITY is no limit (raising the hard limit needs
	 * CAP_SYS_RESOURCE; without it the finite hard limit applies) */
	if (set_memlock_infinity()) {
		CHILD_CHECK(umem_account(mm, mode, 1000000) == 0);
		CHILD_CHECK(umem_accounted(mm, mode) == 1000002);
		CHILD_CHECK(umem_account(mm, mode, -1000000) == 0);
	} else {
		struct rlimit rl;

		CHILD_CHECK(getrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		CHILD_CHECK(umem_account(mm, mode, (int64_t)(rl.rlim_cur >> PAGE_SHIFT) - 1) == -ENOMEM);
	}
	CHILD_CHECK(umem_account(mm, mode, -2) == 0);
	CHILD_CHECK(umem_accounted(mm, mode) == 0);
	/* NONE never charges and never fails */
	set_memlock(0);
	CHILD_CHECK(umem_account(mm, UMEM_ACCOUNT_NONE, 5) == 0);
	CHILD_CHECK(umem_accounted(mm, UMEM_ACCOUNT_NONE) == 0);
	CHILD_CHECK(umem_account(mm, mode, 1) == -ENOMEM);
	umem_mm_put(mm);
}

static void child_user(void)
{
	check_mode_limits(UMEM_ACCOUNT_USER, UMEM_ACCOUNT_MM);
}

static void child_mm(void)
{
	check_mode_limits(UMEM_ACCOUNT_MM, UMEM_ACCOUNT_USER);
}

static void test_user_mode(void **state)
{
	(void)state;
	run_in_child(child_user);
}

static void test_mm_mode(void **state)
{
	(void)state;
	run_in_child(child_mm);
}

/* USER charges are per uid: two mm objects of one user share them. */
static void child_user_shared(void)
{
	struct umem_mm *a = umem_mm_current();
	struct umem_mm *b;
	pid_t pid;
	int status;

	CHILD_CHECK(a);
	set_memlock(8 * PAGE_SIZE);
	CHILD_CHECK(umem_account(a, UMEM_ACCOUNT_USER, 5) == 0);
	/* a grandchild builds its own mm, inheriting our charge table */
	pid = fork();
	CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		b = umem_mm_current();
		CHILD_CHECK(b && b != a);
		CHILD_CHECK(umem_accounted(b, UMEM_ACCOUNT_USER) == 5);
		CHILD_CHECK(umem_accounted(b, UMEM_ACCOUNT_MM) == 0);
		CHILD_CHECK(umem_account(b, UMEM_ACCOUNT_USER, 4) == -ENOMEM);
		CHILD_CHECK(umem_account(b, UMEM_ACCOUNT_MM, 4) == 0);
		CHILD_CHECK(umem_account(b, UMEM_ACCOUNT_MM, -4) == 0);
		_exit(0);
	}
	CHILD_CHECK(waitpid(pid, &status, 0) == pid);
	CHILD_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHILD_CHECK(umem_account(a, UMEM_ACCOUNT_USER, -5) == 0);
	umem_mm_put(a);
}

static void test_user_shared(void **state)
{
	(void)state;
	run_in_child(child_user_shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capability),
		cmocka_unit_test(test_user_mode),
		cmocka_unit_test(test_mm_mode),
		cmocka_unit_test(test_user_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

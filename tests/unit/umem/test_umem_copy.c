// SPDX-License-Identifier: MIT
/*
 * Argument copying: every kind of bad user buffer is -EFAULT, never a
 * crash; good buffers copy exactly; check_zeroed distinguishes zero,
 * non-zero and unreadable.  The last case prints the cost per call.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/page.h"

/* Two pages: the first read-write, the second as `prot2` (or unmapped if
 * prot2 < 0). */
static uint8_t *two_pages(int prot2)
{
	uint8_t *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	memset(p, 0x5a, 2 * PAGE_SIZE);
	if (prot2 < 0)
		assert_int_equal(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	else
		assert_int_equal(mprotect(p + PAGE_SIZE, PAGE_SIZE, prot2), 0);
	return p;
}

static void free_two(uint8_t *p)
{
	munmap(p, 2 * PAGE_SIZE);
}

static void test_copy_good(void **state)
{
	uint8_t src[72], dst[72];
	(void)state;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	memset(dst, 0, sizeof(dst));
	assert_int_equal(umem_copy_from_user(dst, (uintptr_t)src, sizeof(src)), 0);
	assert_memory_equal(dst, src, sizeof(src));

	memset(dst, 0, sizeof(dst));
	assert_int_equal(umem_copy_to_user((uintptr_t)dst, src, 40), 0);
	assert_memory_equal(dst, src, 40);
	assert_int_equal(dst[40], 0);
}

static void test_copy_len0(void **state)
{
	uint8_t b = 3;
	(void)state;

	/* nothing is touched, so even NULL is fine */
	assert_int_equal(umem_copy_from_user(&b, 0, 0), 0);
	assert_int_equal(umem_copy_to_user(0, &b, 0), 0);
	assert_int_equal(umem_check_zeroed_user(0, 0), 0);
	assert_int_equal(b, 3);
}

static void test_copy_null(void **state)
{
	uint8_t b[16] = { 0 };
	(void)state;

	assert_int_equal(umem_copy_from_user(b, 0, sizeof(b)), -EFAULT);
	assert_int_equal(umem_copy_to_user(0, b, sizeof(b)), -EFAULT);
	assert_int_equal(umem_check_zeroed_user(0, 8), -EFAULT);
	/* wrapping range */
	assert_int_equal(umem_copy_from_user(b, UINT64_MAX - 3, 8), -EFAULT);
	assert_int_equal(umem_copy_to_user(UINT64_MAX - 3, b, 8), -EFAULT);
	/* non-canonical / kernel address */
	assert_int_equal(umem_copy_from_user(b, 0xffff800000000000ull, 8),
			 -EFAULT);
}

static void test_copy_unmapped(void **state)
{
	uint8_t *p = two_pages(-1);
	uint8_t b[32];
	(void)state;

	assert_int_equal(umem_copy_from_user(b, (uintptr_t)p + PAGE_SIZE, 8),
			 -EFAULT);
	assert_int_equal(umem_copy_to_user((uintptr_t)p + PAGE_SIZE, b, 8),
			 -EFAULT);
	/* half-unmapped: the first 16 bytes are readable */
	assert_int_equal(umem_copy_from_user(b, (uintptr_t)p + PAGE_SIZE - 16,
					     32), -EFAULT);
	memset(b, 0x11, sizeof(b));
	assert_int_equal(umem_copy_to_user((uintptr_t)p + PAGE_SIZE - 16, b, 32),
			 -EFAULT);
	/* just inside still works */
	assert_int_equal(umem_copy_from_user(b, (uintptr_t)p + PAGE_SIZE - 16,
					     16), 0);
	free_two(p);
}

static void test_copy_prot_none(void **state)
{
	uint8_t *p = two_pages(PROT_NONE);
	uint8_t b[8] = { 0 };
	(void)state;

	assert_int_equal(umem_copy_from_user(b, (uintptr_t)p + PAGE_SIZE, 8),
			 -EFAULT);
	assert_int_equal(umem_copy_to_user((uintptr_t)p + PAGE_SIZE, b, 8),
			 -EFAULT);
	assert_int_equal(umem_copy_from_user(b, (uintptr_t)p + PAGE_SIZE - 4, 8),
			 -EFAULT);
	free_two(p);
}

static void test_copy_read_only(void **state)
{
	uint8_t *p = two_pages(PROT_READ);
	uint8_t b[8];
	(void)state;

	/* readable ... */
	assert_int_equal(umem_copy_from_user(b, (uintptr_t)p + PAGE_SIZE, 8), 0);
	assert_int_equal(b[0], 0x5a);
	/* ... but not writable, and nothing is written */
	memset(b, 0, sizeof(b));
	assert_int_equal(umem_copy_to_user((uintptr_t)p + PAGE_SIZE, b, 8),
			 -EFAULT);
	assert_int_equal(p[PAGE_SIZE], 0x5a);
	assert_int_equal(umem_copy_to_user((uintptr_t)p + PAGE_SIZE - 4, b, 8),
			 -EFAULT);
	free_two(p);
}

static void test_check_zeroed(void **state)
{
	uint8_t *p = two_pages(-1);
	uint64_t a = (uintptr_t)p;
	(void)state;

	memset(p, 0, PAGE_SIZE);
	assert_int_equal(umem_check_zeroed_user(a, PAGE_SIZE), 0);
	assert_int_equal(umem_check_zeroed_user(a + 3, 1000), 0);
	p[0] = 1;
	assert_int_equal(umem_check_zeroed_user(a, PAGE_SIZE), -E2BIG);
	assert_int_equal(umem_check_zeroed_user(a + 1, PAGE_SIZE - 1), 0);
	p[0] = 0;
	p[PAGE_SIZE - 1] = 0x80;
	assert_int_equal(umem_check_zeroed_user(a, PAGE_SIZE), -E2BIG);
	assert_int_equal(umem_check_zeroed_user(a, PAGE_SIZE - 1), 0);
	p[PAGE_SIZE - 1] = 0;
	/* zero head, unreadable tail */
	assert_int_equal(umem_check_zeroed_user(a + PAGE_SIZE - 8, 16), -EFAULT);
	assert_int_equal(umem_check_zeroed_user(a, PAGE_SIZE + 1), -EFAULT);
	/* non-zero before the unreadable tail stops early */
	p[PAGE_SIZE - 8] = 1;
	assert_int_equal(umem_check_zeroed_user(a + PAGE_SIZE - 8, 16), -E2BIG);
	free_two(p);
}

/* The copy points fail as a bad pointer would, and copy nothing. */
static void test_copy_fault_injection(void **state)
{
	uint8_t src[16], dst[16];
	(void)state;

#ifndef UIOMMUFD_FAULT_INJECTION
	skip();
#endif
	memset(src, 1, sizeof(src));
	memset(dst, 0, sizeof(dst));
	fault_inject_arm(1);
	assert_int_equal(umem_copy_from_user(dst, (uintptr_t)src, 16), -EFAULT);
	assert_true(fault_inject_fired());
	fault_inject_disarm();
	assert_int_equal(dst[0], 0);
	fault_inject_arm(1);
	assert_int_equal(umem_copy_to_user((uintptr_t)dst, src, 16), -EFAULT);
	fault_inject_disarm();
	assert_int_equal(dst[0], 0);
	fault_inject_arm(1);
	assert_int_equal(umem_check_zeroed_user((uintptr_t)dst, 16), -EFAULT);
	fault_inject_disarm();
	/* disarmed: everything works again */
	assert_int_equal(umem_copy_to_user((uintptr_t)dst, src, 16), 0);
	assert_memory_equal(dst, src, 16);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Not a pass/fail threshold (hosts differ): checks results, prints cost. */
static void test_copy_cost(void **state)
{
	uint8_t src[72], dst[72];
	const int iters = 20000;
	(void)state;

	memset(src, 0x33, sizeof(src));
	for (size_t len = 8; len <= 72; len += 32) {
		double t0 = now_ns(), t1, t2;

		for (int i = 0; i < iters; i++)
			assert_int_equal(umem_copy_from_user(dst, (uintptr_t)src,
							     len), 0);
		t1 = now_ns();
		for (int i = 0; i < iters; i++)
			assert_int_equal(umem_copy_to_user((uintptr_t)dst, src,
							   len), 0);
		t2 = now_ns();
		printf("# copy %zu bytes: from_user %.0f ns, to_user %.0f ns\n",
		       len, (t1 - t0) / iters, (t2 - t1) / iters);
	}
	assert_memory_equal(dst, src, 72);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_good),
		cmocka_unit_test(test_copy_len0),
		cmocka_unit_test(test_copy_null),
		cmocka_unit_test(test_copy_unmapped),
		cmocka_unit_test(test_copy_prot_none),
		cmocka_unit_test(test_copy_read_only),
		cmocka_unit_test(test_check_zeroed),
		cmocka_unit_test(test_copy_fault_injection),
		cmocka_unit_test(test_copy_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Fault injection: exactly the armed N-th point of the arming thread fails,
 * nth = 0 only counts, other threads are never affected, disarm reports the
 * count, and the fi_* allocators honour the points.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/fault_inject.h"

static void test_nth_point_fails_alone(void **state)
{
	(void)state;
	for (uint64_t nth = 1; nth <= 6; nth++) {
		fault_inject_arm(nth);
		assert_true(fault_inject_armed);
		for (uint64_t i = 1; i <= 6; i++) {
			bool failed = fault_inject_hit("p");

			assert_int_equal(failed, i == nth);
			assert_int_equal(fault_inject_fired(), i >= nth);
		}
		assert_int_equal(fault_inject_disarm(), 6);
		assert_false(fault_inject_armed);
	}
}

static void test_count_only_and_unarmed(void **state)
{
	(void)state;
	/* not armed: nothing fails, nothing is counted */
	for (int i = 0; i < 10; i++)
		assert_false(fault_inject_hit("idle"));
	assert_int_equal(fault_inject_disarm(), 0);

	fault_inject_arm(0);
	for (int i = 0; i < 100; i++)
		assert_false(fault_inject_hit("count"));
	assert_false(fault_inject_fired());
	assert_int_equal(fault_inject_disarm(), 100);

	/* re-arming restarts the count and the fired flag */
	fault_inject_arm(2);
	assert_false(fault_inject_hit("a"));
	assert_true(fault_inject_hit("b"));
	assert_true(fault_inject_fired());
	fault_inject_arm(1);
	assert_false(fault_inject_fired());
	assert_true(fault_inject_hit("c"));
	assert_false(fault_inject_hit("d"));
	assert_int_equal(fault_inject_disarm(), 2);
}

struct thread_result {
	int failures;
	uint64_t own_count;
	bool global_after_disarm;
};

static void *other_thread(void *arg)
{
	struct thread_result *r = arg;
	void *p;

	/* The main thread is armed with nth = 1; we are not. */
	for (int i = 0; i < 50; i++)
		r->failures += fault_inject_hit("other");
	p = fi_malloc("other", 16);
	if (!p)
		r->failures++;
	free(p);

	/* Arm and disarm here: the main thread stays armed. */
	fault_inject_arm(3);
	for (int i = 0; i < 4; i++)
		r->failures += fault_inject_hit("own") ? 100 : 0;
	r->own_count = fault_inject_disarm();
	r->global_after_disarm = fault_inject_armed;
	return NULL;
}

static void test_other_threads_unaffected(void **state)
{
	struct thread_result r = { 0 };
	pthread_t t;

	(void)state;
	fault_inject_arm(1);
	assert_int_equal(pthread_create(&t, NULL, other_thread, &r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* exactly the thread's own 3rd point failed, nothing else */
	assert_int_equal(r.failures, 100);
	assert_int_equal(r.own_count, 4);
	assert_true(r.global_after_disarm);
	assert_true(fault_inject_armed);
	/* our first point is still ahead of us */
	assert_false(fault_inject_fired());
	assert_true(fault_inject_hit("main"));
	assert_int_equal(fault_inject_disarm(), 1);
	assert_false(fault_inject_armed);
}

static void test_allocators(void **state)
{
	void *a, *b, *c;

	(void)state;
#ifdef UIOMMUFD_FAULT_INJECTION
	fault_inject_arm(2);
	a = fi_malloc("m", 32);
	assert_non_null(a);
	assert_null(fi_calloc("c", 4, 8)); /* point 2 */
	b = fi_calloc("c", 4, 8);
	assert_non_null(b);
	assert_memory_equal(b, (char[32]){ 0 }, 32);
	assert_int_equal(fault_inject_disarm(), 3);

	/* a failed realloc leaves the block intact */
	memset(a, 0x5a, 32);
	fault_inject_arm(1);
	assert_null(fi_realloc("r", a, 64));
	assert_int_equal(fault_inject_disarm(), 1);
	assert_int_equal(((unsigned char *)a)[31], 0x5a);
	c = fi_realloc("r", a, 64);
	assert_non_null(c);
	assert_int_equal(((unsigned char *)c)[31], 0x5a);
	a = c;
#else
	/* compiled out: arming changes nothing */
	fault_inject_arm(1);
	a = fi_malloc("m", 32);
	assert_non_null(a);
	b = fi_calloc("c", 4, 8);
	assert_non_null(b);
	assert_int_equal(fault_inject_disarm(), 0);
#endif
	/* size 0 still yields a pointer; overflowing calloc fails cleanly */
	c = fi_malloc("z", 0);
	assert_non_null(c);
	free(c);
	assert_null(fi_calloc("o", UINT64_MAX / 2, 4));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nth_point_fails_alone),
		cmocka_unit_test(test_count_only_and_unarmed),
		cmocka_unit_test(test_other_threads_unaffected),
		cmocka_unit_test(test_allocators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Pinning: each umem_pin() raises every page's count by one and umem_unpin()
 * lowers it; a pin that meets a hole, PROT_NONE, a read-only page (for a
 * write pin) or a file page past EOF fails -EFAULT and changes no count;
 * concurrent pinners end at zero.  Also prints the pin-table cost per page.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "umem/pin_table.h"
#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/page.h"

static int setup(void **state)
{
	struct umem_mm *mm = umem_mm_current();

	if (!mm)
		return -1;
	*state = mm;
	return 0;
}

static int teardown(void **state)
{
	struct umem_mm *mm = *state;

	assert_int_equal(umem_pinned_total(mm), 0);
	umem_mm_put(mm);
	return 0;
}

static uint8_t *map_anon(size_t npages)
{
	void *p = mmap(NULL, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void assert_counts(struct umem_mm *mm, const uint8_t *p, size_t npages,
			  uint32_t expect)
{
	for (size_t i = 0; i < npages; i++)
		assert_int_equal(umem_pin_count(mm, (uintptr_t)p + i * PAGE_SIZE),
				 expect);
}

static void test_mm_current(void **state)
{
	struct umem_mm *mm = *state;
	struct umem_mm *again = umem_mm_current();

	/* one object per process while referenced */
	assert_ptr_equal(again, mm);
	assert_int_equal(umem_mm_pid(mm), getpid());
	assert_int_equal(umem_mm_uid(mm), getuid());
	assert_true(umem_mm_alive(mm));
	umem_mm_put(again);
}

static void test_pin_unpin(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(8);
	uint64_t a = (uintptr_t)p;

	assert_counts(mm, p, 8, 0);
	assert_int_equal(umem_pin(mm, a + PAGE_SIZE, 3, true), 0);
	assert_int_equal(umem_pin_count(mm, a), 0);
	assert_counts(mm, p + PAGE_SIZE, 3, 1);
	assert_int_equal(umem_pin_count(mm, a + 4 * PAGE_SIZE), 0);
	assert_int_equal(umem_pinned_total(mm), 3);

	/* overlapping second pin, read-only */
	assert_int_equal(umem_pin(mm, a + 2 * PAGE_SIZE, 4, false), 0);
	assert_int_equal(umem_pin_count(mm, a + PAGE_SIZE), 1);
	assert_counts(mm, p + 2 * PAGE_SIZE, 2, 2);
	assert_counts(mm, p + 4 * PAGE_SIZE, 2, 1);
	assert_int_equal(umem_pinned_total(mm), 7);
	/* the count is per page, any byte of it */
	assert_int_equal(umem_pin_count(mm, a + 2 * PAGE_SIZE + 17), 2);
	assert_ptr_equal(umem_host_addr(mm, a + 2 * PAGE_SIZE + 17),
			 p + 2 * PAGE_SIZE + 17);

	umem_unpin(mm, a + PAGE_SIZE, 3);
	assert_int_equal(umem_pin_count(mm, a + PAGE_SIZE), 0);
	assert_counts(mm, p + 2 * PAGE_SIZE, 4, 1);
	umem_unpin(mm, a + 2 * PAGE_SIZE, 4);
	assert_counts(mm, p, 8, 0);
	assert_int_equal(umem_pinned_total(mm), 0);

	/* zero pages: nothing happens */
	assert_int_equal(umem_pin(mm, a, 0, true), 0);
	assert_int_equal(umem_pinned_total(mm), 0);
	munmap(p, 8 * PAGE_SIZE);
}

/* A write pin faults the page in writable: the memory is really there. */
static void test_pin_populates(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(4);
	unsigned char vec[4];

	assert_int_equal(mincore(p, 4 * PAGE_SIZE, vec), 0);
	assert_int_equal(vec[1] & 1, 0);
	assert_int_equal(umem_pin(mm, (uintptr_t)p, 4, true), 0);
	assert_int_equal(mincore(p, 4 * PAGE_SIZE, vec), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vec[i] & 1, 1);
	umem_unpin(mm, (uintptr_t)p, 4);
	munmap(p, 4 * PAGE_SIZE);
}

static void expect_fail_unchanged(struct umem_mm *mm, uint8_t *p,
				  size_t npages, bool write)
{
	uint64_t total = umem_pinned_total(mm);

	assert_int_equal(umem_pin(mm, (uintptr_t)p, npages, write), -EFAULT);
	assert_int_equal(umem_pinned_total(mm), total);
}

static void test_pin_hole(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(6);

	/* page 0 already pinned once: must stay at one */
	assert_int_equal(umem_pin(mm, (uintptr_t)p, 1, true), 0);
	assert_int_equal(munmap(p + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	expect_fail_unchanged(mm, p, 6, true);
	expect_fail_unchanged(mm, p, 6, false);
	expect_fail_unchanged(mm, p + 3 * PAGE_SIZE, 1, false);
	assert_int_equal(umem_pin_count(mm, (uintptr_t)p), 1);
	assert_counts(mm, p + PAGE_SIZE, 2, 0);
	assert_counts(mm, p + 4 * PAGE_SIZE, 2, 0);
	umem_unpin(mm, (uintptr_t)p, 1);
	munmap(p, 3 * PAGE_SIZE);
	munmap(p + 4 * PAGE_SIZE, 2 * PAGE_SIZE);
}

static void test_pin_prot_none(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(4);

	assert_int_equal(mprotect(p + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	expect_fail_unchanged(mm, p, 4, true);
	expect_fail_unchanged(mm, p, 4, false);
	assert_counts(mm, p, 4, 0);
	/* the good part alone pins */
	assert_int_equal(umem_pin(mm, (uintptr_t)p, 2, true), 0);
	umem_unpin(mm, (uintptr_t)p, 2);
	munmap(p, 4 * PAGE_SIZE);
}

static void test_pin_read_only(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(4);

	p[0] = 1;
	assert_int_equal(mprotect(p + PAGE_SIZE, 3 * PAGE_SIZE, PROT_READ), 0);
	expect_fail_unchanged(mm, p, 4, true);
	expect_fail_unchanged(mm, p + PAGE_SIZE, 1, true);
	assert_counts(mm, p, 4, 0);
	/* a read pin of read-only memory is fine */
	assert_int_equal(umem_pin(mm, (uintptr_t)p, 4, false), 0);
	assert_counts(mm, p, 4, 1);
	umem_unpin(mm, (uintptr_t)p, 4);
	munmap(p, 4 * PAGE_SIZE);
}

static void test_pin_memfd_past_eof(void **state)
{
	struct umem_mm *mm = *state;
	int fd = memfd_create("umem-eof", 0);
	uint8_t *p;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)PAGE_SIZE), 0);
	p = mmap(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	/* page 0 is inside the file, pages 1-2 are past EOF (SIGBUS) */
	assert_int_equal(umem_pin(mm, (uintptr_t)p, 1, true), 0);
	expect_fail_unchanged(mm, p, 3, true);
	expect_fail_unchanged(mm, p, 3, false);
	expect_fail_unchanged(mm, p + PAGE_SIZE, 1, false);
	assert_int_equal(umem_pin_count(mm, (uintptr_t)p), 1);
	assert_counts(mm, p + PAGE_SIZE, 2, 0);
	umem_unpin(mm, (uintptr_t)p, 1);
	/* grow the file: now the pages exist */
	assert_int_equal(ftruncate(fd, (off_t)(3 * PAGE_SIZE)), 0);
	assert_int_equal(umem_pin(mm, (uintptr_t)p, 3, true), 0);
	assert_counts(mm, p, 3, 1);
	umem_unpin(mm, (uintptr_t)p, 3);
	munmap(p, 3 * PAGE_SIZE);
	close(fd);
}

static void test_pin_bad_ranges(void **state)
{
	struct umem_mm *mm = *state;

	assert_int_equal(umem_pin(mm, 0, 1, false), -EFAULT);
	/* byte range wraps */
	assert_int_equal(umem_pin(mm, UINT64_MAX & PAGE_MASK, 2, false), -EFAULT);
	assert_int_equal(umem_pin(mm, PAGE_SIZE, UINT64_MAX, false), -EFAULT);
	/* beyond the user address space */
	assert_int_equal(umem_pin(mm, 0xffff800000000000ull, 1, false), -EFAULT);
	assert_int_equal(umem_pinned_total(mm), 0);
}

/* Every injection point in pin fails cleanly with no count left raised. */
static void test_pin_fault_injection(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(1024); /* spans at least two leaves */
	uint64_t nth;
	int ret;

#ifndef UIOMMUFD_FAULT_INJECTION
	skip();
#endif
	for (nth = 1;; nth++) {
		fault_inject_arm(nth);
		ret = umem_pin(mm, (uintptr_t)p, 1024, true);
		fault_inject_disarm();
		if (ret == 0)
			break;
		assert_true(ret == -EFAULT || ret == -ENOMEM);
		assert_int_equal(umem_pinned_total(mm), 0);
		assert_int_equal(umem_pin_count(mm, (uintptr_t)p), 0);
	}
	/* pin (1) + the table's allocations must all have been exercised */
	assert_true(nth > 2);
	assert_counts(mm, p, 1024, 1);
	umem_unpin(mm, (uintptr_t)p, 1024);
	munmap(p, 1024 * PAGE_SIZE);
}

/*
 * In a forked child the parent's mm object still describes the parent:
 * it is alive while the parent runs, but this implementation cannot reach
 * its memory, so pins fail -EFAULT; the child's own mm is a new object.
 */
static void test_pin_foreign_mm(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(2);
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct umem_mm *own = umem_mm_current();
		int bad = 0;

		bad |= !own || own == mm;
		bad |= !umem_mm_alive(mm);
		bad |= umem_pin(mm, (uintptr_t)p, 2, false) != -EFAULT;
		bad |= umem_pinned_total(mm) != 0;
		if (own) {
			bad |= umem_pin(own, (uintptr_t)p, 2, true) != 0;
			bad |= umem_pin_count(own, (uintptr_t)p) != 1;
			umem_unpin(own, (uintptr_t)p, 2);
		}
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	munmap(p, 2 * PAGE_SIZE);
}

struct thr_arg {
	struct umem_mm *mm;
	uint8_t *p;
	int id;
};

static void *pinner(void *v)
{
	struct thr_arg *a = v;

	for (int i = 0; i < 300; i++) {
		/* overlapping runs that straddle a leaf boundary */
		uint64_t first = (uint64_t)((a->id * 37 + i * 13) % 600);
		uint64_t n = 1 + (uint64_t)((i * 7 + a->id) % 500);
		uint64_t addr = (uintptr_t)a->p + first * PAGE_SIZE;

		if (umem_pin(a->mm, addr, n, i & 1) != 0)
			return (void *)1;
		if (umem_pin_count(a->mm, addr) == 0)
			return (void *)2;
		umem_unpin(a->mm, addr, n);
	}
	return NULL;
}

static void test_pin_concurrent(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = map_anon(1200);
	pthread_t t[6];
	struct thr_arg args[6];

	for (int i = 0; i < 6; i++) {
		args[i] = (struct thr_arg){ mm, p, i };
		assert_int_equal(pthread_create(&t[i], NULL, pinner, &args[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		void *r;

		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_null(r);
	}
	assert_int_equal(umem_pinned_total(mm), 0);
	assert_counts(mm, p, 1200, 0);
	munmap(p, 1200 * PAGE_SIZE);
}

/* The pin table alone: many add/sub cycles over sparse page numbers. */
static void test_pin_table_sparse(void **state)
{
	struct pin_table t;
	const uint64_t bases[] = { 0, 511, 512, 1ull << 20, (1ull << 35) - 3,
				   (UINT64_MAX >> PAGE_SHIFT) - 1000 };
	(void)state;

	pin_table_init(&t);
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		assert_int_equal(pin_table_add(&t, bases[i], 1000), 0);
	assert_int_equal(t.total, 6000);
	/* runs from 0, 511 and 512 overlap */
	assert_int_equal(pin_table_count(&t, 0), 1);
	assert_int_equal(pin_table_count(&t, 510), 1);
	assert_int_equal(pin_table_count(&t, 511), 2);
	assert_int_equal(pin_table_count(&t, 512), 3);
	assert_int_equal(pin_table_count(&t, 999), 3);
	assert_int_equal(pin_table_count(&t, 1000), 2);
	assert_int_equal(pin_table_count(&t, 1510), 2);
	assert_int_equal(pin_table_count(&t, 1511), 1);
	assert_int_equal(pin_table_count(&t, 1512), 0);
	for (size_t i = 3; i < sizeof(bases) / sizeof(bases[0]); i++) {
		assert_int_equal(pin_table_count(&t, bases[i] - 1), 0);
		assert_int_equal(pin_table_count(&t, bases[i]), 1);
		assert_int_equal(pin_table_count(&t, bases[i] + 999), 1);
		assert_int_equal(pin_table_count(&t, bases[i] + 1000), 0);
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		pin_table_sub(&t, bases[i], 1000);
	assert_int_equal(t.total, 0);
	assert_null(t.root);
	pin_table_destroy(&t);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* 1 GiB worth of pages through the table (no madvise): print ns/page. */
static void test_pin_table_cost(void **state)
{
	struct pin_table t;
	uint64_t n = (1ull << 30) >> PAGE_SHIFT;
	uint64_t base = 0x7f0000000ull >> PAGE_SHIFT;
	double t0, t1, t2, t3;
	(void)state;

	pin_table_init(&t);
	t0 = now_ns();
	assert_int_equal(pin_table_add(&t, base, n), 0); /* allocates leaves */
	t1 = now_ns();
	assert_int_equal(pin_table_add(&t, base, n), 0); /* leaves exist */
	t2 = now_ns();
	pin_table_sub(&t, base, n);
	pin_table_sub(&t, base, n);
	t3 = now_ns();
	assert_int_equal(t.total, 0);
	assert_null(t.root);
	printf("# pin table, %llu pages: first add %.2f ns/page, second add %.2f ns/page, 2x sub %.2f ns/page\n",
	       (unsigned long long)n, (t1 - t0) / (double)n,
	       (t2 - t1) / (double)n, (t3 - t2) / (double)n / 2);
	pin_table_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mm_current, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_unpin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_populates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_prot_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_memfd_past_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_bad_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_fault_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_foreign_mm, setup, teardown),
		cmocka_unit_test(test_pin_table_sparse),
		cmocka_unit_test(test_pin_table_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

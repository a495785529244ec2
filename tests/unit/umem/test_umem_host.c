/* SPDX-License-Identifier: MIT */
/*
 * umem_host_contiguous(): the in-process address space is one run however
 * long; an address space whose pages sit scattered in host memory (as a
 * remote process's pages mapped into ours would) is cut at every page whose
 * host address does not follow its predecessor's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "umem/umem.h"
#include "umem/umem_mm.h"
#include "util/page.h"

/* Pages 0-2 follow each other in a host buffer, page 3 lies elsewhere,
 * pages 4-7 follow page 3. */
static char *host;

static void *scatter_host_addr(struct umem_mm *mm, uint64_t uaddr)
{
	uint64_t page = uaddr >> PAGE_SHIFT, off = page_offset_of(uaddr);

	(void)mm;
	if (page < 3)
		return host + page * PAGE_SIZE + off;
	return host + (page + 10) * PAGE_SIZE + off;
}

static void scatter_release(struct umem_mm *mm)
{
	(void)mm;
}

static const struct umem_mm_ops scatter_ops = {
	.host_addr = scatter_host_addr,
	.release = scatter_release,
};

static void test_scattered_runs(void **state)
{
	struct umem_mm *mm = calloc(1, sizeof(*mm));

	(void)state;
	host = malloc(20 * PAGE_SIZE);
	assert_non_null(mm);
	assert_int_equal(umem_mm_init(mm, &scatter_ops, 1, 0), 0);
	/* from page 0: three pages, then a break */
	assert_int_equal(umem_host_contiguous(mm, 0, 8 * PAGE_SIZE), 3 * PAGE_SIZE);
	/* from the middle of page 1 */
	assert_int_equal(umem_host_contiguous(mm, PAGE_SIZE + 100, 8 * PAGE_SIZE),
			 2 * PAGE_SIZE - 100);
	/* from page 3 to the end: one run */
	assert_int_equal(umem_host_contiguous(mm, 3 * PAGE_SIZE, 5 * PAGE_SIZE),
			 5 * PAGE_SIZE);
	/* never more than asked */
	assert_int_equal(umem_host_contiguous(mm, 0, 10), 10);
	umem_mm_put(mm);
	free(host);
}

static void test_self_is_one_run(void **state)
{
	struct umem_mm *mm = umem_mm_current();

	(void)state;
	assert_non_null(mm);
	assert_true(umem_host_contiguous(mm, 0x10000, 1ULL << 40) == 1ULL << 40);
	assert_ptr_equal(umem_host_addr(mm, 0x12345), (void *)0x12345);
	umem_mm_put(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scattered_runs),
		cmocka_unit_test(test_self_is_one_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

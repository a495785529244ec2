/* SPDX-License-Identifier: MIT */
/*
 * IOMMU_TEST_OP_MD_CHECK_REFS (selftest-mock.md §9.4) reads the per-page
 * long-term pin counts: argument checks, lookup errors, and counts that
 * follow real pins made through the user-memory interface.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"
#include "umem/umem.h"

static long check_refs(struct uiommufd_ctx *ctx, void *p, uint64_t len, uint32_t refs)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = { .length = len, .uptr = (uint64_t)(uintptr_t)p, .refs = refs },
	};

	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static void test_check_refs(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct uiommufd_ctx *ctx;
	struct umem_mm *mm = umem_mm_current();
	char *buf = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_true(buf != MAP_FAILED);
	assert_non_null(mm);
	assert_int_equal(uiommufd_open(&ctx), 0);

	/* alignment and overflow */
	assert_int_equal(check_refs(ctx, buf + 1, page, 0), -EINVAL);
	assert_int_equal(check_refs(ctx, buf, page + 1, 0), -EINVAL);
	assert_int_equal(check_refs(ctx, (void *)(uintptr_t)(0 - page), 2 * page, 0), -EINVAL);
	/* nothing pinned */
	assert_int_equal(check_refs(ctx, buf, 8 * page, 0), 0);
	assert_int_equal(check_refs(ctx, buf, 8 * page, 1), -EIO);
	/* two pins on page 2, one on page 3 */
	assert_int_equal(umem_pin(mm, (uint64_t)(uintptr_t)buf + 2 * page, 2, true), 0);
	assert_int_equal(umem_pin(mm, (uint64_t)(uintptr_t)buf + 2 * page, 1, false), 0);
	assert_int_equal(check_refs(ctx, buf + 2 * page, page, 2), 0);
	assert_int_equal(check_refs(ctx, buf + 3 * page, page, 1), 0);
	assert_int_equal(check_refs(ctx, buf + 2 * page, 2 * page, 2), -EIO);
	umem_unpin(mm, (uint64_t)(uintptr_t)buf + 2 * page, 2);
	umem_unpin(mm, (uint64_t)(uintptr_t)buf + 2 * page, 1);
	assert_int_equal(check_refs(ctx, buf, 8 * page, 0), 0);
	/* an unmapped page is a lookup error */
	assert_int_equal(munmap(buf + 4 * page, page), 0);
	assert_int_equal(check_refs(ctx, buf, 8 * page, 0), -EFAULT);
	/* length 0 is trivially true */
	assert_int_equal(check_refs(ctx, buf, 0, 5), 0);

	uiommufd_close(ctx);
	umem_mm_put(mm);
	munmap(buf, 8 * page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

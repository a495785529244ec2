/* SPDX-License-Identifier: MIT */
/*
 * MOCK_DOMAIN, MOCK_DOMAIN_REPLACE, MD_CHECK_MAP, MD_CHECK_REFS and the
 * attach/detach effects on an IOAS (semantics.md §2, §3, §8, §10;
 * selftest-mock.md §3, §5, §9.2-§9.4, §9.10), through the kernel ABI only.
 */
#include <stdbool.h>
#include <sys/mman.h>

#include "mock_util.h"

static uint64_t PAGE;

static int setup(void **state)
{
	*state = m_open();
	return 0;
}

static int teardown(void **state)
{
	uiommufd_close(*state);
	return 0;
}

static void expect_one_range(struct uiommufd_ctx *ctx, uint32_t ioas,
			     uint64_t start, uint64_t last, uint64_t align)
{
	struct iommu_iova_range r[4];
	uint64_t a;
	uint32_t n;

	assert_int_equal(m_ranges(ctx, ioas, r, 4, &n, &a), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, start);
	assert_int_equal(r[0].last, last);
	assert_int_equal(a, align);
}

/* MOCK_DOMAIN narrows IOVA_RANGES and raises the alignment; DESTROY widens. */
static void test_narrow_widen(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas, stdev, hwpt, idev;

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	expect_one_range(ctx, ioas, 0, UINT64_MAX, 1);
	assert_int_equal(m_mock_domain(ctx, ioas, &stdev, &hwpt, &idev), 0);
	/* ID order: stdev, idev, hwpt */
	assert_int_equal(stdev, ioas + 1);
	assert_int_equal(idev, ioas + 2);
	assert_int_equal(hwpt, ioas + 3);
	expect_one_range(ctx, ioas, MOCK_START, MOCK_LAST, 2048);
	/* DESTROY rules: IDEV always EBUSY, HWPT with a device EBUSY, IOAS
	 * with a HWPT EBUSY */
	assert_int_equal(m_destroy(ctx, idev), -EBUSY);
	assert_int_equal(m_destroy(ctx, hwpt), -EBUSY);
	assert_int_equal(m_destroy(ctx, ioas), -EBUSY);
	assert_int_equal(m_destroy(ctx, stdev), 0);
	/* the auto HWPT and the DEVICE went with the stdev */
	assert_int_equal(m_destroy(ctx, hwpt), -ENOENT);
	assert_int_equal(m_destroy(ctx, idev), -ENOENT);
	expect_one_range(ctx, ioas, 0, UINT64_MAX, 1);
	assert_int_equal(m_destroy(ctx, ioas), 0);
}

static void test_two_devices_share(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas, s1, h1, d1, s2, h2, d2;

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, &s1, &h1, &d1), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, &s2, &h2, &d2), 0);
	assert_int_equal(h1, h2);
	/* reuse consumes two IDs only */
	assert_int_equal(s2, h1 + 1);
	assert_int_equal(d2, h1 + 2);
	assert_int_equal(m_destroy(ctx, s1), 0);
	/* still used by the second device */
	assert_int_equal(m_destroy(ctx, h1), -EBUSY);
	expect_one_range(ctx, ioas, MOCK_START, MOCK_LAST, 2048);
	assert_int_equal(m_destroy(ctx, s2), 0);
	assert_int_equal(m_destroy(ctx, h1), -ENOENT);
	expect_one_range(ctx, ioas, 0, UINT64_MAX, 1);
	/* bad ids */
	assert_int_equal(m_mock_domain(ctx, 0, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(m_mock_domain(ctx, 9999, NULL, NULL, NULL), -ENOENT);
}

static void test_bad_flags_and_types(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas, stdev, hwpt, idev, s2;

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_mock_domain_flags(ctx, ioas, 1u << 1, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(m_mock_domain_flags(ctx, ioas, 1u << 5, NULL, NULL, NULL), -EINVAL);
	/* a failed create leaves no IDs behind */
	assert_int_equal(m_mock_domain(ctx, ioas, &stdev, &hwpt, &idev), 0);
	assert_int_equal(stdev, ioas + 1);
	/* pt that is neither IOAS nor HWPT */
	assert_int_equal(m_mock_domain(ctx, idev, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(m_mock_domain(ctx, stdev, NULL, NULL, NULL), -EINVAL);
	/* attach directly to the HWPT */
	assert_int_equal(m_mock_domain_flags(ctx, hwpt, MOCK_FLAGS_DEVICE_PASID,
					     &s2, NULL, NULL), 0);
	assert_int_equal(m_destroy(ctx, stdev), 0);
	/* the auto HWPT survives: s2 is on it */
	assert_int_equal(m_destroy(ctx, hwpt), -EBUSY);
	assert_int_equal(m_destroy(ctx, s2), 0);
	assert_int_equal(m_destroy(ctx, hwpt), -ENOENT);
}

/* EADDRINUSE when a mapping outside the aperture blocks the attach. */
static void test_attach_blocked(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct iommu_iova_range allow;
	uint32_t ioas, n, stdev;
	uint64_t iova = PAGE, a;
	void *buf = m_buf(PAGE);

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_map(ctx, ioas, buf, PAGE, &iova, true), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, NULL, NULL, NULL), -EADDRINUSE);
	/* nothing changed: one full range, alignment 1, no pins, no IDs used */
	expect_one_range(ctx, ioas, 0, UINT64_MAX, 1);
	assert_int_equal(m_check_refs(ctx, buf, PAGE, 0), 0);
	assert_int_equal(m_unmap(ctx, ioas, iova, PAGE, NULL), 0);

	/* an allowed range outside the aperture blocks it too */
	allow.start = 0x100000000ULL;
	allow.last = 0x1ffffffffULL;
	assert_int_equal(m_allow(ctx, ioas, &allow, 1), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, NULL, NULL, NULL), -EADDRINUSE);
	assert_int_equal(m_ranges(ctx, ioas, NULL, 0, &n, &a), -EMSGSIZE);
	assert_int_equal(n, 1);
	assert_int_equal(m_allow(ctx, ioas, NULL, 0), 0);

	/* a misaligned mapping (2048 offset ok, 1024 not) blocks with EADDRINUSE */
	iova = MOCK_START + 1024;
	assert_int_equal(m_map(ctx, ioas, (char *)buf + 1024, 1024, &iova, true), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, NULL, NULL, NULL), -EADDRINUSE);
	assert_int_equal(m_unmap(ctx, ioas, iova, 1024, NULL), 0);
	/* and now it works; IDs were not consumed by the failures */
	assert_int_equal(m_mock_domain(ctx, ioas, &stdev, NULL, NULL), 0);
	assert_int_equal(stdev, ioas + 1);
	munmap(buf, PAGE);
}

/* MAP with a domain pins; COPY does not pin again; unmap releases. */
static void test_refs_and_copy(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint64_t len = 4 * PAGE, iova = 0, iova2 = 0, unmapped = 0;
	uint32_t ioas, ioas2, hwpt, hwpt2, stdev;
	void *buf = m_buf(len);

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_ioas(ctx, &ioas2), 0);
	iova = MOCK_START;
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, true), 0);
	/* no domain: not pinned */
	assert_int_equal(m_check_refs(ctx, buf, len, 0), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, &stdev, &hwpt, NULL), 0);
	/* the attach pinned the existing mapping */
	assert_int_equal(m_check_refs(ctx, buf, len, 1), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 0), -EIO);
	assert_int_equal(m_check_map(ctx, hwpt, iova, buf, len), 0);
	assert_int_equal(m_mock_domain(ctx, ioas2, NULL, &hwpt2, NULL), 0);
	assert_int_equal(m_copy(ctx, ioas2, ioas, iova, len, &iova2, false), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 1), 0);
	assert_int_equal(m_check_map(ctx, hwpt2, iova2, buf, len), 0);
	/* a different buffer does not match */
	{
		void *other = m_buf(len);

		assert_int_equal(m_check_map(ctx, hwpt2, iova2, other, len), -EINVAL);
		munmap(other, len);
	}
	assert_int_equal(m_unmap(ctx, ioas, iova, len, &unmapped), 0);
	assert_int_equal(unmapped, len);
	/* still held by the copy */
	assert_int_equal(m_check_refs(ctx, buf, len, 1), 0);
	assert_int_equal(m_check_map(ctx, hwpt, iova, buf, len), -EINVAL);
	assert_int_equal(m_unmap(ctx, ioas2, iova2, len, NULL), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 0), 0);
	/* detaching the last domain unpins a still-mapped range */
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, false), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 1), 0);
	assert_int_equal(m_destroy(ctx, stdev), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 0), 0);
	munmap(buf, len);
}

/* MD_CHECK_MAP argument rows and a MAP_SHARED memfd seen twice. */
static void test_check_map(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint64_t len = 4 * PAGE, iova = 0;
	uint32_t ioas, hwpt, stdev, idev;
	char *a, *b;
	int fd;

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, &stdev, &hwpt, &idev), 0);
	fd = memfd_create("mock", 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(a != MAP_FAILED && b != MAP_FAILED);
	memset(a, 1, len);
	assert_int_equal(m_map(ctx, ioas, a, len, &iova, false), 0);
	assert_true(iova >= MOCK_START && iova + len - 1 <= MOCK_LAST);
	assert_int_equal(m_check_map(ctx, hwpt, iova, a, len), 0);
	assert_int_equal(m_check_map(ctx, hwpt, iova, b, len), 0);
	/* off by one page */
	assert_int_equal(m_check_map(ctx, hwpt, iova + PAGE, b, len - PAGE), -EINVAL);
	/* 2048-granular sub ranges */
	assert_int_equal(m_check_map(ctx, hwpt, iova + 2048, b + 2048, 2048), 0);
	assert_int_equal(m_check_map(ctx, hwpt, iova + 2048, b, 2048), -EINVAL);
	/* argument rows */
	assert_int_equal(m_check_map(ctx, hwpt, iova + 1, a, 2048), -EINVAL);
	assert_int_equal(m_check_map(ctx, hwpt, iova, a + 1, 2048), -EINVAL);
	assert_int_equal(m_check_map(ctx, hwpt, iova, a, 100), -EINVAL);
	assert_int_equal(m_check_map(ctx, hwpt, iova, (void *)(uintptr_t)(UINT64_MAX & ~2047ULL), 4096), -EINVAL);
	assert_int_equal(m_check_map(ctx, hwpt, iova, a, 0), 0);
	assert_int_equal(m_check_map(ctx, ioas, iova, a, len), -ENOENT);
	assert_int_equal(m_check_map(ctx, idev, iova, a, len), -ENOENT);
	assert_int_equal(m_check_map(ctx, 9999, iova, a, len), -ENOENT);
	/* unmapped IOVA */
	assert_int_equal(m_check_map(ctx, hwpt, iova + len, a, PAGE), -EINVAL);
	/* caller's address not mapped: the lookup error */
	{
		char *gone = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(gone, PAGE);
		assert_int_equal(m_check_map(ctx, hwpt, iova, gone, PAGE), -EFAULT);
	}
	assert_int_equal(m_unmap(ctx, ioas, iova, len, NULL), 0);
	munmap(a, len);
	munmap(b, len);
	close(fd);
}

/* MAP of a half-unmapped buffer with a domain: EFAULT, nothing left. */
static void test_map_efault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint64_t len = 4 * PAGE, iova = MOCK_START;
	struct iommu_iova_range r[2];
	uint32_t ioas, n;
	char *buf = m_buf(len);

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, NULL, NULL, NULL), 0);
	munmap(buf + 2 * PAGE, 2 * PAGE);
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, true), -EFAULT);
	assert_int_equal(m_check_refs(ctx, buf, 2 * PAGE, 0), 0);
	/* the IOVA is free again */
	iova = MOCK_START;
	assert_int_equal(m_map(ctx, ioas, buf, 2 * PAGE, &iova, true), 0);
	assert_int_equal(m_check_refs(ctx, buf, 2 * PAGE, 1), 0);
	assert_int_equal(m_unmap(ctx, ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(m_check_refs(ctx, buf, 2 * PAGE, 0), 0);
	assert_int_equal(m_ranges(ctx, ioas, r, 2, &n, NULL), 0);
	assert_int_equal(n, 1);
	munmap(buf, 2 * PAGE);
}

static void test_replace(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas, ioas2, stdev, hwpt, hwpt2, out, s2, h3;
	uint64_t len = 2 * PAGE, iova = 0, iova2 = 0;
	void *buf = m_buf(len);

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_ioas(ctx, &ioas2), 0);
	iova = MOCK_START + PAGE;
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, true), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, &stdev, &hwpt, NULL), 0);
	/* same HWPT: no-op; same IOAS: the same auto HWPT */
	assert_int_equal(m_replace(ctx, stdev, hwpt, &out), 0);
	assert_int_equal(out, hwpt);
	assert_int_equal(m_replace(ctx, stdev, ioas, &out), 0);
	assert_int_equal(out, hwpt);
	/* errors */
	assert_int_equal(m_replace(ctx, 9999, ioas2, NULL), -ENOENT);
	assert_int_equal(m_replace(ctx, ioas, ioas2, NULL), -ENOENT);
	assert_int_equal(m_replace(ctx, stdev, 9999, NULL), -ENOENT);
	assert_int_equal(m_replace(ctx, stdev, stdev, NULL), -EINVAL);
	/* to another IOAS: a new auto HWPT there, the old one vanishes */
	assert_int_equal(m_replace(ctx, stdev, ioas2, &hwpt2), 0);
	assert_true(hwpt2 != hwpt);
	assert_int_equal(m_destroy(ctx, hwpt), -ENOENT);
	assert_int_equal(m_check_refs(ctx, buf, len, 0), 0);
	{
		uint32_t n;
		struct iommu_iova_range r[2];
		uint64_t a;

		assert_int_equal(m_ranges(ctx, ioas, r, 2, &n, &a), 0);
		assert_int_equal(n, 1);
		assert_int_equal(r[0].last, UINT64_MAX);
		assert_int_equal(a, 1);
	}
	expect_one_range(ctx, ioas2, MOCK_START, MOCK_LAST, 2048);
	/* back to ioas via a second device's HWPT */
	assert_int_equal(m_mock_domain(ctx, ioas, &s2, &h3, NULL), 0);
	assert_int_equal(m_replace(ctx, stdev, h3, &out), 0);
	assert_int_equal(out, h3);
	assert_int_equal(m_destroy(ctx, hwpt2), -ENOENT);
	assert_int_equal(m_check_map(ctx, h3, iova, buf, len), 0);
	assert_int_equal(m_map(ctx, ioas2, buf, len, &iova2, false), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 1), 0);
	assert_int_equal(m_destroy(ctx, s2), 0);
	assert_int_equal(m_destroy(ctx, h3), -EBUSY);
	assert_int_equal(m_destroy(ctx, stdev), 0);
	assert_int_equal(m_destroy(ctx, h3), -ENOENT);
	assert_int_equal(m_check_refs(ctx, buf, len, 0), 0);
	munmap(buf, len);
}

/* Closing the context with devices attached releases every pin. */
static void test_close_releases(void **state)
{
	struct uiommufd_ctx *ctx = m_open(), *other = *state;
	uint64_t len = 2 * PAGE, iova = 0;
	uint32_t ioas, hwpt;
	void *buf = m_buf(len);

	(void)state;
	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(m_mock_domain(ctx, ioas, NULL, &hwpt, NULL), 0);
	assert_int_equal(m_mock_domain(ctx, hwpt, NULL, NULL, NULL), 0);
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, false), 0);
	assert_int_equal(m_check_refs(other, buf, len, 1), 0);
	uiommufd_close(ctx);
	assert_int_equal(m_check_refs(other, buf, len, 0), 0);
	munmap(buf, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_narrow_widen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_devices_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_flags_and_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs_and_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_efault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_releases, setup, teardown),
	};

	PAGE = page_size();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the mock suite: thin wrappers that fill one kernel-ABI struct
 * (include/uiommufd/iommufd_abi.h), call uiommufd_ioctl() and return its
 * raw result (0 or -errno).  They assert nothing; the tests do.
 *
 * Glossary: `last` is inclusive.  PAGE is the host page size.
 */
#ifndef UIOMMUFD_TESTS_MOCK_UTIL_H
#define UIOMMUFD_TESTS_MOCK_UTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <uiommufd/iommufd_abi.h>
#include <uiommufd/uiommufd.h>

#define MOCK_START 0x1000000ULL
#define MOCK_LAST 0x7fffffffULL

static inline uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static inline struct uiommufd_ctx *m_open(void)
{
	struct uiommufd_ctx *ctx = NULL;

	assert_int_equal(uiommufd_open(&ctx), 0);
	return ctx;
}

static inline long m_ioas(struct uiommufd_ctx *ctx, uint32_t *id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &cmd);

	*id = cmd.out_ioas_id;
	return rc;
}

static inline long m_destroy(struct uiommufd_ctx *ctx, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return uiommufd_ioctl(ctx, IOMMU_DESTROY, &cmd);
}

static inline long m_mock_domain_flags(struct uiommufd_ctx *ctx, uint32_t pt,
				       uint32_t flags, uint32_t *stdev,
				       uint32_t *hwpt, uint32_t *idev)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = flags ? IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS : IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt,
	};
	long rc;

	cmd.mock_domain_flags.dev_flags = flags;
	rc = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
	if (stdev)
		*stdev = cmd.mock_domain.out_stdev_id;
	if (hwpt)
		*hwpt = cmd.mock_domain.out_hwpt_id;
	if (idev)
		*idev = cmd.mock_domain.out_idev_id;
	return rc;
}

static inline long m_mock_domain(struct uiommufd_ctx *ctx, uint32_t pt,
				 uint32_t *stdev, uint32_t *hwpt, uint32_t *idev)
{
	return m_mock_domain_flags(ctx, pt, 0, stdev, hwpt, idev);
}

static inline long m_replace(struct uiommufd_ctx *ctx, uint32_t stdev,
			     uint32_t pt, uint32_t *out)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev,
	};
	long rc;

	cmd.mock_domain_replace.pt_id = pt;
	rc = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
	if (out)
		*out = cmd.mock_domain_replace.pt_id;
	return rc;
}

static inline long m_map(struct uiommufd_ctx *ctx, uint32_t ioas, void *va,
			 uint64_t length, uint64_t *iova, bool fixed)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas,
		.user_va = (uint64_t)(uintptr_t)va,
		.length = length,
		.iova = fixed ? *iova : 0,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &cmd);

	if (!rc)
		*iova = cmd.iova;
	return rc;
}

static inline long m_unmap(struct uiommufd_ctx *ctx, uint32_t ioas,
			   uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova, .length = length,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &cmd);

	if (unmapped)
		*unmapped = cmd.length;
	return rc;
}

static inline long m_copy(struct uiommufd_ctx *ctx, uint32_t dst, uint32_t src,
			  uint64_t src_iova, uint64_t length, uint64_t *dst_iova,
			  bool fixed)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = length,
		.dst_iova = fixed ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_COPY, &cmd);

	if (!rc)
		*dst_iova = cmd.dst_iova;
	return rc;
}

/* IOVA_RANGES: up to `cap` ranges into r[]; *n = total, *align. */
static inline long m_ranges(struct uiommufd_ctx *ctx, uint32_t ioas,
			    struct iommu_iova_range *r, uint32_t cap,
			    uint32_t *n, uint64_t *align)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = cap,
		.allowed_iovas = (uint64_t)(uintptr_t)r,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd);

	*n = cmd.num_iovas;
	if (align)
		*align = cmd.out_iova_alignment;
	return rc;
}

static inline long m_allow(struct uiommufd_ctx *ctx, uint32_t ioas,
			   struct iommu_iova_range *r, uint32_t n)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = n,
		.allowed_iovas = (uint64_t)(uintptr_t)r,
	};

	return uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

static inline long m_check_map(struct uiommufd_ctx *ctx, uint32_t hwpt,
			       uint64_t iova, const void *uptr, uint64_t length)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_MD_CHECK_MAP, .id = hwpt,
	};

	cmd.check_map.iova = iova;
	cmd.check_map.length = length;
	cmd.check_map.uptr = (uint64_t)(uintptr_t)uptr;
	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static inline long m_check_refs(struct uiommufd_ctx *ctx, const void *uptr,
				uint64_t length, uint32_t refs)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_MD_CHECK_REFS,
	};

	cmd.check_refs.length = length;
	cmd.check_refs.uptr = (uint64_t)(uintptr_t)uptr;
	cmd.check_refs.refs = refs;
	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static inline long m_option_huge(struct uiommufd_ctx *ctx, uint32_t ioas,
				 uint64_t val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd), .option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = val,
	};

	return uiommufd_ioctl(ctx, IOMMU_OPTION, &cmd);
}

/* Anonymous read/write memory, page aligned. */
static inline void *m_buf(uint64_t length)
{
	void *p = mmap(NULL, length, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	memset(p, 0x5a, length);
	return p;
}

#endif

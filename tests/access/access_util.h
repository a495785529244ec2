/* SPDX-License-Identifier: MIT */
/*
 * access_util.h - helpers for the access tests: raw IOMMU_TEST_CMD access
 * ops and IOAS calls built from include/uiommufd/iommufd_abi.h, each
 * returning the ioctl's result (0 or -errno) and asserting nothing, so the
 * expectations stay in the test bodies.
 *
 * Glossary: `last` inclusive, `end` exclusive; PAGE is the host page size.
 */
#ifndef UIOMMUFD_TESTS_ACCESS_UTIL_H
#define UIOMMUFD_TESTS_ACCESS_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/iommufd_abi.h>
#include <uiommufd/uiommufd.h>

static inline uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static inline long t_ioas(struct uiommufd_ctx *ctx, uint32_t *id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc)
		*id = cmd.out_ioas_id;
	return rc;
}

static inline long t_destroy(struct uiommufd_ctx *ctx, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return uiommufd_ioctl(ctx, IOMMU_DESTROY, &cmd);
}

/* Fixed map with explicit permission flags (READABLE/WRITEABLE). */
static inline long t_map(struct uiommufd_ctx *ctx, uint32_t ioas, void *va,
			 uint64_t length, uint64_t iova, uint32_t prot)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | prot,
		.ioas_id = ioas,
		.user_va = (uint64_t)(uintptr_t)va,
		.length = length,
		.iova = iova,
	};

	return uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &cmd);
}

#define T_RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

static inline long t_unmap(struct uiommufd_ctx *ctx, uint32_t ioas,
			   uint64_t iova, uint64_t length, uint64_t *out)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova, .length = length,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &cmd);

	if (!rc && out)
		*out = cmd.length;
	return rc;
}

static inline long t_test(struct uiommufd_ctx *ctx, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, cmd);
}

static inline long t_create_access(struct uiommufd_ctx *ctx, uint32_t ioas,
				   uint32_t flags, int *fd)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas,
		.create_access = { .flags = flags },
	};
	long rc = t_test(ctx, &cmd);

	if (!rc)
		*fd = (int)cmd.create_access.out_access_fd;
	return rc;
}

static inline long t_access_pages(struct uiommufd_ctx *ctx, int fd,
				  uint32_t flags, uint64_t iova,
				  uint64_t length, void *uptr, uint32_t *id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_PAGES, .id = (uint32_t)fd,
		.access_pages = { .flags = flags, .iova = iova, .length = length,
				  .uptr = (uint64_t)(uintptr_t)uptr },
	};
	long rc = t_test(ctx, &cmd);

	if (!rc && id)
		*id = cmd.access_pages.out_access_pages_id;
	return rc;
}

static inline long t_destroy_pages(struct uiommufd_ctx *ctx, int fd, uint32_t id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, .id = (uint32_t)fd,
		.destroy_access_pages = { .access_pages_id = id },
	};

	return t_test(ctx, &cmd);
}

static inline long t_access_rw(struct uiommufd_ctx *ctx, int fd, uint64_t iova,
			       void *buf, uint64_t length, uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW, .id = (uint32_t)fd,
		.access_rw = { .iova = iova, .length = length,
			       .uptr = (uint64_t)(uintptr_t)buf, .flags = flags },
	};

	return t_test(ctx, &cmd);
}

static inline long t_replace(struct uiommufd_ctx *ctx, int fd, uint32_t ioas)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, .id = (uint32_t)fd,
		.access_replace_ioas = { .ioas_id = ioas },
	};

	return t_test(ctx, &cmd);
}

static inline long t_check_refs(struct uiommufd_ctx *ctx, void *uptr,
				uint64_t length, uint32_t refs)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = { .length = length,
				.uptr = (uint64_t)(uintptr_t)uptr, .refs = refs },
	};

	return t_test(ctx, &cmd);
}

/* Page-aligned anonymous memory, filled with a byte pattern from `seed`. */
static inline void *t_mem(uint64_t length, int prot, unsigned int seed)
{
	unsigned char *p = mmap(NULL, length, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	for (uint64_t i = 0; i < length; i++)
		p[i] = (unsigned char)(i * 7 + seed);
	if (prot != (PROT_READ | PROT_WRITE))
		mprotect(p, length, prot);
	return p;
}

#endif

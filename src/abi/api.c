/* SPDX-License-Identifier: MIT */
/*
 * The plain C conveniences of uiommufd.h.  Each one fills the kernel struct
 * and goes through the same dispatcher as uiommufd_ioctl(), so a library user
 * gets exactly the ioctl's checks, errnos and effects.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "abi/abi.h"
#include "uiommufd/uiommufd.h"
#include "util/debug.h"

static long call(struct uiommufd_ctx *ctx, unsigned long request, void *arg)
{
	return uiommufd_ioctl(ctx, request, arg);
}

UIO_EXPORT int uiommufd_ioas_alloc(struct uiommufd_ctx *ctx, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	long rc = call(ctx, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc)
		*ioas_id = cmd.out_ioas_id;
	return (int)rc;
}

UIO_EXPORT int uiommufd_destroy(struct uiommufd_ctx *ctx, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return (int)call(ctx, IOMMU_DESTROY, &cmd);
}

UIO_EXPORT int uiommufd_ioas_map(struct uiommufd_ctx *ctx, uint32_t ioas_id,
				 void *va, uint64_t length, uint64_t *iova,
				 uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uint64_t)(uintptr_t)va,
		.length = length,
		.iova = (flags & UIOMMUFD_MAP_FIXED_IOVA) ? *iova : 0,
	};
	long rc = call(ctx, IOMMU_IOAS_MAP, &cmd);

	if (!rc)
		*iova = cmd.iova;
	return (int)rc;
}

UIO_EXPORT int uiommufd_ioas_copy(struct uiommufd_ctx *ctx, uint32_t dst_ioas_id,
				  uint32_t src_ioas_id, uint64_t src_iova,
				  uint64_t length, uint64_t *dst_iova,
				  uint32_t flags)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst_ioas_id,
		.src_ioas_id = src_ioas_id,
		.length = length,
		.dst_iova = (flags & UIOMMUFD_MAP_FIXED_IOVA) ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	long rc = call(ctx, IOMMU_IOAS_COPY, &cmd);

	if (!rc)
		*dst_iova = cmd.dst_iova;
	return (int)rc;
}

UIO_EXPORT int uiommufd_ioas_unmap(struct uiommufd_ctx *ctx, uint32_t ioas_id,
				   uint64_t iova, uint64_t length,
				   uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	long rc = call(ctx, IOMMU_IOAS_UNMAP, &cmd);

	if (!rc && unmapped)
		*unmapped = cmd.length;
	return (int)rc;
}

UIO_EXPORT int uiommufd_ioas_unmap_all(struct uiommufd_ctx *ctx, uint32_t ioas_id,
				       uint64_t *unmapped)
{
	return uiommufd_ioas_unmap(ctx, ioas_id, 0, UINT64_MAX, unmapped);
}

UIO_EXPORT int uiommufd_ioas_iova_ranges(struct uiommufd_ctx *ctx, uint32_t ioas_id,
					 struct uiommufd_iova_range *ranges,
					 uint32_t *num, uint64_t *alignment)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = *num,
		.allowed_iovas = (uint64_t)(uintptr_t)ranges,
	};
	long rc;

	_Static_assert(sizeof(struct uiommufd_iova_range) == sizeof(struct iommu_iova_range),
		       "public range type must match the ABI");
	rc = call(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (!rc || rc == -EMSGSIZE) {
		*num = cmd.num_iovas;
		if (alignment)
			*alignment = cmd.out_iova_alignment;
	}
	return (int)rc;
}

UIO_EXPORT int uiommufd_ioas_allow_iovas(struct uiommufd_ctx *ctx, uint32_t ioas_id,
					 const struct uiommufd_iova_range *ranges,
					 uint32_t num)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = num,
		.allowed_iovas = (uint64_t)(uintptr_t)ranges,
	};

	return (int)call(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

UIO_EXPORT int uiommufd_ioas_set_huge_pages(struct uiommufd_ctx *ctx,
					    uint32_t ioas_id, int enable)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.object_id = ioas_id,
		.val64 = enable ? 1 : 0,
	};

	return (int)call(ctx, IOMMU_OPTION, &cmd);
}

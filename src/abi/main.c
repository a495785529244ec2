/* SPDX-License-Identifier: MIT */
/*
 * Dispatch: one table row per ioctl (request number, the smallest size the
 * user may declare, the kernel struct size, the handler), and the one
 * copy-in routine that enforces the extensible-struct rules (abi.md §2):
 *   nr below the table, or past it      -> VFIO compat table (ENOTTY there)
 *   `size` unreadable                    -> EFAULT
 *   empty slot / request number differs  -> ENOTTY
 *   size < min                           -> EINVAL
 *   size > ksize with a non-zero tail    -> E2BIG
 * A struct shorter than ksize reads as zero-extended.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "abi/abi.h"
#include "uiommufd/uiommufd.h"
#include "uiommufd_config.h"
#include "umem/umem.h"
#include "util/debug.h"
#include "util/fork_guard.h"

struct abi_op {
	unsigned long request;
	uint32_t min_size;
	uint32_t size;
	int (*execute)(struct abi_ucmd *ucmd);
};

#define ABI_OP(req, handler, type, last)                                      \
	[_IOC_NR(req) - IOMMUFD_CMD_BASE] = {                                 \
		.request = (req),                                             \
		.min_size = offsetof(type, last) + sizeof(((type *)0)->last), \
		.size = sizeof(type),                                         \
		.execute = (handler),                                         \
	}

/* Handlers of abi/hwpt.c (paging HWPTs, HW info, dirty tracking). */
int abi_hwpt_alloc(struct abi_ucmd *ucmd);
int abi_get_hw_info(struct abi_ucmd *ucmd);
int abi_hwpt_set_dirty_tracking(struct abi_ucmd *ucmd);
int abi_hwpt_get_dirty_bitmap(struct abi_ucmd *ucmd);

static const struct abi_op abi_ops[] = {
	ABI_OP(IOMMU_DESTROY, abi_destroy, struct iommu_destroy, id),
	ABI_OP(IOMMU_IOAS_ALLOC, abi_ioas_alloc, struct iommu_ioas_alloc, out_ioas_id),
	ABI_OP(IOMMU_IOAS_ALLOW_IOVAS, abi_ioas_allow_iovas,
	       struct iommu_ioas_allow_iovas, allowed_iovas),
	ABI_OP(IOMMU_IOAS_COPY, abi_ioas_copy, struct iommu_ioas_copy, src_iova),
	ABI_OP(IOMMU_IOAS_IOVA_RANGES, abi_ioas_iova_ranges,
	       struct iommu_ioas_iova_ranges, out_iova_alignment),
	ABI_OP(IOMMU_IOAS_MAP, abi_ioas_map, struct iommu_ioas_map, iova),
	ABI_OP(IOMMU_IOAS_UNMAP, abi_ioas_unmap, struct iommu_ioas_unmap, length),
	ABI_OP(IOMMU_OPTION, abi_option, struct iommu_option, val64),
	ABI_OP(IOMMU_VFIO_IOAS, abi_vfio_ioas, struct iommu_vfio_ioas, __reserved),
	ABI_OP(IOMMU_TEST_CMD, abi_test_cmd, struct iommu_test_cmd, last),
	ABI_OP(IOMMU_HWPT_ALLOC, abi_hwpt_alloc, struct iommu_hwpt_alloc, __reserved),
	ABI_OP(IOMMU_GET_HW_INFO, abi_get_hw_info, struct iommu_hw_info, __reserved),
	ABI_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, abi_hwpt_set_dirty_tracking,
	       struct iommu_hwpt_set_dirty_tracking, __reserved),
	ABI_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, abi_hwpt_get_dirty_bitmap,
	       struct iommu_hwpt_get_dirty_bitmap, data),
};

#define ABI_MAX_KSIZE 128

int abi_ucmd_respond(struct abi_ucmd *ucmd, size_t ksize)
{
	size_t n = ucmd->user_size < ksize ? ucmd->user_size : ksize;

	return umem_copy_to_user(ucmd->ubuffer, ucmd->cmd, n);
}

long abi_dispatch(struct iommufd_ctx *ictx, unsigned long request, uint64_t arg)
{
	uint64_t buf[ABI_MAX_KSIZE / sizeof(uint64_t)];
	struct abi_ucmd ucmd = { .ictx = ictx, .ubuffer = arg, .cmd = buf };
	unsigned int nr = _IOC_NR(request);
	const struct abi_op *op;
	uint32_t have, need;
	ssize_t got;
	int rc;

	if (nr < IOMMUFD_CMD_BASE ||
	    nr - IOMMUFD_CMD_BASE >= sizeof(abi_ops) / sizeof(abi_ops[0]))
		return abi_vfio_ioctl(ictx, request, arg);
	op = &abi_ops[nr - IOMMUFD_CMD_BASE];

	/* One read fetches `size` and, in the common case, the whole struct. */
	got = umem_copy_from_user_prefix(buf, arg, op->size ? op->size : sizeof(uint32_t));
	if (got < (ssize_t)sizeof(uint32_t))
		return -EFAULT;
	memcpy(&ucmd.user_size, buf, sizeof(ucmd.user_size));
	if (!op->execute || op->request != request)
		return -ENOTTY;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	UIO_ASSERT(op->size <= sizeof(buf));

	/* copy_struct_from_user(): a longer struct must have a zero tail, a
	 * shorter one reads as zero-extended. */
	if (ucmd.user_size > op->size) {
		rc = umem_check_zeroed_user(arg + op->size, ucmd.user_size - op->size);
		if (rc)
			return rc;
	}
	need = ucmd.user_size < op->size ? ucmd.user_size : op->size;
	have = (uint32_t)got;
	if (have < need) {
		rc = umem_copy_from_user(buf, arg, need);
		if (rc)
			return rc;
	}
	memset((char *)buf + need, 0, op->size - need);
	return op->execute(&ucmd);
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                  */

UIO_EXPORT const char *uiommufd_version(void)
{
	return UIOMMUFD_VERSION;
}

UIO_EXPORT int uiommufd_open(struct uiommufd_ctx **ctxp)
{
	FORK_GUARD();
	struct iommufd_ctx *ictx = iommufd_ctx_create();

	if (!ictx)
		return -ENOMEM;
	*ctxp = (struct uiommufd_ctx *)ictx;
	return 0;
}

UIO_EXPORT void uiommufd_close(struct uiommufd_ctx *ctx)
{
	FORK_GUARD();
	if (ctx)
		iommufd_ctx_put((struct iommufd_ctx *)ctx);
}

UIO_EXPORT void uiommufd_ctx_get(struct uiommufd_ctx *ctx)
{
	FORK_GUARD();
	iommufd_ctx_get((struct iommufd_ctx *)ctx);
}

UIO_EXPORT long uiommufd_ioctl(struct uiommufd_ctx *ctx, unsigned long request,
			       void *arg)
{
	FORK_GUARD();
	if (!ctx)
		return -EBADF;
	return abi_dispatch((struct iommufd_ctx *)ctx, request,
			    (uint64_t)(uintptr_t)arg);
}

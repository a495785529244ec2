/* SPDX-License-Identifier: MIT */
/*
 * Handlers of IOMMU_HWPT_ALLOC (paging branch), IOMMU_GET_HW_INFO,
 * IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP, checking in
 * the order of errors.md §L (semantics.md §8.4, §15, §27).
 *
 * Not implemented: nested HWPTs, vIOMMUs and fault queues.  HWPT_ALLOC on a
 * paging parent passes the generic checks (EOPNOTSUPP for flags/no data,
 * EINVAL for an auto or non-NEST_PARENT parent) and then answers EOPNOTSUPP
 * as a driver without nesting support would; FAULT_ID_VALID with an
 * existing FAULT object answers EOPNOTSUPP.
 *
 * Dirty bitmap: the user's bitmap is read whole into a buffer (failure ->
 * ENOMEM, the spec's "bitmap cannot be set up"), the domain's dirty leaves
 * OR their bits in, and the buffer is written back; bits are only ever set.
 * A leaf reported by the page table may stick out of the requested range; it
 * is clipped to [iova, iova + length).  Errors while writing back are not
 * reported (v7.x behaviour).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abi/abi.h"
#include "core/device.h"
#include "core/hw_pagetable.h"
#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/overflow.h"

#define IOMMU_HWPT_DATA_SELFTEST_TYPE 0xdead
#define HWPT_ALLOC_FAULT_ID_VALID (1U << 2)
#define HWPT_PAGING_FLAGS (HWPT_ALLOC_NEST_PARENT | HWPT_ALLOC_DIRTY_TRACKING | \
			   HWPT_ALLOC_FAULT_ID_VALID | HWPT_ALLOC_PASID)

/* Mock driver data checks (selftest-mock.md §5.1 rows 2-4). */
static int hwpt_driver_data(struct iommufd_device *idev,
			    struct iommu_hwpt_alloc *cmd, uint32_t *pgtable_type)
{
	struct {
		uint32_t iotlb;
		uint32_t pagetable_type;
	} data = { 0, 0 };
	int rc;

	*pgtable_type = 0;
	if (!cmd->data_len)
		return 0;
	if (!idev->props.is_mock || cmd->data_type != IOMMU_HWPT_DATA_SELFTEST_TYPE)
		return -EOPNOTSUPP;
	if (cmd->data_len < 4 || cmd->data_len > sizeof(data))
		return -EINVAL;
	rc = umem_copy_from_user(&data, cmd->data_uptr, cmd->data_len);
	if (rc)
		return rc;
	if (data.pagetable_type != EMU_PGTABLE_DEFAULT &&
	    data.pagetable_type != EMU_PGTABLE_HUGE)
		return -EOPNOTSUPP;
	*pgtable_type = data.pagetable_type;
	return 0;
}

static int hwpt_alloc_paging(struct abi_ucmd *ucmd, struct iommu_hwpt_alloc *cmd,
			     struct iommufd_device *idev, struct iommufd_ioas *ioas,
			     struct iommufd_hw_pagetable **hwptp)
{
	uint32_t type;
	int rc;

	if (cmd->flags & ~HWPT_PAGING_FLAGS)
		return -EOPNOTSUPP;
	if ((cmd->flags & HWPT_ALLOC_DIRTY_TRACKING) && !idev->props.dirty_cap)
		return -EOPNOTSUPP;
	if ((cmd->flags & HWPT_ALLOC_FAULT_ID_VALID) &&
	    (cmd->flags & HWPT_ALLOC_NEST_PARENT))
		return -EOPNOTSUPP;
	rc = hwpt_driver_data(idev, cmd, &type);
	if (rc)
		return rc;
	pthread_mutex_lock(&ioas->mutex);
	rc = iommufd_hwpt_paging_alloc(ucmd->ictx, ioas, &idev->props,
				       cmd->flags & ~HWPT_ALLOC_FAULT_ID_VALID,
				       type, false, hwptp);
	pthread_mutex_unlock(&ioas->mutex);
	return rc;
}

static int hwpt_alloc_nested(struct iommu_hwpt_alloc *cmd,
			     struct iommufd_hw_pagetable *parent)
{
	if (cmd->flags & ~(HWPT_ALLOC_FAULT_ID_VALID | HWPT_ALLOC_PASID) ||
	    !cmd->data_len)
		return -EOPNOTSUPP;
	if (parent->auto_domain || !parent->nest_parent)
		return -EINVAL;
	return -EOPNOTSUPP; /* no nesting support (out of scope) */
}

int abi_hwpt_alloc(struct abi_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_hw_pagetable *hwpt = NULL;
	struct iommufd_device *idev;
	struct iommufd_object *pt;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->data_type == 0) != (cmd->data_len == 0))
		return -EINVAL;
	rc = iommufd_get_device(ucmd->ictx, cmd->dev_id, &idev);
	if (rc)
		return rc;
	if (iommufd_get_object(ucmd->ictx, cmd->pt_id, IOMMUFD_OBJ_ANY, &pt)) {
		rc = -EINVAL;
		goto out_put_dev;
	}
	switch (pt->type) {
	case IOMMUFD_OBJ_IOAS:
		rc = hwpt_alloc_paging(ucmd, cmd, idev,
				       container_of(pt, struct iommufd_ioas, obj), &hwpt);
		break;
	case IOMMUFD_OBJ_HWPT_PAGING:
		rc = hwpt_alloc_nested(cmd, container_of(pt, struct iommufd_hw_pagetable, obj));
		break;
	case IOMMUFD_OBJ_VIOMMU:
		rc = -EOPNOTSUPP;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc)
		goto out_put_pt;

	if (cmd->flags & HWPT_ALLOC_FAULT_ID_VALID) {
		struct iommufd_object *fault;

		rc = iommufd_get_object(ucmd->ictx, cmd->fault_id,
					IOMMUFD_OBJ_FAULT, &fault);
		if (!rc) {
			iommufd_put_object(ucmd->ictx, fault);
			rc = -EOPNOTSUPP; /* fault queues: out of scope */
		}
		if (rc)
			goto err_destroy;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto err_destroy;
	iommufd_object_finalize(ucmd->ictx, &hwpt->obj);
	goto out_put_pt;

err_destroy:
	iommufd_object_abort_and_destroy(ucmd->ictx, &hwpt->obj);
out_put_pt:
	iommufd_put_object(ucmd->ictx, pt);
out_put_dev:
	iommufd_put_device(idev);
	return rc;
}

int abi_get_hw_info(struct abi_ucmd *ucmd)
{
	struct iommu_hw_info *cmd = ucmd->cmd;
	struct iommufd_device *idev;
	uint32_t type = IOMMU_HW_INFO_TYPE_DEFAULT, klen;
	int rc;

	if (cmd->flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE ||
	    cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	rc = iommufd_get_device(ucmd->ictx, cmd->dev_id, &idev);
	if (rc)
		return rc;
	if (cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		type = cmd->in_data_type;
	if (type != IOMMU_HW_INFO_TYPE_DEFAULT && type != idev->props.hw_info_type) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	if (idev->props.hw_info_type == IOMMU_HW_INFO_TYPE_NONE) {
		rc = -ENODEV;
		goto out_put;
	}
	klen = idev->props.hw_info_len;
	if (cmd->data_len) {
		uint32_t n = cmd->data_len < klen ? cmd->data_len : klen;
		static const uint8_t zeros[256];

		rc = umem_copy_to_user(cmd->data_uptr, idev->props.hw_info, n);
		for (uint64_t off = n; !rc && off < cmd->data_len;) {
			uint64_t chunk = cmd->data_len - off;

			if (chunk > sizeof(zeros))
				chunk = sizeof(zeros);
			rc = umem_copy_to_user(cmd->data_uptr + off, zeros, chunk);
			off += chunk;
		}
		if (rc)
			goto out_put;
	}
	cmd->data_len = klen;
	cmd->out_data_type = idev->props.hw_info_type;
	cmd->out_max_pasid_log2 = idev->props.max_pasid_log2;
	cmd->out_capabilities = idev->props.dirty_cap ? IOMMU_HW_CAP_DIRTY_TRACKING : 0;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_device(idev);
	return rc;
}

int abi_hwpt_set_dirty_tracking(struct abi_ucmd *ucmd)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct iommufd_hw_pagetable *hwpt;
	int rc;

	if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;
	rc = iommufd_get_hwpt_paging(ucmd->ictx, cmd->hwpt_id, &hwpt);
	if (rc)
		return rc;
	if (!hwpt->domain->dirty_ops)
		rc = -EOPNOTSUPP;
	else
		rc = emu_domain_set_dirty_tracking(hwpt->domain,
				cmd->flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	iommufd_put_hwpt(hwpt);
	return rc;
}

struct dirty_bitmap {
	uint8_t *bits;
	uint64_t iova, last, page_size;
};

static int dirty_record(uint64_t leaf_iova, uint64_t leaf_size, void *arg)
{
	struct dirty_bitmap *bm = arg;
	uint64_t first = leaf_iova, last = leaf_iova + (leaf_size - 1);

	if (last < leaf_iova)
		last = UINT64_MAX;
	if (first < bm->iova)
		first = bm->iova;
	if (last > bm->last)
		last = bm->last;
	if (first > last)
		return 0;
	for (uint64_t bit = (first - bm->iova) / bm->page_size;
	     bit <= (last - bm->iova) / bm->page_size; bit++)
		bm->bits[bit / 8] |= 1u << (bit % 8);
	return 0;
}

#define DIRTY_BITMAP_MAX_BYTES (1ULL << 30)

int abi_hwpt_get_dirty_bitmap(struct abi_ucmd *ucmd)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct iommufd_hw_pagetable *hwpt;
	struct dirty_bitmap bm;
	uint64_t last, align, nbits, nbytes, page_size;
	int rc;

	if (cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR || cmd->__reserved)
		return -EOPNOTSUPP;
	rc = iommufd_get_hwpt_paging(ucmd->ictx, cmd->hwpt_id, &hwpt);
	if (rc)
		return rc;
	/* iommufd_check_iova_range() */
	if (check_add_overflow(cmd->iova, cmd->length - 1, &last)) {
		rc = -EOVERFLOW;
		goto out_put;
	}
	align = iopt_get_iova_alignment(&hwpt->ioas->iopt);
	/* Alignment is tested with masks, as upstream does: a page_size that
	 * is not a power of two acts as its lowest set bit. */
	if ((cmd->iova & (align - 1)) || ((last + 1) & (align - 1)) ||
	    !cmd->page_size || (cmd->iova & (cmd->page_size - 1)) ||
	    ((last + 1) & (cmd->page_size - 1))) {
		rc = -EINVAL;
		goto out_put;
	}
	page_size = cmd->page_size & -cmd->page_size;
	if (!hwpt->domain->dirty_ops) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	if (!cmd->length)
		goto out_put;
	nbits = cmd->length / page_size;
	if (cmd->length % page_size)
		nbits++;
	nbytes = (nbits + 7) / 8;
	if (nbytes > DIRTY_BITMAP_MAX_BYTES) {
		rc = -ENOMEM;
		goto out_put;
	}
	bm.bits = fi_malloc("abi.dirty_bitmap", nbytes);
	if (!bm.bits || umem_copy_from_user(bm.bits, cmd->data, nbytes)) {
		free(bm.bits);
		rc = -ENOMEM;
		goto out_put;
	}
	bm.iova = cmd->iova;
	bm.last = last;
	bm.page_size = page_size;
	emu_domain_read_and_clear_dirty(hwpt->domain, cmd->iova, cmd->length,
					cmd->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
					dirty_record, &bm);
	/* Errors while writing the bitmap are not reported (semantics §15). */
	(void)umem_copy_to_user(cmd->data, bm.bits, nbytes);
	free(bm.bits);
out_put:
	iommufd_put_hwpt(hwpt);
	return rc;
}

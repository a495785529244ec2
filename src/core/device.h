/* SPDX-License-Identifier: MIT */
/*
 * DEVICE objects: an emulated device bound to a context, and its RID
 * attachment (semantics.md §8.3).
 *
 * A device is created by a "driver" (the selftest mock, the C API's profile
 * devices, later the VFIO device layer) with iommufd_device_bind(), which
 * publishes the DEVICE object at once and keeps one `users` reference for
 * the binder: userspace can never DESTROY it (EBUSY).  The binder ends with
 * iommufd_device_unbind() after detaching.
 *
 * Attachment state, guarded by `lock` (the "group lock"; one device per
 * group here):
 *   hwpt == NULL   blocked (no DMA), the state after bind and detach;
 *   hwpt != NULL   attached to that paging HWPT: the device holds one users
 *                  reference on the HWPT and one on itself, and its reserved
 *                  regions are reserved in hwpt->ioas with the device as
 *                  owner.
 *
 * `props` (the IOMMU's description) never changes after bind, so it may be
 * read without the lock.
 *
 * Lock order: idev->lock -> ioas->mutex -> iopt locks -> ctx->lock.
 */
#ifndef UIOMMUFD_CORE_DEVICE_H
#define UIOMMUFD_CORE_DEVICE_H

#include "core/hw_pagetable.h"
#include "core/iommufd_private.h"
#include "core/mock_iommu.h"

struct iommufd_device {
	struct iommufd_object obj;
	struct emu_iommu_props props;
	pthread_mutex_t lock;
	struct iommufd_hw_pagetable *hwpt;	/* guarded by lock */
};

/* Create and publish a DEVICE object; the binder's reference is held. */
int iommufd_device_bind(struct iommufd_ctx *ictx,
			const struct emu_iommu_props *props,
			struct iommufd_device **idevp);
/* Drop the binder's reference and destroy the object (must be detached). */
void iommufd_device_unbind(struct iommufd_device *idev);

int iommufd_get_device(struct iommufd_ctx *ictx, uint32_t id,
		       struct iommufd_device **idevp);
static inline void iommufd_put_device(struct iommufd_device *idev)
{
	iommufd_put_object(idev->obj.ictx, &idev->obj);
}

/*
 * Attach the RID to `*pt_id` (an IOAS: automatic domain; a paging HWPT:
 * that one) and return the HWPT ID in *pt_id.  -ENOENT (unknown), -EINVAL
 * (other type, refused by the driver), -EBUSY (already attached),
 * -EADDRINUSE, -EFAULT, -ENOMEM.  Nothing changes on failure.
 */
int iommufd_device_attach(struct iommufd_device *idev, uint32_t *pt_id);
/* Atomically move an attached device to `*pt_id`; -EINVAL if not attached. */
int iommufd_device_replace(struct iommufd_device *idev, uint32_t *pt_id);
/* Detach; a no-op if not attached.  Never fails. */
void iommufd_device_detach(struct iommufd_device *idev);
/* ID of the attached HWPT, 0 if blocked. */
uint32_t iommufd_device_hwpt_id(struct iommufd_device *idev);

extern const struct iommufd_object_ops iommufd_device_ops;

#endif

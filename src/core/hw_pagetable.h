/* SPDX-License-Identifier: MIT */
/*
 * HWPT_PAGING objects: one emulated paging domain installed in one IOAS.
 *
 * A paging HWPT is created either automatically, when a device is attached
 * to an IOAS and no existing *auto* HWPT of that IOAS accepts it
 * (`auto_domain` true; destroyed with its last device), or by
 * IOMMU_HWPT_ALLOC on an IOAS (manual; lives until IOMMU_DESTROY).
 *
 * Invariants while the object exists (published or not, once
 * iommufd_hwpt_paging_alloc() returned 0):
 *  - it holds one `users` reference on `ioas` (so DESTROY(ioas) is EBUSY);
 *  - `domain` is in ioas->iopt's domain list: every live area is mapped in
 *    it, the complement of its aperture is reserved with the domain as owner;
 *  - every attached device holds one `users` reference on it, so DESTROY of
 *    a HWPT with devices is EBUSY; `ndevices` counts them (ioas->mutex).
 *
 * Lock order: device lock -> ioas->mutex -> iopt locks -> ctx->lock.
 */
#ifndef UIOMMUFD_CORE_HW_PAGETABLE_H
#define UIOMMUFD_CORE_HW_PAGETABLE_H

#include "core/ioas.h"
#include "core/iommufd_private.h"
#include "core/mock_iommu.h"
#include "util/overflow.h"

struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct iommufd_ioas *ioas;
	struct emu_domain *domain;
	bool auto_domain;
	bool nest_parent;
	bool pasid_compat;
	unsigned int ndevices;	/* guarded by ioas->mutex */
};

/* HWPT_ALLOC flags the core understands (abi.md §4.1). */
#define HWPT_ALLOC_NEST_PARENT (1U << 0)
#define HWPT_ALLOC_DIRTY_TRACKING (1U << 1)
#define HWPT_ALLOC_PASID (1U << 3)

/*
 * Allocate an unpublished paging HWPT on `ioas` for a device with `props`:
 * make the domain and add it to the IOAS (semantics.md §8.1).  Caller holds
 * ioas->mutex.  `flags` is a subset of the three above; `pgtable_type` is
 * the mock page-table type.  Errors: -ENOMEM, -EOPNOTSUPP (type), and the
 * add-domain errors -EINVAL/-EADDRINUSE/-EFAULT/-ENOMEM.  On success the
 * caller finalizes or abort_and_destroys it.
 */
int iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			      const struct emu_iommu_props *props, uint32_t flags,
			      uint32_t pgtable_type, bool auto_domain,
			      struct iommufd_hw_pagetable **hwptp);

/* Look up a paging HWPT and take a users reference; -ENOENT. */
int iommufd_get_hwpt_paging(struct iommufd_ctx *ictx, uint32_t id,
			    struct iommufd_hw_pagetable **hwptp);
static inline void iommufd_put_hwpt(struct iommufd_hw_pagetable *hwpt)
{
	iommufd_put_object(hwpt->obj.ictx, &hwpt->obj);
}

/*
 * Collect the published auto HWPTs of `ioas`, in ID order, each with a users
 * reference taken.  Caller holds ioas->mutex; frees *listp and puts each.
 */
int iommufd_hwpt_auto_list(struct iommufd_ioas *ioas,
			   struct iommufd_hw_pagetable ***listp, unsigned int *np);

/*
 * Count a device out.  Caller holds hwpt->ioas->mutex and still owns the
 * device's users reference.  Returns true when an auto HWPT lost its last
 * device: the caller then, after dropping the mutex, drops the reference
 * with iommufd_object_put_and_remove() (waiting for in-flight lookups under
 * the mutex could deadlock with a lookup that waits for it); otherwise it
 * drops it with iommufd_object_unref().
 */
bool iommufd_hwpt_release_device(struct iommufd_hw_pagetable *hwpt);

extern const struct iommufd_object_ops iommufd_hwpt_paging_ops;

#endif
